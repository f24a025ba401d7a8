// The statistics of a measurement: pure functions over arrays of samples, with
// no I/O and no clock. Every figure in a RunResult's `stats` comes from here.
import type { OutlierCounts, Summary } from '../model/types.ts';
import { createRng } from './random.ts';

/** An ascending copy of the samples. */
export function sortedCopy(xs: ArrayLike<number>): Float64Array {
  return Float64Array.from(xs).sort();
}

/** Linear-interpolated quantile (R type 7) of ascending `sorted`, q in [0, 1]. */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  const a = sorted[lo]!;
  return a + (h - lo) * (sorted[hi]! - a);
}

export function median(xs: ArrayLike<number>): number {
  return quantileSorted(sortedCopy(xs), 0.5);
}

export function mean(xs: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i]!;
  return xs.length ? s / xs.length : NaN;
}

/** Median absolute deviation from the median, unscaled (multiply by 1.4826 for a normal sigma). */
export function mad(xs: ArrayLike<number>): number {
  const m = median(xs);
  const dev = new Float64Array(xs.length);
  for (let i = 0; i < xs.length; i++) dev[i] = Math.abs(xs[i]! - m);
  return median(dev);
}

/**
 * Counts outliers with Tukey's fences: mild beyond 1.5 IQR from the quartiles,
 * severe beyond 3 IQR. Nothing is removed; the counts are only reported.
 */
export function tukeyOutliers(xs: ArrayLike<number>): OutlierCounts {
  const s = sortedCopy(xs);
  const q1 = quantileSorted(s, 0.25);
  const q3 = quantileSorted(s, 0.75);
  const iqr = q3 - q1;
  const counts: OutlierCounts = { low_severe: 0, low_mild: 0, high_mild: 0, high_severe: 0 };
  for (const x of s) {
    if (x < q1 - 3 * iqr) counts.low_severe++;
    else if (x < q1 - 1.5 * iqr) counts.low_mild++;
    else if (x > q3 + 3 * iqr) counts.high_severe++;
    else if (x > q3 + 1.5 * iqr) counts.high_mild++;
  }
  return counts;
}

/** Options of the bootstrap. */
export interface BootstrapOptions {
  /** Number of resamples. */
  resamples?: number;
  /** Confidence level, 0.95 by default. */
  confidence?: number;
  /** Seed of the resampling, so that the same samples give the same interval. */
  seed?: number;
}

export const DEFAULT_RESAMPLES = 2000;

/**
 * Percentile-bootstrap confidence interval of the median.
 *
 * A resample's median is the value at the median *rank* of the drawn indices,
 * because the samples are sorted once up front. Drawing ranks and finding their
 * median with a counting pass costs O(n) per resample, with no sort.
 */
export function bootstrapMedianCI(xs: ArrayLike<number>, opts: BootstrapOptions = {}): [number, number] {
  const n = xs.length;
  if (n === 0) return [NaN, NaN];
  const s = sortedCopy(xs);
  if (n === 1) return [s[0]!, s[0]!];
  return percentileInterval(bootstrapMedians(s, opts), opts.confidence);
}

/**
 * The medians of `resamples` bootstrap resamples of ascending `sorted`, in
 * draw order (not sorted). The comparison of two sample sets builds its ratio
 * intervals from these.
 */
export function bootstrapMedians(sorted: Float64Array, opts: BootstrapOptions = {}): Float64Array {
  const n = sorted.length;
  const B = opts.resamples ?? DEFAULT_RESAMPLES;
  const rng = createRng(opts.seed ?? 0x5eed);
  const counts = new Uint32Array(n);
  const medians = new Float64Array(B);
  for (let b = 0; b < B; b++) {
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[Math.floor(rng.next() * n)]!++;
    medians[b] = medianOfCounts(sorted, counts);
  }
  return medians;
}

/**
 * The median of a multiset given as ascending `sorted` values and how many
 * times each was drawn (`counts[i]` for `sorted[i]`, summing to `n`).
 */
export function medianOfCounts(sorted: ArrayLike<number>, counts: ArrayLike<number>, n: number = sorted.length): number {
  const lowRank = (n - 1) >> 1; // the lower middle for even n
  let cum = 0;
  let r = 0;
  while (cum + counts[r]! <= lowRank) cum += counts[r++]!;
  let m = sorted[r]!;
  if (n % 2 === 0) {
    // the upper middle is the same rank unless the lower middle was the last draw of rank r
    let r2 = r;
    if (cum + counts[r]! === lowRank + 1) {
      r2++;
      while (counts[r2] === 0) r2++;
    }
    m = (m + sorted[r2]!) / 2;
  }
  return m;
}

/** The central `confidence` interval of bootstrap replicates (sorts them in place). */
export function percentileInterval(replicates: Float64Array, confidence = 0.95): [number, number] {
  const alpha = 1 - confidence;
  replicates.sort();
  return [quantileSorted(replicates, alpha / 2), quantileSorted(replicates, 1 - alpha / 2)];
}

/** Half the width of a CI relative to a center value. */
export function relativeHalfWidth(ci: [number, number], center: number): number {
  return center === 0 ? (ci[1] === ci[0] ? 0 : Infinity) : (ci[1] - ci[0]) / 2 / Math.abs(center);
}

/** All the summary statistics of one sample set. */
export function summarize(xs: ArrayLike<number>, opts: BootstrapOptions = {}): Summary {
  const s = sortedCopy(xs);
  const med = quantileSorted(s, 0.5);
  const ci = bootstrapMedianCI(s, opts);
  return {
    n: s.length,
    median: med,
    mean: mean(s),
    min: s[0] ?? NaN,
    max: s[s.length - 1] ?? NaN,
    p99: quantileSorted(s, 0.99),
    mad: mad(s),
    ci,
    rel_ci_half_width: relativeHalfWidth(ci, med),
    outliers: tukeyOutliers(s),
  };
}
