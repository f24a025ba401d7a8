// Batching: fast functions are timed in batches of K calls and the time divided
// by K, so that the clock's own cost (tens of ns) does not become the result.
// Each case gets its own loop function, compiled for it, so the call site inside
// the loop sees one target and the optimizer can inline it.
import type { Clock } from './clock.ts';

/** A zero-argument call of the code under test, as a backend prepares it. */
export interface Invocable {
  fn: () => unknown;
  /** Whether fn returns a promise that must be awaited inside the timed region. */
  async: boolean;
}

/** Runs fn K times and returns the last result (kept alive so the calls are not optimized away). */
export type BatchLoop = (k: number) => unknown;

/** Builds a loop specialised for one function, with no option branches inside it. */
export function compileBatchLoop(inv: Invocable): BatchLoop {
  const body = inv.async
    ? 'return async function batch(k) { let r; for (let i = 0; i < k; i++) r = await fn(); return r; };'
    : 'return function batch(k) { let r; for (let i = 0; i < k; i++) r = fn(); return r; };';
  return new Function('fn', body)(inv.fn) as BatchLoop;
}

/** Results land here so that the optimizer cannot prove them unused. */
export const sink: { value: unknown } = { value: undefined };

/** Times one batch of k calls, in ns for the whole batch. */
export async function timeBatch(loop: BatchLoop, k: number, clock: Clock, async: boolean): Promise<number> {
  if (async) {
    const t0 = clock.now();
    sink.value = await loop(k);
    return clock.now() - t0;
  }
  const t0 = clock.now();
  sink.value = loop(k);
  return clock.now() - t0;
}

export interface Calibration {
  /** Calls per sample. */
  batch: number;
  /** Estimated ns per call at the end of warm-up. */
  perCallNs: number;
  warmupNs: number;
}

/**
 * Warms the code up for about `warmupNs` and picks the batch size: the number of
 * calls that fills `targetSampleNs`. The estimate is refined as the optimizer
 * tiers the code up, so the final batch size reflects optimized code.
 */
export async function calibrate(
  loop: BatchLoop,
  inv: Invocable,
  clock: Clock,
  warmupNs: number,
  targetSampleNs: number,
): Promise<Calibration> {
  const start = clock.now();
  let k = 1;
  let perCall = Infinity;
  for (;;) {
    const t = await timeBatch(loop, k, clock, inv.async);
    perCall = Math.max(t / k, 1e-3);
    const elapsed = clock.now() - start;
    if (elapsed >= warmupNs) break;
    // grow towards the target sample time, at most 16x at a step
    const want = Math.ceil(targetSampleNs / perCall);
    const remainingCalls = Math.max(1, Math.floor((warmupNs - elapsed) / perCall));
    k = Math.max(1, Math.min(want, k * 16, remainingCalls));
  }
  const batch = Math.max(1, Math.round(targetSampleNs / perCall));
  return { batch, perCallNs: perCall, warmupNs: clock.now() - start };
}
