// Interleaved A/B: two runners measure the same cases in one session, taking
// samples alternately (A B, B A, A B, ...), so that drift of the machine lands on
// both sides alike. Each case's verdict comes from the paired samples.
import type { CaseRef, CaseResult } from '../core/types.ts';
import { resolveMeasureOptions, type MeasureOptions } from '../measure/measure.ts';
import { nextRoundSize, type StopReason } from '../measure/stopping.ts';
import type { RunEvent } from '../core/run.ts';
import type { PlanOptions } from '../runner/protocol.ts';
import type { RunnerClient } from '../runner/client.ts';
import { compareCase, pairedRatioOfMedians, ratioHalfWidth, sideOf, type CaseComparison, type CompareOptions } from '../stats/compare.ts';

/** Resamples per stopping check: enough for the interval's width, cheaper than the final 2000. */
const CHECK_RESAMPLES = 500;

export interface InterleaveOptions {
  plan: PlanOptions;
  /** B's plan, when it differs from A's (its own kernels folder); the same selection. */
  planB?: PlanOptions;
  compare?: CompareOptions;
  onEvent?: (e: RunEvent) => void;
  /** Aborting lets the case in hand finish; later cases are left out. */
  signal?: AbortSignal;
}

export interface InterleaveResult {
  cases: CaseComparison[];
  /** Each side's case results, with the samples the verdicts came from. */
  a: CaseResult[];
  b: CaseResult[];
  /** Case ids planned on one side only. */
  onlyA: CaseRef[];
  onlyB: CaseRef[];
  interrupted: boolean;
}

/** Plans both sides, then measures their common cases interleaved, one case at a time. */
export async function interleave(a: RunnerClient, b: RunnerClient, o: InterleaveOptions): Promise<InterleaveResult> {
  const mopts = resolveMeasureOptions(o.plan.measure);
  const [casesA, casesB] = await Promise.all([a.plan(o.plan), b.plan(o.planB ?? o.plan)]);
  const idsB = new Set(casesB.map((c) => c.id));
  const idsA = new Set(casesA.map((c) => c.id));
  const common = casesA.filter((c) => idsB.has(c.id));
  const onlyA = casesA.filter((c) => !idsB.has(c.id));
  const onlyB = casesB.filter((c) => !idsA.has(c.id));
  const emit = o.onEvent ?? (() => {});
  emit({ type: 'plan', cases: common });
  const out: InterleaveResult = { cases: [], a: [], b: [], onlyA, onlyB, interrupted: false };
  for (const [i, ref] of common.entries()) {
    if (o.signal?.aborted) {
      out.interrupted = true;
      break;
    }
    emit({ type: 'case-start', ref, index: i, total: common.length, phase: 'measure' });
    const [ra, rb] = await interleaveCase(a, b, ref, mopts, (samples, relCI, elapsedNs) => emit({ type: 'case-progress', ref, progress: { samples, relCI, elapsedNs } }));
    out.a.push(ra);
    out.b.push(rb);
    out.cases.push(compareCase(ref, sideOf(ra), sideOf(rb), { ...o.compare, paired: true }));
    emit({ type: 'case-end', result: rb, index: i, total: common.length });
  }
  for (const r of onlyA) out.cases.push(compareCase(r, { state: 'skipped', reason: 'planned' }, null, o.compare));
  for (const r of onlyB) out.cases.push(compareCase(r, null, { state: 'skipped', reason: 'planned' }, o.compare));
  // one-sided cases were planned but not measured: say so plainly
  for (const c of out.cases) if (c.verdict === 'missing' || c.verdict === 'new') c.reason = c.verdict === 'missing' ? 'only in A' : 'only in B';
  return out;
}

/**
 * Measures one case on both runners: prepare both, take samples in pairs at one
 * batch size until the paired interval of the ratio is tight enough or the budget
 * (per side, as in `assay run`) is spent, then finish both.
 */
async function interleaveCase(
  a: RunnerClient,
  b: RunnerClient,
  ref: CaseRef,
  mopts: MeasureOptions,
  onProgress: (samples: number, relCI: number, elapsedNs: number) => void,
): Promise<[CaseResult, CaseResult]> {
  const pa = await a.prepare(ref.id);
  const pb = await b.prepare(ref.id);
  const isResult = (x: unknown): x is CaseResult => typeof x === 'object' && x !== null && 'state' in x;
  if (isResult(pa) || isResult(pb)) {
    // one side cannot be measured: finish the other with a token measurement so both have a result
    const close = async (c: RunnerClient, p: typeof pa): Promise<CaseResult> => {
      if (isResult(p)) return p;
      const s = await c.sample(ref.id, 1, p.batch);
      return isResult(s) ? s : c.finish(ref.id, 'budget');
    };
    return [await close(a, pa), await close(b, pb)];
  }
  // the same batch on both sides: each sample is the same number of calls
  const batch = Math.min(pa.batch, pb.batch);
  const xa: number[] = [];
  const xb: number[] = [];
  const rule = { minSamples: mopts.minSamples, targetRelCI: mopts.targetRelCI, budgetNs: 2 * mopts.budgetS * 1e9, maxSamples: mopts.maxSamples };
  const start = process.hrtime.bigint();
  const elapsed = (): number => Number(process.hrtime.bigint() - start);
  let stop: StopReason | null = null;
  while (!stop) {
    const count = nextRoundSize(xa.length, elapsed(), rule);
    for (let i = 0; i < count; i++) {
      // alternate which side goes first, so neither always follows the other
      const order: Array<[RunnerClient, number[]]> = xa.length % 2 === 0 ? [[a, xa], [b, xb]] : [[b, xb], [a, xa]];
      for (const [runner, into] of order) {
        const s = await runner.sample(ref.id, 1, batch);
        if (isResult(s)) {
          // the code threw while sampled: that side is failed; finish the other
          const other = runner === a ? b : a;
          const otherResult = await other.finish(ref.id, 'budget').catch((e: Error) => ({ ...ref, state: 'failed' as const, error: e.message }));
          return runner === a ? [s, otherResult] : [otherResult, s];
        }
        into.push(s[0]!);
      }
    }
    let relCI = Infinity;
    if (xa.length >= rule.minSamples) {
      relCI = ratioHalfWidth(pairedRatioOfMedians(xa, xb, { resamples: CHECK_RESAMPLES }));
      if (relCI <= rule.targetRelCI) stop = 'converged';
    }
    onProgress(xa.length, relCI, elapsed());
    if (!stop && xa.length >= rule.maxSamples) stop = 'max-samples';
    if (!stop && elapsed() >= rule.budgetNs) stop = 'budget';
  }
  return [await a.finish(ref.id, stop), await b.finish(ref.id, stop)];
}
