// When to stop sampling: the stopping rule, pure over the number of samples,
// the time spent and the current width of the interval. Sampling stops once the
// 95% CI is tight enough (after a minimum number of samples), or when the budget
// or the sample cap runs out. `assay run` asks it of the CI of the median;
// `assay ab` of the CI of the paired ratio.
import { bootstrapMedianCI, median, relativeHalfWidth } from '../stats/summary.ts';
import type { StopReason } from '../model/types.ts';

export type { StopReason };

export interface StopRule {
  /** Samples taken before the CI is first consulted. */
  minSamples: number;
  /** Target relative half-width of the CI (0.01 is 1%). */
  targetRelCI: number;
  /** Sampling budget in nanoseconds. */
  budgetNs: number;
  /** A hard cap on the number of samples, which bounds memory. */
  maxSamples: number;
}

export const DEFAULT_MIN_SAMPLES = 10;
export const DEFAULT_TARGET_REL_CI = 0.01;
export const DEFAULT_MAX_SAMPLES = 100_000;

export interface StopCheck {
  stop: StopReason | null;
  relCI: number;
}

/** The decision, given the samples taken, the elapsed time and the interval's relative half-width (Infinity before minSamples). */
export function decideStop(taken: number, elapsedNs: number, relCI: number, rule: StopRule): StopReason | null {
  if (taken >= rule.minSamples && relCI <= rule.targetRelCI) return 'converged';
  if (taken >= rule.maxSamples) return 'max-samples';
  if (elapsedNs >= rule.budgetNs) return 'budget';
  return null;
}

/** The relative half-width of the bootstrap CI of the median: the width `assay run` stops on. */
export function medianRelCI(samples: ArrayLike<number>): number {
  return relativeHalfWidth(bootstrapMedianCI(samples), median(samples));
}

/** Decides whether sampling may stop, given the samples so far and the elapsed sampling time. */
export function checkStop(samples: ArrayLike<number>, elapsedNs: number, rule: StopRule, width: (s: ArrayLike<number>) => number = medianRelCI): StopCheck {
  // the same resampling as the final summary, so the reported CI is the one the decision saw
  const relCI = samples.length >= rule.minSamples ? width(samples) : Infinity;
  return { stop: decideStop(samples.length, elapsedNs, relCI, rule), relCI };
}

/**
 * How many samples to take before the next check: the checks come at
 * geometrically growing sample counts (so their cost stays a small share), but
 * never plan past the remaining budget at the observed rate.
 */
export function nextRoundSize(taken: number, elapsedNs: number, rule: StopRule): number {
  if (taken < rule.minSamples) return rule.minSamples - taken;
  const growth = Math.max(1, Math.ceil(taken * 0.25));
  const perSample = taken > 0 ? elapsedNs / taken : 0;
  const remaining = rule.budgetNs - elapsedNs;
  const affordable = perSample > 0 ? Math.max(1, Math.ceil(remaining / perSample)) : growth;
  return Math.max(1, Math.min(growth, affordable, rule.maxSamples - taken));
}
