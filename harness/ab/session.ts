// One interleaved A/B session of two git revisions, set up from scratch: check
// both out (cached, installed, built), start runner processes in each, plan the
// same selection on both sides, measure the common cases interleaved (or, with
// valgrind, count them side by side under callgrind), and give B's verdicts
// against A. `assay ab` runs one session; `assay bisect` runs one per step.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../model/errors.ts';
import type { ArtifactKind } from '../model/types.ts';
import type { RunEvent } from '../run/events.ts';
import { startCountingRunner, type CountingRunner, type Valgrind } from '../runner/callgrind.ts';
import { RunnerClient } from '../runner/client.ts';
import type { PlanOptions } from '../runner/protocol.ts';
import { makeComparison, tooLittleInCommon, type Comparison, type Verdict } from '../stats/compare.ts';
import { checkout, repoRoot, resolveRevision } from './checkout.ts';
import { interleave, type InterleaveResult } from './interleave.ts';
import { sideBySide } from './side-by-side.ts';

export interface AbSessionOptions {
  /** The working folder: the repository is the one holding it, and paths resolve from it. */
  cwd: string;
  /** The revisions as the user named them (a sha, branch, tag, HEAD~1 ...). */
  revA: string;
  revB: string;
  /** Bench paths and case filters, told apart by whether they exist in either checkout. */
  positionals?: string[];
  problems?: string[];
  backends?: ArtifactKind[];
  budgetS?: number;
  /** Run npm ci and the build in each new checkout. */
  install: boolean;
  /** Runner processes per side (timing only). */
  processes: number;
  /** Count instructions under this valgrind instead of timing: one counting runner per side. */
  valgrind?: Valgrind | null;
  threshold?: number;
  failOn?: Verdict[];
  log: (line: string) => void;
  onEvent?: (e: RunEvent) => void;
  signal?: AbortSignal;
}

export interface AbSessionResult {
  shaA: string;
  shaB: string;
  comparison: Comparison;
  result: InterleaveResult;
}

export async function runAbSession(o: AbSessionOptions): Promise<AbSessionResult> {
  const root = repoRoot(o.cwd);
  const sub = path.relative(root, o.cwd);
  const shaA = resolveRevision(root, o.revA);
  const shaB = resolveRevision(root, o.revB);
  const coA = checkout(root, shaA, { install: o.install, log: o.log });
  const coB = shaB === shaA ? coA : checkout(root, shaB, { install: o.install, log: o.log });
  for (const [rev, co] of [[o.revA, coA], [o.revB, coB]] as const) {
    o.log(`${rev} = ${co.sha.slice(0, 10)}: ${co.cached ? 'cached' : 'ready'} (install: ${co.install}${co.built ? ', built' : ''})`);
  }
  const dirA = path.join(coA.dir, sub);
  const dirB = path.join(coB.dir, sub);

  // a positional is a path when it exists in either checkout, otherwise a filter
  const rest = o.positionals ?? [];
  const isPath = (p: string): boolean => existsSync(path.resolve(dirA, p)) || existsSync(path.resolve(dirB, p));
  const paths = rest.filter(isPath);
  const filters = rest.filter((p) => !isPath(p));
  const plan = (dir: string): PlanOptions => ({
    paths,
    filters,
    ...(o.problems?.length ? { problems: o.problems } : {}),
    ...(o.backends ? { backends: o.backends } : {}),
    // a revision's own problems are measured when it has them
    ...(existsSync(path.join(dir, 'kernels')) ? { kernelsDir: path.join(dir, 'kernels') } : {}),
    measure: { ...(o.budgetS !== undefined ? { budgetS: o.budgetS } : {}) },
  });
  const planA = plan(coA.dir);
  const planB = plan(coB.dir);
  // revision's own problems only when both have them; otherwise both sides run the same built-in ones
  if (planA.kernelsDir === undefined || planB.kernelsDir === undefined) {
    delete planA.kernelsDir;
    delete planB.kernelsDir;
  }

  const compare = o.threshold !== undefined ? { compare: { threshold: o.threshold } } : {};
  const common = { plan: planA, planB, ...(o.onEvent ? { onEvent: o.onEvent } : {}), ...(o.signal ? { signal: o.signal } : {}), ...compare };
  let result: InterleaveResult;
  let machines: [string, string];
  if (o.valgrind) {
    // instruction counts: one runner per side under callgrind, counting the same case at the same time
    const v = o.valgrind;
    const [ca, cb] = await startAll([
      () => startCountingRunner(v, { cwd: dirA, label: `A (${o.revA}) under callgrind` }),
      () => startCountingRunner(v, { cwd: dirB, label: `B (${o.revB}) under callgrind` }),
    ], (r: CountingRunner) => void r.close());
    try {
      result = await sideBySide(ca!.client, cb!.client, common);
    } finally {
      await Promise.all([ca!.close(), cb!.close()]);
    }
    machines = [ca!.client.hello.machine, cb!.client.hello.machine];
  } else {
    const runners = await startAll(
      Array.from({ length: 2 * o.processes }, (_, i) => () =>
        RunnerClient.start({ cwd: i % 2 === 0 ? dirA : dirB, label: `${i % 2 === 0 ? 'A' : 'B'}${(i >> 1) + 1} (${i % 2 === 0 ? o.revA : o.revB})` }),
      ),
      (r: RunnerClient) => r.kill(),
    );
    const a = runners.filter((_, i) => i % 2 === 0);
    const b = runners.filter((_, i) => i % 2 === 1);
    try {
      // each side plans with its own kernels folder, and the same selection
      result = await interleave(a, b, common);
    } finally {
      await Promise.all(runners.map((r) => r.shutdown()));
    }
    machines = [a[0]!.hello.machine, b[0]!.hello.machine];
  }
  // a comparison with nothing in common is refused, not passed
  const why = result.interrupted ? null : tooLittleInCommon(result.cases, `A (${o.revA})`, `B (${o.revB})`);
  if (why) throw new UsageError(why);
  const comparison = makeComparison(result.cases, {
    mode: o.valgrind ? 'side-by-side' : 'interleaved',
    measure: o.valgrind ? 'instructions' : 'time',
    base: { label: `A ${o.revA} (${shaA.slice(0, 10)})`, machine: machines[0], git: shaA },
    head: { label: `B ${o.revB} (${shaB.slice(0, 10)})`, machine: machines[1], git: shaB },
    ...(o.failOn ? { failOn: o.failOn } : {}),
    ...(o.threshold !== undefined ? { threshold: o.threshold } : {}),
  });
  return { shaA, shaB, comparison, result };
}

/** Starts runners together; when one fails to start, the others are stopped and its error is thrown. */
async function startAll<T>(starts: (() => Promise<T>)[], stop: (r: T) => void): Promise<T[]> {
  const started = await Promise.allSettled(starts.map((f) => f()));
  const ok = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    for (const r of ok) stop(r);
    throw failed.reason;
  }
  return ok;
}
