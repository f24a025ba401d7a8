// One interleaved A/B session of two git revisions, set up from scratch: check
// both out (cached, installed, built), start runner processes in each, plan the
// same selection on both sides, measure the common cases interleaved, and give
// B's verdicts against A. `assay ab` runs one session; `assay bisect` runs one
// per step.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../model/errors.ts';
import type { ArtifactKind } from '../model/types.ts';
import type { RunEvent } from '../run/events.ts';
import { RunnerClient } from '../runner/client.ts';
import type { PlanOptions } from '../runner/protocol.ts';
import { makeComparison, tooLittleInCommon, type Comparison, type Verdict } from '../stats/compare.ts';
import { checkout, repoRoot, resolveRevision } from './checkout.ts';
import { interleave, type InterleaveResult } from './interleave.ts';

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
  /** Runner processes per side. */
  processes: number;
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

  // started together; one that fails to start takes the others down with it
  const starting = Array.from({ length: 2 * o.processes }, (_, i) =>
    RunnerClient.start({ cwd: i % 2 === 0 ? dirA : dirB, label: `${i % 2 === 0 ? 'A' : 'B'}${(i >> 1) + 1} (${i % 2 === 0 ? o.revA : o.revB})` }),
  );
  const started = await Promise.allSettled(starting);
  const runners = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failedStart = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failedStart) {
    for (const r of runners) r.kill();
    throw failedStart.reason;
  }
  const a = runners.filter((_, i) => i % 2 === 0);
  const b = runners.filter((_, i) => i % 2 === 1);
  let result: InterleaveResult;
  try {
    // each side plans with its own kernels folder, and the same selection
    result = await interleave(a, b, {
      plan: planA,
      planB,
      ...(o.onEvent ? { onEvent: o.onEvent } : {}),
      ...(o.signal ? { signal: o.signal } : {}),
      ...(o.threshold !== undefined ? { compare: { threshold: o.threshold } } : {}),
    });
  } finally {
    await Promise.all(runners.map((r) => r.shutdown()));
  }
  // a comparison with nothing in common is refused, not passed
  const why = result.interrupted ? null : tooLittleInCommon(result.cases, `A (${o.revA})`, `B (${o.revB})`);
  if (why) throw new UsageError(why);
  const comparison = makeComparison(result.cases, {
    mode: 'interleaved',
    base: { label: `A ${o.revA} (${shaA.slice(0, 10)})`, machine: a[0]!.hello.machine, git: shaA },
    head: { label: `B ${o.revB} (${shaB.slice(0, 10)})`, machine: b[0]!.hello.machine, git: shaB },
    ...(o.failOn ? { failOn: o.failOn } : {}),
    ...(o.threshold !== undefined ? { threshold: o.threshold } : {}),
  });
  return { shaA, shaB, comparison, result };
}
