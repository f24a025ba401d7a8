// The cache probe: a kernel that keeps results across calls (keyed on its
// inputs' identity or on their values) computes once and then copies, so a
// pass over inputs it has never seen is far slower than a later pass over the
// same inputs. After the timed samples, the candidate makes a few passes over
// sets it was never shown, three times over; this judges the quickest first
// pass against the median last one, so that a busy moment cannot decide it.

/** A first pass slower than this many times a later pass over the same inputs means results were kept. */
export const CACHE_PROBE_RATIO = 3;
/**
 * Below this much time in the first pass, first-use effects (new arrays, new
 * device buffers) and the request's noise outweigh the work, and the probe does
 * not judge; a kernel that quick has little to gain from a cache either.
 */
export const CACHE_PROBE_MIN_NS = 2e6;

export interface CacheProbe {
  /** Per repetition: ns of the first pass over never-seen inputs, and of the last pass over the same inputs. */
  passes: Array<{ firstNs: number; lastNs: number }>;
  /** Calls per pass. */
  calls: number;
  /** The median ns per call of the timed samples, for the detail. */
  timedPerCallNs: number;
}

export function judgeCacheProbe(p: CacheProbe): { passed: boolean; detail: string } {
  // the quickest first pass against the typical later one: a busy moment can slow a pass, never speed
  // one up, so an honest kernel's ratio stays near 1 however loaded the machine, and a cache's does not
  const first = Math.min(...p.passes.map((x) => x.firstNs)) / p.calls;
  const last = median(p.passes.map((x) => x.lastNs)) / p.calls;
  const ratio = first / last;
  const text =
    `${p.passes.length} times, ${p.calls} calls on never-seen inputs took at least ${ms(first)} each, later calls on the same inputs ${ms(last)} (the median; ${ratio.toFixed(2)}x); ` +
    `the timed calls ${ms(p.timedPerCallNs)}`;
  const firstPass = first * p.calls;
  if (firstPass < CACHE_PROBE_MIN_NS) return { passed: true, detail: `${text}; a first pass of ${ms(firstPass)} is too short to judge` };
  if (ratio > CACHE_PROBE_RATIO) return { passed: false, detail: `${text}: results were kept across calls (a cache keyed on the inputs), so repeated calls did not do the work` };
  return { passed: true, detail: text };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

function ms(ns: number): string {
  return ns >= 1e6 ? `${(ns / 1e6).toPrecision(3)} ms` : `${(ns / 1e3).toPrecision(3)} µs`;
}
