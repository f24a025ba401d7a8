// Running one job on a worker: its files unpacked into a folder of its own (or
// its revisions fetched into the worker's repository and checked out), then
// the same `assay` command the user would have run locally, in a child
// process of its own, with stdout and stderr kept apart and sent back whole.
// The child is the job's process: the runners it starts, and for candidates
// the scoring sandbox, are the ones a local run starts, and it dies with the
// worker (setpriv --pdeathsig), so a SIGKILLed worker leaves nothing measuring.
// Its CPU time is read from /proc/self/stat (the waited-for children's time).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ScoreDoc } from '../model/history.ts';
import { packageRoot } from '../model/paths.ts';
import type { RunResult } from '../model/types.ts';
import { checkoutBundle, unpackFiles } from './payload.ts';
import type { JobSpec } from './spec.ts';

/** The placeholder the client writes for the job's output folder, replaced on the worker. */
export const OUT_PLACEHOLDER = '@ASSAY_JOB_OUT@';
/** The file `run` jobs write their RunResult to, when the user asked for none. */
const RUN_JSON = '.fleet-run.json';
const SCORES_JSON = '.fleet-scores.json';

export interface JobOutcome {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** Output files by option (`--json` -> its text). */
  outputs: Record<string, string>;
  wallS: number;
  cpuS: number;
  /** What to record in the history store. */
  run?: RunResult;
  scores?: ScoreDoc[];
}

export interface ExecuteOptions {
  id: string;
  spec: JobSpec;
  payload: Buffer | null;
  /** The worker's folder for job folders. */
  workDir: string;
  /** The worker's git repository for bundles. */
  repoDir: string;
  /** The fleet's URL, for nightly's store (passed in the environment, never on a command line). */
  url: string;
  /** The host's measure lock file, which the worker holds for this job; null when it holds none. */
  lockHeld: string | null;
  /** Progress from the job: `case 3 of 12: id`, a score's stage. */
  onProgress(text: string): void;
}

/** Seconds of CPU used by this process's waited-for children (and theirs), from /proc/self/stat. */
export function childCpuSeconds(): number {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // after the name: state(3) ... utime(14) stime(15) cutime(16) cstime(17), counted from 3 here
    return (Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    return 0;
  }
}

const hasSetpriv = spawnSync('setpriv', ['--help'], { stdio: 'ignore' }).status === 0;

export async function executeJob(o: ExecuteOptions): Promise<JobOutcome> {
  const t0 = performance.now();
  const dir = path.join(o.workDir, `job-${o.id}`);
  rmSync(dir, { recursive: true, force: true });
  const out = path.join(dir, 'out');
  mkdirSync(out, { recursive: true });
  try {
    if (o.spec.kind === 'probe') {
      if (o.spec.sleepMs) await new Promise((r) => setTimeout(r, o.spec.sleepMs));
      return { exitCode: 0, stdout: `probe ${o.id}\n`, stderr: '', outputs: {}, wallS: (performance.now() - t0) / 1000, cpuS: 0 };
    }
    let cwd = path.join(dir, 'files');
    if (o.spec.payload === 'files') {
      unpackFiles(o.payload ?? Buffer.alloc(0), cwd);
      // the files load as they did for the user: as ES modules under a "type": "module" above their folder
      if (o.spec.moduleType && !existsSync(path.join(cwd, 'package.json'))) writeFileSync(path.join(cwd, 'package.json'), `${JSON.stringify({ type: o.spec.moduleType })}\n`);
    }
    else if (o.spec.payload === 'bundle') {
      checkoutBundle(o.payload ?? Buffer.alloc(0), o.repoDir, o.spec.checkout!);
      cwd = path.join(o.repoDir, o.spec.subdir ?? '');
    } else mkdirSync(cwd, { recursive: true });

    const args = o.spec.args.map((a) => a.split(OUT_PLACEHOLDER).join(out));
    const jsonOut = o.spec.outputs.find((x) => x.flag === '--json');
    const jsonToStdout = o.spec.kind === 'run' && args.some((a, i) => a === '-' && args[i - 1] === '--json');
    if (o.spec.kind === 'run' && !jsonOut && !jsonToStdout) args.push('--json', path.join(out, RUN_JSON));
    const env: NodeJS.ProcessEnv = { ...process.env, CI: '1', ASSAY_PROGRESS_FD: '3', ASSAY_FLEET_JOB: o.id, ASSAY_FLEET_SCORES: path.join(out, SCORES_JSON) };
    delete env.ASSAY_DB;
    if (o.spec.kind === 'nightly') env.ASSAY_DB = o.url;
    if (o.lockHeld) env.ASSAY_MEASURE_LOCK = env.ASSAY_MEASURE_LOCK_HELD = o.lockHeld;
    const bin = path.join(packageRoot(), 'harness', 'cli', 'assay.mjs');
    const argv = [process.execPath, bin, o.spec.kind, ...args];
    const [cmd, ...rest] = hasSetpriv ? ['setpriv', '--pdeathsig', 'KILL', '--', ...argv] : argv;

    const cpu0 = childCpuSeconds();
    const r = await new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(cmd!, rest, { cwd, env, stdio: ['ignore', 'pipe', 'pipe', 'pipe'] });
      const so: Buffer[] = [];
      const se: Buffer[] = [];
      child.stdout!.on('data', (b: Buffer) => so.push(b));
      child.stderr!.on('data', (b: Buffer) => {
        se.push(b);
        const line = b.toString().split('\n').filter(Boolean).pop();
        if (line && /^score: /.test(line)) o.onProgress(line.slice(0, 200));
      });
      let pending = '';
      (child.stdio[3] as NodeJS.ReadableStream).on('data', (b: Buffer) => {
        pending += b.toString();
        const lines = pending.split('\n');
        pending = lines.pop() ?? '';
        for (const l of lines) {
          try {
            const p = JSON.parse(l) as { i?: number; n: number; case?: string };
            if (p.i !== undefined) o.onProgress(`case ${p.i} of ${p.n}: ${p.case}`);
          } catch {
            // not a progress line
          }
        }
      });
      child.on('error', (e) => resolve({ code: 4, signal: null, stdout: '', stderr: `assay: internal error: the worker could not start the job's process (${e.message})\n` }));
      child.on('close', (code, signal) => resolve({ code, signal, stdout: Buffer.concat(so).toString(), stderr: Buffer.concat(se).toString() }));
    });
    const cpuS = childCpuSeconds() - cpu0;
    let stderr = r.stderr;
    if (r.code === null) stderr += `assay: internal error: the job's process on the worker was killed by ${r.signal}; this is a failure of Assay or of the worker's host, not of the code under test\n`;
    // paths on the worker read as the user wrote them
    for (const x of o.spec.outputs) {
      const at = path.join(out, x.name);
      stderr = stderr.split(path.relative(cwd, at)).join(x.path).split(at).join(x.path);
    }
    // and the job's folder is the user's working folder
    const here = `${cwd}${path.sep}`;
    const stdout = r.stdout.split(here).join('');
    stderr = stderr
      .split(here)
      .join('')
      .split('\n')
      .filter((l) => !l.startsWith('wrote json to ') || !l.includes(RUN_JSON))
      .join('\n');
    const outputs: Record<string, string> = {};
    for (const x of o.spec.outputs) {
      const at = path.join(out, x.name);
      if (existsSync(at)) outputs[x.flag] = readFileSync(at, 'utf8');
    }
    const outcome: JobOutcome = { exitCode: r.code ?? 4, stdout, stderr, outputs, wallS: (performance.now() - t0) / 1000, cpuS };
    if (o.spec.kind === 'run') {
      const text = jsonToStdout ? stdout : jsonOut ? outputs['--json'] : readOr(path.join(out, RUN_JSON));
      const run = parseOr<RunResult>(text);
      if (run && Array.isArray(run.cases)) outcome.run = run;
    }
    if (o.spec.kind === 'score') {
      const scores = parseOr<ScoreDoc[]>(readOr(path.join(out, SCORES_JSON)));
      if (Array.isArray(scores)) outcome.scores = scores;
    }
    return outcome;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function readOr(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function parseOr<T>(text: string | undefined): T | null {
  if (!text) return null;
  try {
    return JSON.parse(text) as T;
  } catch {
    return null;
  }
}
