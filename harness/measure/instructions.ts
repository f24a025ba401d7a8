// Counting instructions: the measured calls of one case, counted by callgrind in
// a process that runs under `valgrind --tool=callgrind --instr-atstart=no`
// (harness/runner/callgrind.ts starts the runner so). Nothing is counted until a
// case asks: each count is a CALLGRIND_ZERO_STATS, the calls, and a
// CALLGRIND_DUMP_STATS read back at once.
//
// Every decision here is taken on counts, never on the clock, so that two runs
// take the same ones: how long to warm up, how many calls make a sample, how many
// samples. JS is optimized at a fixed point of the warm-up (optimize.ts), so that
// what is counted is optimized code in every run. Before each count a minor GC
// empties the young generation, so that each sample starts from the same heap;
// with the young generation the counting runner's flags size (64 MiB), a sample rarely holds a
// collection.
import v8 from 'node:v8';
import vm from 'node:vm';
import { callgrindRequests, type CallgrindRequests } from '../addon/addon.ts';
import { compileBatchLoop, freshFunction, sink } from './batching.ts';
import { optimizeOnNextCall, prepareForOptimization } from './optimize.ts';
import { CALLGRIND_OUT_ENV, DumpReader } from './callgrind-dumps.ts';
import type { Clock } from './clock.ts';
import { statsOf, type Measurement } from './measure.ts';
import type { SamplingProgress } from './sample-loop.ts';
import type { MeasurableWork } from './sampler.ts';

/** What a count is taken with, as the case's timer records it. */
export const INSTRUCTION_TIMER = 'callgrind (instructions per call)';

/** Warm-up of JS: calls until about this many instructions ran, so the JIT has tiered the code up. */
export const WARMUP_INSTRUCTIONS = 5e7;
/**
 * Warm-up of work that times itself (native code, called from the addon's own
 * loop): there is no JIT to wait for, only the first calls' lazy symbol binding,
 * so it ends once two chunks agree on the marginal cost of a call to this fraction.
 */
export const SETTLED = 1e-3;
/** JS is optimized after this many chunks (1, 2 and 4 calls): once it has type feedback from a few calls. */
const OPTIMIZE_AFTER_CHUNKS = 3;
/** The warm-up has at least this many chunks (1, 2, 4 and 8 calls), so its length is never decided by cold calls alone, and JS is counted optimized. */
const MIN_WARMUP_CHUNKS = 4;
/** The warm-up never makes more calls than this (a small function tiers up within a few tens of thousands). */
export const MAX_WARMUP_CALLS = 2 ** 17;
/** Calls per sample: a power of two that makes a sample about this many instructions. */
export const SAMPLE_INSTRUCTIONS = 5e6;
export const MAX_CALLS_PER_SAMPLE = 2 ** 16;
/** Samples per case: this many, unless they would count more than COUNTED_INSTRUCTIONS in all... */
export const COUNTED_SAMPLES = 7;
/** ...and never fewer than this, so that the spread between samples is shown, not assumed. */
export const MIN_COUNTED_SAMPLES = 3;
export const COUNTED_INSTRUCTIONS = 2e8;
/** Samples whose spread (the relative half-width of the median's CI) passes this are marked noisy. */
export const NOISY_REL_CI = 0.01;

/** Runs k calls of the work; what it returns is kept alive. */
type Calls = (k: number) => unknown;

let gcFn: ((o: { type: 'minor' | 'major'; execution: 'sync' }) => void) | null = null;

/**
 * V8's gc(), taken without putting it on the code under test's global object:
 * the flag is set at run time, and the function comes from a fresh context.
 */
function collect(type: 'minor' | 'major'): void {
  if (!gcFn) {
    v8.setFlagsFromString('--expose-gc');
    gcFn = vm.runInNewContext('gc') as typeof gcFn;
  }
  gcFn!({ type, execution: 'sync' });
}

let reader: DumpReader | null = null;
let instrumenting = false;

/** The callgrind requests and the dump reader of this process; throws, saying how, where the process is not under callgrind. */
function counting(): { requests: CallgrindRequests; dumps: DumpReader } {
  const c = callgrindRequests();
  if (!c.ok) throw new Error(c.reason);
  const out = process.env[CALLGRIND_OUT_ENV];
  if (!c.requests.running() || !out) {
    throw new Error(
      'instruction counts are taken in a process that runs under valgrind --tool=callgrind; ' +
        '`assay run --measure instructions` starts one (the library: runCounted), and `run()` in this process cannot',
    );
  }
  reader ??= new DumpReader(out);
  return { requests: c.requests, dumps: reader };
}

/**
 * Whether the cost of a call has settled: the marginal cost of the last chunk's
 * extra calls (which the bracket around each chunk does not enter) agrees with
 * the chunk before's.
 */
function settled(chunks: Array<{ k: number; count: number }>): boolean {
  const marginal = (i: number): number => (chunks[i]!.count - chunks[i - 1]!.count) / (chunks[i]!.k - chunks[i - 1]!.k);
  const n = chunks.length;
  if (n < 3) return false;
  const a = marginal(n - 2);
  const b = marginal(n - 1);
  return a > 0 && Math.abs(b / a - 1) <= SETTLED;
}

const pow2Floor = (x: number): number => 2 ** Math.floor(Math.log2(Math.max(1, x)));
const clamp = (x: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, x));

/**
 * Counts the instructions per call of `work`: warms it up, picks the calls per
 * sample, and takes the samples. `clock` only reports how long it took.
 * Exceptions of the code under test propagate.
 */
export async function countInstructions(work: MeasurableWork, clock: Clock, keepSamples: boolean, onProgress?: (p: SamplingProgress) => void): Promise<Measurement> {
  const { requests, dumps } = counting();
  // the loop itself is optimized below, with the code under test inlined into it, as in the runs this mode was measured with
  const calls: Calls = work.mode === 'call' ? compileBatchLoop(work, { inlinable: true }) : (k) => work.time(k);
  const isAsync = work.mode === 'timed' || work.async;

  // the counted region: zero, the calls, dump; nothing of the harness but the requests
  // compiled from a source of its own, as the loop is (batching.ts, freshFunction): a bracket shared with earlier cases carried their optimized code
  const bracket = freshFunction(
    ['requests', 'calls'],
    isAsync
      ? 'return async (k) => { requests.zero(); const r = await calls(k); requests.dump(); return r; };'
      : 'return (k) => { requests.zero(); const r = calls(k); requests.dump(); return r; };',
  )(requests, calls) as Calls;
  /** All the instructions of k calls and the bracket around them. */
  const count = async (k: number): Promise<number> => {
    // the last result is dropped first, so that the collection does not keep it (into the old generation)
    sink.value = undefined;
    collect('minor');
    sink.value = isAsync ? await bracket(k) : bracket(k);
    return dumps.next();
  };
  // the JS inside the counted region is optimized at a fixed point of the warm-up
  // (optimize.ts): the code under test (or the wrapper that runs native work), the
  // loop that calls it, and the bracket, whose own tier-up would otherwise land in
  // some sample. The harness's code around the bracket stays out of it: compiled in
  // one unit with the code under test, its feedback, which earlier cases shared,
  // shaped the code under test (one run in three counted a loop 12% higher so).
  const optimized: Function[] = [work.mode === 'call' ? work.fn : work.time, calls, bracket];
  for (const f of optimized) prepareForOptimization(f);

  const t0 = clock.now();
  // one full collection: the case starts from a settled heap
  collect('major');
  // instrumentation is turned on at the first count and stays on: turning it off
  // between cases would run their verification faster, but every turn back on
  // discards every translation, which costs seconds to make again
  if (!instrumenting) requests.start();
  instrumenting = true;
  try {
    // the warm-up: counted chunks of 1, 2, 4 ... calls, JS until about
    // WARMUP_INSTRUCTIONS ran (optimized after the third chunk), native work
    // until the cost of a call has settled; the last chunks, the largest and the
    // warmest, give the cost of a call
    let done = 0;
    let k = 1;
    const chunks: Array<{ k: number; count: number }> = [];
    // the cost of a call: the lower of the last two chunks' (a compilation, which
    // runs on the main thread in this mode, or a collection inflates one chunk, rarely two)
    const perCall = (bracket: number): number => Math.min(...chunks.slice(-2).map((c) => Math.max(0, c.count - bracket) / c.k));
    for (;;) {
      chunks.push({ k, count: await count(k) });
      done += k;
      if (chunks.length === OPTIMIZE_AFTER_CHUNKS) for (const f of optimized) optimizeOnNextCall(f);
      if (done >= MAX_WARMUP_CALLS || (chunks.length >= MIN_WARMUP_CHUNKS && (work.mode === 'timed' ? settled(chunks) : done * perCall(0) >= WARMUP_INSTRUCTIONS))) break;
      k = Math.min(2 * k, MAX_WARMUP_CALLS - done);
    }
    // what the bracket itself costs (the requests, the loop's entry and exit), taken off every count; warm by now
    await count(0);
    const bracket = await count(0);
    const per = perCall(bracket);
    const batch = clamp(pow2Floor(SAMPLE_INSTRUCTIONS / Math.max(per, 1)), 1, MAX_CALLS_PER_SAMPLE);
    const n = clamp(Math.floor(COUNTED_INSTRUCTIONS / Math.max(1, batch * per)), MIN_COUNTED_SAMPLES, COUNTED_SAMPLES);
    const warmupNs = clock.now() - t0;
    const samples: number[] = [];
    const t1 = clock.now();
    for (let i = 0; i < n; i++) {
      samples.push(Math.max(0, (await count(batch)) - bracket) / batch);
      onProgress?.({ samples: samples.length, elapsedNs: clock.now() - t1, relCI: Infinity });
    }
    const stats = statsOf(samples, 'max-samples', batch, keepSamples, 'instr');
    stats.noisy = stats.rel_ci_half_width > NOISY_REL_CI;
    return { stats, timer: INSTRUCTION_TIMER, warmupNs, samplingNs: clock.now() - t1, details: { warmup_calls: done, bracket_instructions: bracket } };
  } finally {
    sink.value = undefined;
  }
}
