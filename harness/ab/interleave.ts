// Interleaved A/B: runners of both sides measure the same cases in one session,
// taking samples alternately (A B, B A, A B, ...), so that drift of the machine
// lands on both sides alike. With several runner pairs, the pairs take turns, so
// that one process's luck (its JIT's choices, its heap) is not read as a change
// in the code. Each case's verdict comes from the paired samples.
// `interleaveSides` is the same idea for N sides at once (a candidate, the
// reference and the best built-in variant, as `assay score` measures them),
// each side a function that takes one sample when asked.
import type { CaseRef, CaseResult, MeasuredCase } from '../model/types.ts';
import type { RunEvent } from '../run/events.ts';
import { measuringClock } from '../measure/clock.ts';
import { resolveMeasureOptions, statsOf, stopRuleOf, type MeasureOptions } from '../measure/measure.ts';
import { sampleUntilStopped, type SamplingProgress } from '../measure/sample-loop.ts';
import type { StopReason, StopRule } from '../measure/stopping.ts';
import type { RunnerClient } from '../runner/client.ts';
import type { PlanOptions } from '../runner/protocol.ts';
import { compareCase, pairedRatioOfMedians, ratioHalfWidth, sideOf, type CaseComparison, type CompareOptions } from '../stats/compare.ts';

/**
 * Runner processes per side in `assay ab`. One process per side lets a case
 * whose speed depends on the process (GC-heavy code, JIT tiering luck) look
 * like a change; with several, such a case shows a wide interval instead. The
 * interval over k pairs is a Student t one with k - 1 degrees of freedom, whose
 * half-width is t(k-1)/sqrt(k) of the pairs' spread: 1.24 at five pairs, 0.72
 * at ten. Pairs of identical code differ by about 1% on CPU-bound work, so at
 * five pairs the interval of a 5% change still reached below the 2% threshold
 * in 7 of 54 sessions of CPU-bound work; at ten, in none of 54, with no false
 * alarm in 108 (docs/results.md). The pairs share the budget, so more pairs
 * cost only their start-up and warm-up (10.4 s per verdict at five, 10.7 s at
 * ten, at the default budget).
 */
export const DEFAULT_PROCESSES = 10;

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
  /** Each side's case results (all its runners' samples together), for the cases measured. */
  a: CaseResult[];
  b: CaseResult[];
  /** Cases planned on one side only. */
  onlyA: CaseRef[];
  onlyB: CaseRef[];
  interrupted: boolean;
}

type Pair = [RunnerClient, RunnerClient];

/**
 * Plans both sides, then measures their common cases interleaved, one case at a
 * time. `a` and `b` are runners of each side, as many on each; runner i of A is
 * paired with runner i of B.
 */
export async function interleave(a: RunnerClient | RunnerClient[], b: RunnerClient | RunnerClient[], o: InterleaveOptions): Promise<InterleaveResult> {
  const as = Array.isArray(a) ? a : [a];
  const bs = Array.isArray(b) ? b : [b];
  if (as.length !== bs.length || as.length === 0) throw new RangeError(`interleave needs as many runners on each side, not ${as.length} and ${bs.length}`);
  const pairs: Pair[] = as.map((x, i) => [x, bs[i]!]);
  const mopts = resolveMeasureOptions(o.plan.measure);
  const plansA = await Promise.all(as.map((r) => r.plan(o.plan)));
  const plansB = await Promise.all(bs.map((r) => r.plan(o.planB ?? o.plan)));
  const casesA = plansA[0]!;
  const casesB = plansB[0]!;
  const idsB = new Set(casesB.map((c) => c.id));
  const idsA = new Set(casesA.map((c) => c.id));
  const common = casesA.filter((c) => idsB.has(c.id));
  const onlyA = casesA.filter((c) => !idsB.has(c.id));
  const onlyB = casesB.filter((c) => !idsA.has(c.id));
  const emit = o.onEvent ?? (() => {});
  emit({ type: 'plan', cases: common });
  const out: InterleaveResult = { cases: [], a: [], b: [], onlyA, onlyB, interrupted: false };
  const alive = (): boolean => [...as, ...bs].every((r) => r.exitReason === null);
  for (const [i, ref] of common.entries()) {
    if (o.signal?.aborted) {
      out.interrupted = true;
      break;
    }
    emit({ type: 'case-start', ref, index: i, total: common.length, phase: 'measure' });
    let m: CaseMeasurement;
    try {
      m = await interleaveCase(pairs, ref, mopts, (samples, relCI, elapsedNs) => emit({ type: 'case-progress', ref, progress: { samples, relCI, elapsedNs } }));
    } catch (e) {
      // a runner that died (a bench calling process.exit, a crash in native code) fails this
      // case and leaves the later ones unmeasured; the cases measured before keep their verdicts
      const error = (e as Error).message;
      out.cases.push(compareCase(ref, { state: 'failed', error }, { state: 'failed', error }, o.compare));
      if (alive()) continue;
      const why = `not measured: ${error.split('\n')[0]}`;
      for (const r of common.slice(i + 1)) out.cases.push(compareCase(r, { state: 'failed', error: why }, { state: 'failed', error: why }, o.compare));
      break;
    }
    out.a.push(m.a);
    out.b.push(m.b);
    out.cases.push(compareCase(ref, sideOf(m.a), sideOf(m.b), { ...o.compare, paired: true, ...(pairs.length > 1 ? { groups: m.groups } : {}) }));
    emit({ type: 'case-end', result: m.b, index: i, total: common.length });
  }
  // cases on one side only are planned but not measured
  const oneSided = (r: CaseRef, verdict: 'new' | 'missing'): CaseComparison => ({ ...r, verdict, base: null, head: null, ratio: null, ci: null, paired: true, reason: verdict === 'missing' ? 'only in A' : 'only in B' });
  for (const r of onlyA) out.cases.push(oneSided(r, 'missing'));
  for (const r of onlyB) out.cases.push(oneSided(r, 'new'));
  return out;
}

interface CaseMeasurement {
  a: CaseResult;
  b: CaseResult;
  /** The runner pair of each pair of samples. */
  groups: number[];
}

/** One sample of each side, taken back to back by runner pair `g`. */
interface PairedSample {
  a: number;
  b: number;
  g: number;
}

/** A side's code threw while sampled; the sampling loop ends and the case is failed. */
class SideFailed extends Error {
  constructor(
    readonly a: number[] | CaseResult | null,
    readonly b: number[] | CaseResult,
    readonly group: number,
  ) {
    super('a side failed while sampled');
  }
}

const isResult = (x: unknown): x is CaseResult => typeof x === 'object' && x !== null && 'state' in x;

/**
 * Measures one case on every runner: prepare all, take samples in pairs at one
 * batch size, the runner pairs taking turns, until the paired interval of the
 * ratio is tight enough or the budget (per side, as in `assay run`) is spent;
 * then finish all.
 */
async function interleaveCase(
  pairs: Pair[],
  ref: CaseRef,
  mopts: MeasureOptions,
  onProgress: (samples: number, relCI: number, elapsedNs: number) => void,
): Promise<CaseMeasurement> {
  const runners = pairs.flat();
  const prepared: Array<Awaited<ReturnType<RunnerClient['prepare']>>> = [];
  for (const r of runners) prepared.push(await r.prepare(ref.id));
  if (prepared.some(isResult)) {
    // some runner cannot measure the case: close the others with a token sample so every runner is free again
    const results: CaseResult[] = [];
    for (const [i, r] of runners.entries()) results.push(await close(r, ref, prepared[i]!));
    return { a: merge(ref, results.filter((_, i) => i % 2 === 0), 'budget'), b: merge(ref, results.filter((_, i) => i % 2 === 1), 'budget'), groups: [] };
  }
  // the same batch everywhere: each sample is the same number of calls
  const batch = Math.min(...prepared.map((p) => (p as { batch: number }).batch));
  let taken = 0;
  const source = {
    async take(count: number): Promise<PairedSample[]> {
      const out: PairedSample[] = [];
      for (let i = 0; i < count; i++) {
        const k = taken++;
        const g = k % pairs.length;
        const [ra, rb] = pairs[g]!;
        // alternate which side goes first, so neither always follows the other
        const aFirst = Math.floor(k / pairs.length) % 2 === 0;
        const sa = aFirst ? await ra.sample(ref.id, 1, batch) : null;
        const sb = await rb.sample(ref.id, 1, batch);
        const sa2 = aFirst ? sa : isResult(sb) ? null : await ra.sample(ref.id, 1, batch);
        if (isResult(sa2) || isResult(sb)) throw new SideFailed(sa2, sb, g);
        out.push({ a: sa2![0]!, b: sb[0]!, g });
      }
      return out;
    },
  };
  // the budget is per side, as in `assay run`; every pair takes a turn before the first check
  const rule = { ...stopRuleOf(mopts, 2 * mopts.budgetS * 1e9), minSamples: Math.max(mopts.minSamples, pairs.length) };
  const width = (ps: PairedSample[]): number =>
    ratioHalfWidth(pairedRatioOfMedians(ps.map((p) => p.a), ps.map((p) => p.b), { resamples: CHECK_RESAMPLES, ...(pairs.length > 1 ? { groups: ps.map((p) => p.g) } : {}) }));
  let sampled;
  try {
    sampled = await sampleUntilStopped(source, rule, measuringClock(), (p) => onProgress(p.samples, p.relCI, p.elapsedNs), width);
  } catch (e) {
    if (e instanceof SideFailed) return failAll(pairs, ref, e.a, e.b, e.group);
    throw e;
  }
  const { stop } = sampled;
  const xa = sampled.samples.map((p) => p.a);
  const xb = sampled.samples.map((p) => p.b);
  const groups = sampled.samples.map((p) => p.g);
  const finished: CaseResult[] = [];
  for (const r of runners) finished.push(await r.finish(ref.id, stop));
  // the samples of each side in the order they were taken, which is the pairing
  return { a: merge(ref, finished.filter((_, i) => i % 2 === 0), stop, xa), b: merge(ref, finished.filter((_, i) => i % 2 === 1), stop, xb), groups };
}

/** Ends a case on a runner that is prepared (with a token sample) or returns the result it already gave. */
async function close(r: RunnerClient, ref: CaseRef, p: CaseResult | { batch: number }): Promise<CaseResult> {
  if (isResult(p)) return p;
  const s = await r.sample(ref.id, 1, p.batch);
  return isResult(s) ? s : r.finish(ref.id, 'budget');
}

/** A runner's code threw while sampled: that side is failed; every other runner is closed with a token sample. */
async function failAll(pairs: Pair[], ref: CaseRef, sa: number[] | CaseResult | null, sb: number[] | CaseResult, g: number): Promise<CaseMeasurement> {
  const results: CaseResult[] = [];
  for (const [i, [ra, rb]] of pairs.entries()) {
    for (const [r, own] of [[ra, sa], [rb, sb]] as const) {
      if (i === g && isResult(own)) results.push(own);
      else results.push(await close(r, ref, { batch: 1 }).catch((e: Error): CaseResult => ({ ...ref, state: 'failed', error: e.message })));
    }
  }
  return { a: merge(ref, results.filter((_, i) => i % 2 === 0), 'budget'), b: merge(ref, results.filter((_, i) => i % 2 === 1), 'budget'), groups: [] };
}

/**
 * One side's result from its runners' results: the first failure or skip if any,
 * else a measured case whose samples are `samples` (the side's samples in the
 * order taken) and whose stats are theirs.
 */
function merge(ref: CaseRef, results: CaseResult[], stop: StopReason, samples?: number[]): CaseResult {
  const bad = results.find((r) => r.state !== 'measured');
  if (bad) return bad;
  const first = results[0] as MeasuredCase;
  if (results.length === 1 && !samples) return first;
  const xs = samples ?? results.flatMap((r) => (r as MeasuredCase).stats.samples ?? []);
  return { ...first, ...ref, stats: { ...first.stats, ...statsOf(xs, stop, first.stats.batch, true) } };
}

/** One side of an N-way interleave: takes one sample (ns per call) when asked. */
export interface SampleSide {
  name: string;
  take(): Promise<number>;
}

export interface SidesOutcome {
  /** samples[s][r]: side s's sample of round r; every side has one per round, so they pair by round. */
  samples: number[][];
  stop: StopReason;
  elapsedNs: number;
  /** The widest paired interval's relative half-width when sampling stopped. */
  relCI: number;
}

/**
 * Takes samples of several sides in rounds, one sample of each per round, in
 * an order that rotates from round to round (A B C, B C A, C A B), so that no
 * side always follows another; stops when the paired interval of side 0
 * against every other side is tight enough, or the budget is spent. The loop
 * and the stopping rule are the measuring core's (sampleUntilStopped).
 */
export async function interleaveSides(sides: SampleSide[], rule: StopRule, onProgress?: (p: SamplingProgress) => void): Promise<SidesOutcome> {
  if (sides.length < 2) throw new RangeError(`interleaveSides needs at least two sides, not ${sides.length}`);
  let round = 0;
  const source = {
    async take(count: number): Promise<number[][]> {
      const rows: number[][] = [];
      for (let c = 0; c < count; c++, round++) {
        const row = new Array<number>(sides.length);
        for (let j = 0; j < sides.length; j++) {
          const s = (round + j) % sides.length;
          row[s] = await sides[s]!.take();
        }
        rows.push(row);
      }
      return rows;
    },
  };
  const width = (rows: number[][]): number => {
    const first = rows.map((r) => r[0]!);
    let w = 0;
    for (let s = 1; s < sides.length; s++) w = Math.max(w, ratioHalfWidth(pairedRatioOfMedians(first, rows.map((r) => r[s]!), { resamples: CHECK_RESAMPLES })));
    return w;
  };
  const out = await sampleUntilStopped(source, rule, measuringClock(), onProgress, width);
  return { samples: sides.map((_, s) => out.samples.map((r) => r[s]!)), stop: out.stop, elapsedNs: out.elapsedNs, relCI: out.relCI };
}
