// The cache probe: a kernel that keeps results across calls (keyed on its
// inputs' values) computes once and then copies, so a pass over values it has
// never seen is far slower than a later pass over the same values. After the
// timed samples, the candidate is bound to sets of its own and goes through
// them once, so that first use of new buffers is behind it. Then, three times
// over, values never seen are written into those very buffers and it makes
// passes over them. This judges the quickest first pass against the median
// last one, so that a busy moment cannot decide it.
//
// Where the scoring process times the passes (js, native), each pass also
// carries the request's own cost (the round trip, the poisoning and reading of
// the outputs), which dilutes the ratio; the runner's clock around the calls
// alone is judged as well. That clock is within the candidate's reach, but
// patching it can only hide a cache from it, never show one that is not
// there: the trusted clock still judges, and decides whether a pass is long
// enough to judge at all.

import { median } from '../stats/summary.ts';

/** A first pass slower than this many times a later pass over the same values means results were kept. */
export const CACHE_PROBE_RATIO = 2;
/**
 * Below this much time in the first pass (on the trusted clock), the request's
 * noise outweighs the work, and the probe does not judge; a kernel that quick
 * has little to gain from a cache either.
 */
export const CACHE_PROBE_MIN_NS = 2e6;

/** Per repetition: ns of the first pass over never-seen values, and of the last pass over the same values. */
export type ProbePasses = Array<{ firstNs: number; lastNs: number }>;

export interface CacheProbe {
  /** On the clock that times the candidate's samples. */
  passes: ProbePasses;
  /** On the runner's own clock around the calls, where the samples are timed by the scoring process. */
  runnerPasses?: ProbePasses;
  /** Calls per pass. */
  calls: number;
  /** The median ns per call of the timed samples, for the detail. */
  timedPerCallNs: number;
}

/** ns per call of the quickest first pass and of the median last one, and their ratio. */
function firstAgainstLast(passes: ProbePasses, calls: number): { first: number; last: number; ratio: number } {
  // a busy moment can slow a pass, never speed one up, so an honest kernel's ratio stays near 1 however loaded the machine, and a cache's does not
  const first = Math.min(...passes.map((x) => x.firstNs)) / calls;
  const last = median(passes.map((x) => x.lastNs)) / calls;
  return { first, last, ratio: first / last };
}

export function judgeCacheProbe(p: CacheProbe): { passed: boolean; detail: string } {
  const trusted = firstAgainstLast(p.passes, p.calls);
  const runner = p.runnerPasses ? firstAgainstLast(p.runnerPasses, p.calls) : null;
  const ratio = Math.max(trusted.ratio, runner?.ratio ?? 0);
  const text =
    `${p.passes.length} times, ${p.calls} calls on never-seen values took at least ${ms(trusted.first)} each, later calls on the same values ${ms(trusted.last)} (the median; ${trusted.ratio.toFixed(2)}x)` +
    (runner ? `; on the runner's clock around the calls alone, ${ms(runner.first)} and ${ms(runner.last)} (${runner.ratio.toFixed(2)}x)` : '') +
    `; the timed calls ${ms(p.timedPerCallNs)}`;
  const firstPass = trusted.first * p.calls;
  if (firstPass < CACHE_PROBE_MIN_NS) return { passed: true, detail: `${text}; a first pass of ${ms(firstPass)} is too short to judge` };
  if (ratio > CACHE_PROBE_RATIO) return { passed: false, detail: `${text}: results were kept across calls (a cache keyed on the inputs), so repeated calls did not do the work` };
  return { passed: true, detail: text };
}

function ms(ns: number): string {
  return ns >= 1e6 ? `${(ns / 1e6).toPrecision(3)} ms` : `${(ns / 1e3).toPrecision(3)} µs`;
}
