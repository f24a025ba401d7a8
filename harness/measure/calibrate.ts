// Calibration: warm the work up and pick the batch size, the number of
// iterations that fills one sample. One routine for work timed by the loop's
// clock and for work that times itself on a device.
import type { Clock } from './clock.ts';

export interface Calibration {
  /** Iterations per sample. */
  batch: number;
  /** Estimated ns per iteration at the end of warm-up. */
  perCallNs: number;
  warmupNs: number;
}

/** Largest growth of the batch between two warm-up steps. */
const MAX_GROWTH = 16;
/** Steps compared when deciding whether the work is still getting faster. */
const SETTLE_WINDOW = 5;
/** The work counts as still getting faster while the newest window beats the one before by more than this. */
const SETTLE_GAIN = 0.02;

/**
 * Warms up for at least `warmupNs` of wall time (read from `clock`) and picks
 * the batch that fills `targetSampleNs`. `time(k)` runs k iterations and
 * returns their ns.
 *
 * The warm-up goes on past `warmupNs`, up to `maxWarmupNs`, while the work is
 * still getting faster: V8 tiers a function up (Sparkplug, Maglev, TurboFan)
 * on heuristics that differ between Node majors, and on Node 24 a loop-heavy
 * function was seen to run several times slower for its first few hundred
 * milliseconds. Sampling code that is still tiering up reads the slow tier,
 * with a tight interval around the wrong number. The per-call estimate is the
 * fastest of the last steps, so one step that was preempted or hit a GC pause
 * does not shrink the batch.
 */
export async function calibrate(
  time: (k: number) => number | Promise<number>,
  clock: Clock,
  warmupNs: number,
  targetSampleNs: number,
  maxWarmupNs = warmupNs,
): Promise<Calibration> {
  const start = clock.now();
  const steps: number[] = [];
  let k = 1;
  for (;;) {
    const t = await time(k);
    steps.push(Math.max(t / k, 1e-3));
    const elapsed = clock.now() - start;
    if (elapsed >= maxWarmupNs || (elapsed >= warmupNs && !stillImproving(steps))) break;
    const perCall = Math.min(...steps.slice(-3));
    const want = Math.ceil(targetSampleNs / perCall);
    const remainingCalls = Math.max(1, Math.floor((maxWarmupNs - elapsed) / perCall));
    k = Math.max(1, Math.min(want, k * MAX_GROWTH, remainingCalls));
  }
  const perCallNs = Math.min(...steps.slice(-3));
  return { batch: Math.max(1, Math.round(targetSampleNs / perCallNs)), perCallNs, warmupNs: clock.now() - start };
}

/** Whether the fastest step of the newest window beats the fastest of the window before it by more than SETTLE_GAIN. */
function stillImproving(steps: number[]): boolean {
  if (steps.length < 2 * SETTLE_WINDOW) return true;
  const newest = Math.min(...steps.slice(-SETTLE_WINDOW));
  const before = Math.min(...steps.slice(-2 * SETTLE_WINDOW, -SETTLE_WINDOW));
  return newest < before * (1 - SETTLE_GAIN);
}
