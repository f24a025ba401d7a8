// The build stage of a score: the candidate's format, what it imports or
// defines (audited in the trusted parent, before anything of it runs), the
// compile, and its runner started in the sandbox and the candidate loaded
// there. A fault in the candidate is a failed check at its file:line.
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { compileKernel } from '../backends/native/compile.ts';
import { auditLibrary } from '../backends/native/symbols.ts';
import { readWgslKernel } from '../backends/webgpu/wgsl-source.ts';
import { ArtifactError, describeError } from '../model/errors.ts';
import { displayPath } from '../model/files.ts';
import type { ArtifactKind, Score, ScoreCheck, Settings } from '../model/types.ts';
import type { LoadedProblem } from '../run/suite.ts';
import { CandidateClient } from '../runner/candidate-client.ts';
import { WARM_ENV } from '../runner/protocol.ts';
import type { CandidateSpec } from '../runner/protocol.ts';
import { bundleCandidate, runnerBundles } from './bundle.ts';
import type { CheckList } from './checks.ts';
import { sandboxFor } from './sandbox.ts';
import { signatureOf } from './trusted.ts';

export interface BuildOptions extends RunnerOptions {
  file: string;
  settings: Settings;
  /** Where the runner comes from once the candidate has passed its audit: one started ahead, say; by default a new one. */
  runner?: () => Promise<SandboxedRunner>;
}

/** What starting a candidate's sandboxed runner needs; the candidate itself comes later. */
export interface RunnerOptions {
  kind: ArtifactKind;
  memoryMb: number;
  /** The build stage's time limit, in ms (a GPU request inside the runner gets a second less). */
  timeoutMs: number;
  project: string;
}

/** A runner started in its sandbox, with the private folder the candidate goes into, before it is known which candidate that is. */
export interface SandboxedRunner {
  kind: ArtifactKind;
  dir: string;
  client: CandidateClient;
  /** The sandbox's layers, as checks. */
  layers: ScoreCheck[];
  /** Started ahead, for a candidate not yet in hand (a folder's next one). */
  ahead: boolean;
}

/**
 * Starts a runner in its sandbox, with a private folder of its own. `ahead`: for
 * a candidate not in hand yet; the runner then also loads its kind's backend (for
 * wgsl, the GPU process and its device) before it says it is ready, which no
 * candidate influences, so that only the candidate's own load is left for its build.
 */
export async function startSandboxedRunner(o: RunnerOptions, ahead = false): Promise<SandboxedRunner> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'assay-score-'));
  try {
    const bundles = await runnerBundles();
    let entry = bundles.sandbox;
    if (o.kind === 'js') {
      // the JS runner sits beside its candidate, so that reading that one folder is all it may do
      entry = path.join(dir, 'runner.mjs');
      copyFileSync(bundles.js, entry);
    }
    const box = sandboxFor({ kind: o.kind, dir, memoryMb: o.memoryMb, project: o.project, gpuTimeoutS: Math.max(1, Math.floor(o.timeoutMs / 1000) - 1) });
    const client = await CandidateClient.start({
      cwd: box.cwd,
      entry,
      execArgv: box.execArgv,
      wrapper: box.wrapper,
      env: { ...box.env, ...(ahead && o.kind !== 'js' ? { [WARM_ENV]: o.kind } : {}) },
      inheritEnv: false,
      label: 'of a candidate',
      output: null,
    });
    return { kind: o.kind, dir, client, layers: box.layers, ahead };
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e; // a runner that cannot start is Assay's failure, not the candidate's
  }
}

/** Stops a runner and removes its folder. */
export async function stopSandboxedRunner(r: SandboxedRunner): Promise<void> {
  await r.client.shutdown().catch(() => r.client.kill());
  rmSync(r.dir, { recursive: true, force: true });
}

export interface Built {
  client: CandidateClient;
  /** The private folder of the sandbox, removed by `cleanup`. */
  dir: string;
  cleanup(): Promise<void>;
}

/** Where a failed build points, for the score. */
export type BuildFailure = { reason: string; location?: Score['location'] };

function locationOf(e: unknown): Score['location'] | undefined {
  if (!(e instanceof ArtifactError)) return undefined;
  return { file: displayPath(e.file), ...(e.line !== undefined ? { line: e.line } : {}), ...(e.column !== undefined ? { column: e.column } : {}) };
}

export async function buildStage(lp: LoadedProblem, o: BuildOptions, checks: CheckList): Promise<Built | BuildFailure> {
  const spec = lp.problem;
  const fail = (name: string, e: unknown): BuildFailure => {
    const reason = describeError(e);
    checks.fail(name, reason);
    const location = locationOf(e);
    return { reason: `${name}: ${reason}`, ...(location ? { location } : {}) };
  };

  // format and audit, in this process: nothing of the candidate runs yet
  let bundled: string | null = null;
  try {
    if (o.kind === 'wgsl') readWgslKernel(o.file, readFileSync(o.file, 'utf8'), spec);
    if (o.kind === 'js') {
      const b = await bundleCandidate(o.file);
      checks.pass('format', 'an ES module that bundles');
      for (const c of b.checks) checks.add(c);
      const bad = b.checks.find((c) => !c.passed);
      if (bad) return fail(bad.name, new Error(bad.detail));
      bundled = b.code;
    }
  } catch (e) {
    return fail('format', e);
  }
  if (o.kind === 'wgsl') checks.pass('format', 'a WGSL kernel with an entry point "main", a @dispatch grid and the problem\'s bindings');
  if (o.kind === 'onnx') checks.pass('format', 'a .onnx file; its inputs and outputs are checked when it loads');
  if (o.kind === 'native') {
    let library: string;
    try {
      library = (await compileKernel(o.file, spec)).library;
    } catch (e) {
      return fail('builds and loads', e);
    }
    checks.pass('format', 'a C/C++ source that compiles against the problem\'s prototype');
    const a = auditLibrary(library);
    if (a.fallback.length) checks.fail('self-contained', `the library imports ${a.fallback.join(', ')}: a fallback to other code (a library, the reference, or the host process)`);
    else checks.pass('self-contained', 'imports only what the C and C++ runtimes version');
    if (a.escapes.length) checks.fail('stays in its sandbox', `the library imports functions that reach outside a kernel's sandbox: ${a.escapes.join('; ')}`);
    else checks.pass('stays in its sandbox', 'imports no function for files, the network, processes, signals or code patching');
    if (a.clocks.length) checks.fail('clocks untouched', `the library defines ${a.clocks.join(', ')}, the clock functions the measuring loop reads`);
    else checks.pass('clocks untouched', 'defines no clock function');
    const bad = checks.firstFailure();
    if (bad) return { reason: `${bad.name}: ${bad.detail}` };
  }

  // the runner, in the sandbox, and the candidate loaded there
  const runner = await (o.runner ?? (() => startSandboxedRunner(o)))();
  const { client, dir } = runner;
  for (const l of runner.layers) checks.add(l);
  const cleanup = (): Promise<void> => stopSandboxedRunner(runner);
  // the sandbox sees its private folder, not the caller's /tmp: the candidate goes in by copy
  const file = path.join(dir, bundled !== null ? 'candidate.mjs' : path.basename(o.file));
  if (bundled !== null) writeFileSync(file, bundled);
  else copyFileSync(o.file, file);
  client.runner.label = `of ${displayPath(o.file)}`;
  const candidate: CandidateSpec = { kind: o.kind, file, ...(Object.keys(o.settings).length ? { settings: o.settings } : {}) };
  client.alias = [file, displayPath(o.file)];
  let r;
  try {
    r = await client.load(candidate, signatureOf(lp), undefined, o.timeoutMs);
  } catch (e) {
    client.kill();
    const failed = fail('builds and loads', new Error(`its runner ${client.exitReason ?? describeError(e)} while loading it`));
    await cleanup();
    return failed;
  }
  if (r.type === 'failed') {
    await cleanup();
    const e = r.location ? new ArtifactError(r.message, o.file, r.location.line) : new Error(r.message);
    return fail('builds and loads', e);
  }
  const details = Object.entries(r.details).map(([k, v]) => `${k} ${v}`).join(', ');
  const where = runner.ahead ? 'loaded in its sandboxed runner (started while the candidate before it was verified)' : 'loaded in its sandboxed runner';
  checks.pass('builds and loads', `${where}${details ? ` (${details})` : ''}`);
  return { client, dir, cleanup };
}
