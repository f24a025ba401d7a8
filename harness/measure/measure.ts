// Measuring one prepared case: warm up and pick a batch size (calibrate.ts),
// then sample until the stopping rule says stop (sample-loop.ts), then
// summarise. Options have one shape, resolved once, here.
import type { MeasureMode, SampleStats, StopReason } from '../model/types.ts';
import { summarize } from '../stats/summary.ts';
import type { Invocable } from './batching.ts';
import type { Clock } from './clock.ts';
import { sampleUntilStopped, type SamplingProgress } from './sample-loop.ts';
import { startSampler, type MeasurableWork, type Sampler, type SelfTimed } from './sampler.ts';
import { DEFAULT_MAX_SAMPLES, DEFAULT_MIN_SAMPLES, DEFAULT_TARGET_REL_CI, type StopRule } from './stopping.ts';

/** Options of the measuring loop; `resolveMeasureOptions` fills the defaults. */
export interface MeasureOptions {
  /**
   * `time` (the default) or `instructions`: counted under callgrind, in a process
   * that runs under valgrind (instructions.ts); the budget, warm-up time and CI
   * target do not apply there.
   */
  mode: MeasureMode;
  /** Sampling budget per case, in seconds. */
  budgetS: number;
  /** Warm-up time per case, in seconds: at least this long. */
  warmupS: number;
  /** The longest warm-up, in seconds, for code that is still getting faster (still being tiered up). */
  maxWarmupS: number;
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

/**
 * Fills in defaults. Warm-up is a tenth of the budget, between 20 ms and
 * 300 ms, and goes on while the code is still getting faster, up to half the
 * budget (at most 1.5 s).
 */
export function resolveMeasureOptions(o: Partial<MeasureOptions> = {}): MeasureOptions {
  const budgetS = o.budgetS ?? DEFAULT_BUDGET_S;
  if (!(budgetS > 0)) throw new RangeError(`the time budget must be a positive number of seconds, not ${budgetS}`);
  const warmupS = o.warmupS ?? Math.min(0.3, Math.max(0.02, budgetS / 10));
  if (o.mode !== undefined && o.mode !== 'time' && o.mode !== 'instructions') throw new RangeError(`the measure mode is "time" or "instructions", not "${String(o.mode)}"`);
  return {
    mode: o.mode ?? 'time',
    budgetS,
    warmupS,
    maxWarmupS: Math.max(warmupS, o.maxWarmupS ?? Math.min(1.5, budgetS / 2)),
    targetRelCI: o.targetRelCI ?? DEFAULT_TARGET_REL_CI,
    minSamples: o.minSamples ?? DEFAULT_MIN_SAMPLES,
    maxSamples: o.maxSamples ?? DEFAULT_MAX_SAMPLES,
    targetSampleNs: o.targetSampleNs ?? DEFAULT_TARGET_SAMPLE_NS,
    keepSamples: o.keepSamples ?? true,
  };
}

export interface Measurement {
  stats: SampleStats;
  /** The clock that timed the samples (or, counting instructions, what counted them). */
  timer: string;
  warmupNs: number;
  samplingNs: number;
  /** Figures beside the samples, for the case's details: hardware counters over a batch, the calls a count warmed up with. */
  details?: Record<string, number | string | boolean>;
}

/** The stopping rule of a case measured on its own, from the options. */
export function stopRuleOf(opts: MeasureOptions, budgetNs = opts.budgetS * 1e9): StopRule {
  return { minSamples: opts.minSamples, targetRelCI: opts.targetRelCI, budgetNs, maxSamples: opts.maxSamples };
}

/** The stats of a finished sampling: the summary, the batch, and why it stopped (noisy when it did not converge). */
export function statsOf(samples: number[], stop: StopReason, batch: number, keepSamples: boolean, unit: SampleStats['unit'] = 'ns'): SampleStats {
  const stats: SampleStats = { unit, ...summarize(samples), batch, stop, noisy: stop !== 'converged' };
  if (keepSamples) stats.samples = samples;
  return stats;
}

/** Drains a started sampler with the stopping rule: what `assay run` does with every case. */
export async function drain(sampler: Sampler, opts: MeasureOptions, clock: Clock, onProgress?: (p: SamplingProgress) => void): Promise<Measurement> {
  const source = { take: (count: number) => sampler.take(count, sampler.batch) };
  const out = await sampleUntilStopped(source, stopRuleOf(opts), clock, onProgress);
  // hardware counters, where the kernel allows them, over one more batch after the timed samples
  const counters = await sampler.counted?.(sampler.batch);
  return {
    stats: statsOf(out.samples, out.stop, sampler.batch, opts.keepSamples),
    timer: sampler.timer,
    warmupNs: sampler.warmupNs,
    samplingNs: out.elapsedNs,
    ...(counters ? { details: counters } : {}),
  };
}

/** Measures work of either kind: warm-up and calibration, then sampling until the rule stops. Exceptions of the code under test propagate. */
export async function measureWork(name: string, work: MeasurableWork, opts: MeasureOptions, clock: Clock, onProgress?: (p: SamplingProgress) => void): Promise<Measurement> {
  return drain(await startSampler(name, work, opts, clock), opts, clock, onProgress);
}

/** Measures one invocable timed by `clock`. */
export function measure(name: string, inv: Invocable, opts: MeasureOptions, clock: Clock, onProgress?: (p: SamplingProgress) => void): Promise<Measurement> {
  return measureWork(name, { mode: 'call', fn: inv.fn, async: inv.async }, opts, clock, onProgress);
}

/**
 * Measures self-timed work with the same warm-up, batching and stopping rule.
 * Wall time (from `clock`) drives the warm-up and the budget; the samples are
 * the work's own readings, divided by the batch size.
 */
export function measureSelfTimed(work: SelfTimed, opts: MeasureOptions, clock: Clock, onProgress?: (p: SamplingProgress) => void): Promise<Measurement> {
  return measureWork(work.timer, { mode: 'timed', timer: work.timer, time: (k) => work.time(k) }, opts, clock, onProgress);
}
