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

/**
 * Warms up for about `warmupNs` of wall time (read from `clock`) and picks the
 * batch that fills `targetSampleNs`. `time(k)` runs k iterations and returns
 * their ns. The estimate is refined as the optimizer tiers the code up, so the
 * batch reflects optimized code; no step plans past the warm-up time left.
 */
export async function calibrate(time: (k: number) => number | Promise<number>, clock: Clock, warmupNs: number, targetSampleNs: number): Promise<Calibration> {
  const start = clock.now();
  let k = 1;
  let perCall = Infinity;
  for (;;) {
    const t = await time(k);
    perCall = Math.max(t / k, 1e-3);
    const elapsed = clock.now() - start;
    if (elapsed >= warmupNs) break;
    const want = Math.ceil(targetSampleNs / perCall);
    const remainingCalls = Math.max(1, Math.floor((warmupNs - elapsed) / perCall));
    k = Math.max(1, Math.min(want, k * MAX_GROWTH, remainingCalls));
  }
  return { batch: Math.max(1, Math.round(targetSampleNs / perCall)), perCallNs: perCall, warmupNs: clock.now() - start };
}
