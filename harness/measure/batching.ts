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
