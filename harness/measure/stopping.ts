// When to stop sampling: the stopping rule, pure over the samples so far and the
// time spent. Sampling stops once the bootstrap 95% CI of the median is tight
// enough (after a minimum number of samples), or when the budget runs out.
import { bootstrapMedianCI, median, relativeHalfWidth } from '../stats/summary.ts';

export interface StopRule {
  /** Samples taken before the CI is first consulted. */
  minSamples: number;
  /** Target relative half-width of the CI of the median (0.01 is 1%). */
  targetRelCI: number;
  /** Sampling budget in nanoseconds. */
  budgetNs: number;
  /** A hard cap on the number of samples, which bounds memory. */
  maxSamples: number;
}

export const DEFAULT_MIN_SAMPLES = 10;
export const DEFAULT_TARGET_REL_CI = 0.01;
export const DEFAULT_MAX_SAMPLES = 100_000;

export type StopReason = 'converged' | 'budget' | 'max-samples';

export interface StopCheck {
  stop: StopReason | null;
  relCI: number;
}

/** Decides whether sampling may stop, given the samples so far and the elapsed sampling time. */
export function checkStop(samples: ArrayLike<number>, elapsedNs: number, rule: StopRule): StopCheck {
  let relCI = Infinity;
  if (samples.length >= rule.minSamples) {
    // the same resampling as the final summary, so the reported CI is the one the decision saw
    const ci = bootstrapMedianCI(samples);
    relCI = relativeHalfWidth(ci, median(samples));
    if (relCI <= rule.targetRelCI) return { stop: 'converged', relCI };
  }
  if (samples.length >= rule.maxSamples) return { stop: 'max-samples', relCI };
  if (elapsedNs >= rule.budgetNs) return { stop: 'budget', relCI };
  return { stop: null, relCI };
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
