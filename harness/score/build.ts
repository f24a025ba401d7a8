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
import type { ArtifactKind, Score, Settings } from '../model/types.ts';
import type { LoadedProblem } from '../run/suite.ts';
import { CandidateClient } from '../runner/candidate-client.ts';
import type { CandidateSpec } from '../runner/protocol.ts';
import { bundleCandidate, runnerBundles } from './bundle.ts';
import type { CheckList } from './checks.ts';
import { sandboxFor } from './sandbox.ts';
import { signatureOf } from './trusted.ts';

export interface BuildOptions {
  file: string;
  kind: ArtifactKind;
  settings: Settings;
  memoryMb: number;
  /** The stage's time limit, in ms: starting the runner and loading the candidate must fit in it. */
  timeoutMs: number;
  project: string;
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
  const dir = mkdtempSync(path.join(os.tmpdir(), 'assay-score-'));
  const cleanup = async (): Promise<void> => rmSync(dir, { recursive: true, force: true });
  const fail = async (name: string, e: unknown): Promise<BuildFailure> => {
    await cleanup();
    const reason = describeError(e);
    checks.fail(name, reason);
    const location = locationOf(e);
    return { reason: `${name}: ${reason}`, ...(location ? { location } : {}) };
  };
  let file = o.file;

  // format and audit, in this process: nothing of the candidate runs yet
  try {
    if (o.kind === 'wgsl') readWgslKernel(o.file, readFileSync(o.file, 'utf8'), spec);
    if (o.kind === 'js') {
      const b = await bundleCandidate(o.file);
      checks.pass('format', 'an ES module that bundles');
      for (const c of b.checks) checks.add(c);
      const bad = b.checks.find((c) => !c.passed);
      if (bad) return fail(bad.name, new Error(bad.detail));
      file = path.join(dir, 'candidate.mjs');
      writeFileSync(file, b.code);
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
    if (bad) {
      await cleanup();
      return { reason: `${bad.name}: ${bad.detail}` };
    }
  }

  // the runner, in the sandbox, and the candidate loaded there
  const bundles = await runnerBundles();
  let entry = bundles.sandbox;
  if (o.kind === 'js') {
    // the JS runner sits beside its candidate, so that reading that one folder is all it may do
    entry = path.join(dir, 'runner.mjs');
    copyFileSync(bundles.js, entry);
  }
  const box = sandboxFor({ kind: o.kind, dir, memoryMb: o.memoryMb, project: o.project, gpuTimeoutS: Math.max(1, Math.floor(o.timeoutMs / 1000) - 1) });
  for (const l of box.layers) checks.add(l);
  let client: CandidateClient;
  try {
    client = await CandidateClient.start({
      cwd: box.cwd,
      entry,
      execArgv: box.execArgv,
      wrapper: box.wrapper,
      env: box.env,
      inheritEnv: false,
      label: `of ${displayPath(o.file)}`,
      output: null,
    });
  } catch (e) {
    await cleanup();
    throw e; // a runner that cannot start is Assay's failure, not the candidate's
  }
  if (o.kind !== 'js') {
    // the sandbox sees its private folder, not the caller's /tmp: the candidate goes in by copy, under its own name
    file = path.join(dir, path.basename(o.file));
    copyFileSync(o.file, file);
  }
  const candidate: CandidateSpec = { kind: o.kind, file, ...(Object.keys(o.settings).length ? { settings: o.settings } : {}) };
  client.alias = [file, displayPath(o.file)];
  let r;
  try {
    r = await client.load(candidate, signatureOf(lp), undefined, o.timeoutMs);
  } catch (e) {
    client.kill();
    return fail('builds and loads', new Error(`its runner ${client.exitReason ?? describeError(e)} while loading it`));
  }
  if (r.type === 'failed') {
    await client.shutdown();
    const e = r.location ? new ArtifactError(r.message, o.file, r.location.line) : new Error(r.message);
    return fail('builds and loads', e);
  }
  const details = Object.entries(r.details).map(([k, v]) => `${k} ${v}`).join(', ');
  checks.pass('builds and loads', `loaded in its sandboxed runner${details ? ` (${details})` : ''}`);
  return {
    client,
    dir,
    cleanup: async () => {
      await client.shutdown().catch(() => client.kill());
      await cleanup();
    },
  };
}
