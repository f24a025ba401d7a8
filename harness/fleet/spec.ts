// What a fleet job is: its kind, the tag that chooses its workers, the command
// line it runs there, and what travels with it. Also how tags and kinds map to
// pg-boss queues: one queue per tag and family of kinds, so that a worker takes
// only jobs for tags it has and kinds it can run, and an idle worker asks a few
// queues, not one per kind.
import { UsageError } from '../model/errors.ts';

/** The kinds of job: the four measuring commands, and `probe`, a job that does nothing (the queue's own overhead). */
export type JobKind = 'run' | 'score' | 'ab' | 'nightly' | 'probe';
export const JOB_KINDS: readonly JobKind[] = ['run', 'score', 'ab', 'nightly', 'probe'];

/** Kinds that need git on the worker (their revisions travel as a git bundle). */
const GIT_KINDS = new Set<JobKind>(['ab', 'nightly']);

/** Kinds that measure, and so hold the host's measure lock while they run. */
export const MEASURING_KINDS = new Set<JobKind>(['run', 'score', 'ab', 'nightly']);

/** A job's queue family: `git` for kinds that need git, `plain` for the rest. */
export const familyOf = (kind: JobKind): 'git' | 'plain' => (GIT_KINDS.has(kind) ? 'git' : 'plain');

/** A tag: letters, digits and `. _ - : /`, 1 to 64 of them (gpu:nvidia, cpu:x64, prod-like). */
const TAG = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,63}$/;

export function checkTag(tag: string, where: string): string {
  if (!TAG.test(tag)) throw new UsageError(`${where}: "${tag}" is not a tag; a tag is 1 to 64 letters, digits, dots, dashes, underscores, colons or slashes, starting with a letter or digit`);
  return tag;
}

/** The pg-boss queue of a tag and family: pg-boss names allow letters, digits, `_` and `-`, so other characters are spelled as `_XX` hex. */
export function queueName(tag: string, family: 'git' | 'plain'): string {
  const slug = tag.replace(/[^A-Za-z0-9-]/g, (c) => `_${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return `assay_${family}__${slug}`;
}

/** A file that an output option wrote on the worker, to be written where the user asked. */
export interface OutputFile {
  /** The option (`--json`, `--markdown`). */
  flag: string;
  /** The name it was given on the worker, inside the job's `out/` folder. */
  name: string;
  /** The path the user gave, as given. */
  path: string;
}

/** Everything a worker needs to run a job, apart from its files (fleet_jobs.payload). */
export interface JobSpec {
  kind: JobKind;
  /** The arguments after the command name, as the worker passes them to `assay KIND`. */
  args: string[];
  /** `files`: a tar of the files the arguments name, unpacked into the job's folder; `bundle`: a git bundle of revisions; none for probe. */
  payload: 'files' | 'bundle' | 'none';
  /** For a bundle: the revisions it holds (name -> sha) and the sha to check out before running. */
  revisions?: Record<string, string>;
  checkout?: string;
  /** For a bundle: the working folder inside the repository, relative to its top. */
  subdir?: string;
  /** The `type` of the package.json that governs the user's working folder, for one that lies above it (and so did not travel). */
  moduleType?: 'module' | 'commonjs';
  /** Output files to send back. */
  outputs: OutputFile[];
  /** probe: how long to pretend to work, in ms. */
  sleepMs?: number;
}

/** The job's command line, for listings: `run bench/ --quick`. */
export function commandText(spec: JobSpec): string {
  return [spec.kind, ...spec.args].map((a) => (/^[\w./:=,@+-]+$/.test(a) ? a : JSON.stringify(a))).join(' ');
}
