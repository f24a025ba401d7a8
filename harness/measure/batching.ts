// Batching: fast functions are timed in batches of K calls and the time divided
// by K, so that the clock's own cost (tens of ns) does not become the result.
//
// Each case gets its own loop function, and the loop's call site is made
// megamorphic before it first sees the code under test, so the optimizer never
// inlines the measured function into the loop. Inlined, the function's own
// tier-up was decided by the loop's heuristics: on Node 24 a loop-heavy
// function inlined there stayed in a slow tier for hundreds of milliseconds and
// read up to seven times slower than it runs. Not inlined, the function is
// compiled as its own unit, as it is when called from an application's many
// call sites; the cost is a call of about 5 ns, which an empty function shows.
import type { Clock } from './clock.ts';

/** A zero-argument call of the code under test, as a backend prepares it. */
export interface Invocable {
  fn: () => unknown;
  /** Whether fn returns a promise that must be awaited inside the timed region. */
  async: boolean;
}

/** Runs fn K times and returns the last result (kept alive so the calls are not optimized away). */
export type BatchLoop = (k: number) => unknown;

/** Distinct functions the loop's call site sees before the code under test: more than V8's polymorphic limit of four. */
const DECOYS = 8;

let freshSources = 0;
/** Taken when Assay loads, before any code under test: code that replaces globalThis.Function later does not reach these. */
const FunctionConstructor = Function;

/**
 * `new Function(...params, body)`, compiled from a source that no earlier call
 * used. V8 caches what `new Function` compiles by its source, and every function
 * made from one source shares its type feedback and its optimized code; so
 * does every closure made by one function literal. A case counted through
 * such shared code ran with what V8 had made for an earlier case, until a
 * collection dropped the earlier case's functions (held weakly there), at a
 * moment that differed between processes: a JS kernel, inlined into its
 * loop or not, counted 20 or 46 instructions per element.
 */
export function freshFunction(params: string[], body: string): Function {
  return new FunctionConstructor(...params, `${body}\n// assay: a source of its own (${++freshSources})`);
}

/**
 * Builds a loop for one function, with no option branches inside it, and a call
 * site that will not inline it. With `inlinable`, the loop is compiled from a
 * source of its own, its call site sees the function alone, and optimizing the
 * loop inlines it: instruction counts ask for that (instructions.ts), since they
 * optimize the loop at a fixed point rather than leave its tier-up to V8.
 */
export function compileBatchLoop(inv: Invocable, o: { inlinable?: boolean } = {}): BatchLoop {
  if (o.inlinable) {
    const body = inv.async
      ? 'return async function batch(k) { let r; for (let i = 0; i < k; i++) r = await fn(); return r; };'
      : 'return function batch(k) { let r; for (let i = 0; i < k; i++) r = fn(); return r; };';
    return freshFunction(['fn'], body)(inv.fn) as BatchLoop;
  }
  // one source for every case: its call site is megamorphic from the first case on, so what the cases share changes nothing
  const body = inv.async
    ? 'return async function batch(fn, k) { let r; for (let i = 0; i < k; i++) r = await fn(); return r; };'
    : 'return function batch(fn, k) { let r; for (let i = 0; i < k; i++) r = fn(); return r; };';
  const loop = new Function(body)() as (fn: () => unknown, k: number) => unknown;
  for (let d = 0; d < DECOYS; d++) {
    // each decoy is compiled from its own source, so each is a distinct target to the call site's feedback
    const decoy = new Function(`return ${d};`) as () => unknown;
    sink.value = loop(decoy, 2);
  }
  const fn = inv.fn;
  return (k) => loop(fn, k);
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
