// Measuring one prepared case: warm up and pick a batch size, then sample until
// the stopping rule says stop, then summarise. The timing loop itself is
// specialised before timing starts (see batching.ts).
import type { SampleStats } from '../model/types.ts';
import { summarize } from '../stats/summary.ts';
import { calibrate, compileBatchLoop, type Invocable } from './batching.ts';
import type { Clock } from './clock.ts';
import { sampleUntilStopped, type SamplingOutcome, type SamplingProgress } from './sample-loop.ts';
import { DEFAULT_MAX_SAMPLES, DEFAULT_MIN_SAMPLES, DEFAULT_TARGET_REL_CI, type StopRule } from './stopping.ts';
import { tinybenchSource } from './tinybench-source.ts';

/** Options of the measuring loop; `resolveMeasureOptions` fills the defaults. */
export interface MeasureOptions {
  /** Sampling budget per case, in seconds. */
  budgetS: number;
  /** Warm-up time per case, in seconds. */
  warmupS: number;
  targetRelCI: number;
  minSamples: number;
  maxSamples: number;
  /** How long one sample should take; fast functions are batched up to it. */
  targetSampleNs: number;
  /** Keep the raw samples in the stats. */
  keepSamples: boolean;
}

export const DEFAULT_BUDGET_S = 3;
export const QUICK_BUDGET_S = 0.5;
/** One millisecond per sample keeps the clock's cost below 0.01% of each sample. */
export const DEFAULT_TARGET_SAMPLE_NS = 1e6;

/** Fills in defaults. Warm-up is a tenth of the budget, between 20 ms and 300 ms. */
export function resolveMeasureOptions(o: Partial<MeasureOptions> = {}): MeasureOptions {
  const budgetS = o.budgetS ?? DEFAULT_BUDGET_S;
  if (!(budgetS > 0)) throw new RangeError(`the time budget must be a positive number of seconds, not ${budgetS}`);
  return {
    budgetS,
    warmupS: o.warmupS ?? Math.min(0.3, Math.max(0.02, budgetS / 10)),
    targetRelCI: o.targetRelCI ?? DEFAULT_TARGET_REL_CI,
    minSamples: o.minSamples ?? DEFAULT_MIN_SAMPLES,
    maxSamples: o.maxSamples ?? DEFAULT_MAX_SAMPLES,
    targetSampleNs: o.targetSampleNs ?? DEFAULT_TARGET_SAMPLE_NS,
    keepSamples: o.keepSamples ?? true,
  };
}

export interface Measurement {
  stats: SampleStats;
  /** The clock that timed the samples. */
  timer: string;
  warmupNs: number;
  samplingNs: number;
}

/**
 * Work that times itself, on a device clock the host cannot read directly (GPU
 * timestamps): `time(k)` runs k iterations back to back and returns their total ns.
 */
export interface SelfTimed {
  timer: string;
  time(iterations: number): Promise<number>;
}

/**
 * Measures self-timed work with the same warm-up, batching and stopping rule as
 * `measure`. Wall time (from `clock`) drives the warm-up and the budget; the
 * samples are the work's own readings, divided by the batch size.
 */
export async function measureSelfTimed(
  work: SelfTimed,
  opts: MeasureOptions,
  clock: Clock,
  onProgress?: (p: SamplingProgress) => void,
): Promise<Measurement> {
  const start = clock.now();
  const { batch } = await calibrateSelfTimed(work, opts, clock);
  const source = {
    async take(count: number): Promise<number[]> {
      const out: number[] = [];
      for (let i = 0; i < count; i++) out.push((await work.time(batch)) / batch);
      return out;
    },
  };
  const samplingStart = clock.now();
  const out = await sampleUntilStopped(source, stopRuleOf(opts), clock, onProgress);
  return { stats: statsOf(out, batch, opts), timer: work.timer, warmupNs: samplingStart - start, samplingNs: out.elapsedNs };
}

/**
 * Warms self-timed work up for the warm-up time and picks its batch size, as
 * `calibrate` does for calls timed by the loop.
 */
export async function calibrateSelfTimed(work: SelfTimed, opts: MeasureOptions, clock: Clock): Promise<{ batch: number; perCallNs: number; warmupNs: number }> {
  const start = clock.now();
  const warmupNs = opts.warmupS * 1e9;
  let k = 1;
  let perCall = Infinity;
  for (;;) {
    const t = await work.time(k);
    perCall = Math.max(t / k, 1e-3);
    const elapsed = clock.now() - start;
    if (elapsed >= warmupNs) break;
    k = Math.max(1, Math.min(Math.ceil(opts.targetSampleNs / perCall), k * 16));
  }
  return { batch: Math.max(1, Math.round(opts.targetSampleNs / perCall)), perCallNs: perCall, warmupNs: clock.now() - start };
}

function stopRuleOf(opts: MeasureOptions): StopRule {
  return { minSamples: opts.minSamples, targetRelCI: opts.targetRelCI, budgetNs: opts.budgetS * 1e9, maxSamples: opts.maxSamples };
}

/** The stats of a finished sampling: the summary, the batch, and why it stopped. */
export function statsOf(out: Pick<SamplingOutcome, 'samples' | 'stop'>, batch: number, opts: MeasureOptions): SampleStats {
  const stats: SampleStats = { unit: 'ns', ...summarize(out.samples), batch, stop: out.stop, noisy: out.stop !== 'converged' };
  if (opts.keepSamples) stats.samples = out.samples;
  return stats;
}

/** Measures one invocable. Exceptions thrown by the code under test propagate. */
export async function measure(
  name: string,
  inv: Invocable,
  opts: MeasureOptions,
  clock: Clock,
  onProgress?: (p: SamplingProgress) => void,
): Promise<Measurement> {
  const loop = compileBatchLoop(inv);
  const cal = await calibrate(loop, inv, clock, opts.warmupS * 1e9, opts.targetSampleNs);
  const source = tinybenchSource(name, loop, cal.batch, inv.async, clock);
  const out = await sampleUntilStopped(source, stopRuleOf(opts), clock, onProgress);
  return { stats: statsOf(out, cal.batch, opts), timer: clock.name, warmupNs: cal.warmupNs, samplingNs: out.elapsedNs };
}
