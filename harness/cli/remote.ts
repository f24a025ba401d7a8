// `--remote TAG` on run, score, ab and nightly: the command runs on a fleet
// worker with that tag, and here it prints what it printed there and exits
// with its code. Everything the job needs travels with it: every argument
// that names a file or folder in the working folder (bench files with the
// files beside them, candidates, folders), or for ab and nightly a git bundle
// of the revisions (ab's two, nightly's HEAD), whose names are resolved here to
// shas. Output files (--json FILE, --markdown FILE) are written there and sent
// back to be written here. `--detach` prints the job's id and returns at once.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { EXIT, UsageError, type ExitCode } from '../model/errors.ts';
import { connectFleet, fleetUrl } from '../fleet/connect.ts';
import { OUT_PLACEHOLDER } from '../fleet/execute.ts';
import { filesToPack, makeBundle, packFiles } from '../fleet/payload.ts';
import { checkTag, type JobKind, type JobSpec, type OutputFile } from '../fleet/spec.ts';
import { fleetTimings } from '../fleet/settings.ts';
import { InterruptedWait, liveWorkersFor, submitJob, waitForJob } from '../fleet/submit.ts';
import { SESSION_OPTIONS } from './commands/ab.ts';
import { DONE, type Outcome } from './exit.ts';
import { listenForInterrupt } from './interrupt.ts';
import { writeOutput } from './output.ts';
import { VERDICT_OPTIONS } from './verdict-options.ts';

/** The commands that take --remote (main.ts sends them here). */
const REMOTE_COMMANDS = new Set(['run', 'score', 'ab', 'nightly']);

/** Options that name files the command writes, per command. */
const OUTPUT_FLAGS: Record<string, string[]> = { run: ['--json', '--markdown'], nightly: ['--json', '--markdown'], ab: ['--json', '--markdown'], score: [] };

interface RemoteFlags {
  tag: string;
  detach: boolean;
  db: string | undefined;
  rest: string[];
}

/** Takes --remote TAG, --detach and --db URL out of the arguments. */
function takeRemoteFlags(cmd: string, args: string[]): RemoteFlags {
  let tag: string | undefined;
  let db: string | undefined;
  let detach = false;
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const value = (name: string): string => {
      if (a.startsWith(`${name}=`)) return a.slice(name.length + 1);
      const v = args[++i];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${cmd}: ${name} needs a value`);
      return v;
    };
    if (a === '--remote' || a.startsWith('--remote=')) tag = value('--remote');
    else if (a === '--db' || a.startsWith('--db=')) db = value('--db');
    else if (a === '--detach') detach = true;
    else rest.push(a);
  }
  return { tag: checkTag(tag!, '--remote'), detach, db, rest };
}

/** The job for `cmd args`, and the files or bundle it carries. */
export function buildJob(cmd: JobKind, args: string[], cwd = process.cwd()): { spec: JobSpec; payload: Buffer | null } {
  if (cmd === 'run' && args.some((a) => /^--(save-)?baseline(=|$)/.test(a))) {
    throw new UsageError('run --remote: --baseline and --save-baseline are not taken with --remote: a baseline belongs to the machine that measured it. Compare remote runs with `assay compare` on their --json files');
  }
  const outputs: OutputFile[] = [];
  const out: string[] = [];
  const outFlags = OUTPUT_FLAGS[cmd] ?? [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const flag = outFlags.find((f) => a === f || a.startsWith(`${f}=`));
    if (!flag) {
      out.push(a);
      continue;
    }
    const file = a.includes('=') ? a.slice(flag.length + 1) : args[++i];
    if (file === undefined) throw new UsageError(`${cmd}: ${flag} needs a value`);
    if (file === '-') out.push(flag, '-');
    else {
      const name = `${flag.slice(2)}-${outputs.length}${path.extname(file) || '.out'}`;
      outputs.push({ flag, name, path: file });
      out.push(flag, `${OUT_PLACEHOLDER}/${name}`);
    }
  }
  if (cmd === 'ab' || cmd === 'nightly') {
    let revs: string[] = ['HEAD'];
    if (cmd === 'ab') {
      const { tokens } = parseArgs({ args: out, options: { ...VERDICT_OPTIONS, ...SESSION_OPTIONS }, allowPositionals: true, strict: false, tokens: true });
      const pos = tokens.filter((t) => t.kind === 'positional');
      if (pos.length < 2) throw new UsageError('ab takes two git revisions: assay ab REV_A REV_B [PATHS/FILTERS] [options]');
      revs = [pos[0]!.value, pos[1]!.value];
      const bundle = makeBundle(cwd, revs);
      // the names are resolved here: HEAD~1 on the worker would be another commit
      out[pos[0]!.index] = bundle.revisions[revs[0]!]!;
      out[pos[1]!.index] = bundle.revisions[revs[1]!]!;
      return { spec: { kind: cmd, args: out, payload: 'bundle', revisions: bundle.revisions, checkout: bundle.revisions[revs[1]!]!, subdir: bundle.subdir, outputs }, payload: bundle.data };
    }
    const bundle = makeBundle(cwd, revs);
    return { spec: { kind: cmd, args: out, payload: 'bundle', revisions: bundle.revisions, checkout: bundle.revisions.HEAD!, subdir: bundle.subdir, outputs }, payload: bundle.data };
  }
  // every argument that names a file or folder here travels, and is named relative to the working folder
  const paths: string[] = [];
  for (let i = 0; i < out.length; i++) {
    const a = out[i]!;
    if (a.startsWith('-') || a.includes(OUT_PLACEHOLDER) || !existsSync(path.resolve(cwd, a))) continue;
    const rel = path.relative(cwd, path.resolve(cwd, a)) || '.';
    paths.push(rel);
    out[i] = rel;
  }
  const files = filesToPack(cwd, paths);
  // .ts files load as ES modules or CommonJS by the package.json that governs them: it travels too
  const pkg = governingPackageJson(cwd);
  if (pkg && files.length) {
    const rel = path.relative(cwd, pkg);
    if (!rel.startsWith('..')) files.push(rel);
  }
  const moduleType = pkg ? packageType(pkg) : undefined;
  return {
    spec: { kind: cmd, args: out, payload: files.length ? 'files' : 'none', outputs, ...(moduleType ? { moduleType } : {}) },
    payload: files.length ? packFiles(cwd, [...new Set(files)]) : null,
  };
}

/** The package.json at or above `dir`, if any. */
function governingPackageJson(dir: string): string | null {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    if (existsSync(path.join(d, 'package.json'))) return path.join(d, 'package.json');
    if (path.dirname(d) === d) return null;
  }
}

function packageType(file: string): 'module' | 'commonjs' | undefined {
  try {
    const t = (JSON.parse(readFileSync(file, 'utf8')) as { type?: unknown }).type;
    return t === 'module' || t === 'commonjs' ? t : undefined;
  } catch {
    return undefined;
  }
}

/** Runs `assay CMD ARGS --remote TAG` on a worker with that tag. */
export async function remoteCommand(cmd: string, args: string[]): Promise<Outcome> {
  if (!REMOTE_COMMANDS.has(cmd)) throw new UsageError(`--remote is taken by run, score, ab and nightly, not by ${cmd}`);
  const flags = takeRemoteFlags(cmd, args);
  const url = fleetUrl(flags.db, `${cmd} --remote`);
  const { spec, payload } = buildJob(cmd as JobKind, flags.rest);
  const say = (line: string): void => {
    process.stderr.write(`remote: ${line}\n`);
  };
  const fleet = await connectFleet(url);
  try {
    const live = await liveWorkersFor(fleet, flags.tag, spec.kind);
    const { id, queue } = await submitJob(fleet, { spec, tag: flags.tag, payload });
    if (flags.detach) {
      process.stdout.write(`${id}\n`);
      say(`job ${id} queued for tag ${flags.tag}; \`assay jobs ${id}\` shows it`);
      return DONE;
    }
    say(`job ${id} queued for tag ${flags.tag} (${live.length ? `${live.length} live worker${live.length === 1 ? ' has' : 's have'} it` : `no live worker has it yet; waiting up to ${fleetTimings().noWorkerS} s for one`})`);
    const interrupt = listenForInterrupt();
    let r;
    try {
      r = await waitForJob(fleet, id, { queue, tag: flags.tag, kind: spec.kind, onNews: (line) => line !== 'queued' && say(line), signal: interrupt.signal });
    } catch (e) {
      if (e instanceof InterruptedWait) {
        say(e.message);
        return { kind: 'remote', code: EXIT.interrupted };
      }
      throw e;
    } finally {
      interrupt.release();
    }
    for (const o of spec.outputs) {
      const text = r.outputs[o.flag];
      if (text !== undefined) writeOutput(o.path, text);
    }
    process.stderr.write(r.stderr);
    process.stdout.write(r.stdout);
    const cost = r.cost !== null ? `, cost ${r.cost.toFixed(4)} at ${r.price_per_hour}/hour` : '';
    say(`job ${id} finished on ${r.host}: exit ${r.exit_code}, wall ${r.wall_s.toFixed(1)} s, cpu ${r.cpu_s.toFixed(1)} s${cost}`);
    return { kind: 'remote', code: r.exit_code as ExitCode };
  } finally {
    await fleet.close();
  }
}
