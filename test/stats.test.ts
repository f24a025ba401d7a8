// The statistics: known values, and the bootstrap CI's coverage on synthetic data.
import { describe, expect, it } from 'vitest';
import { createRng } from '../harness/stats/random.ts';
import { bootstrapMedianCI, mad, mean, median, quantileSorted, relativeHalfWidth, summarize, tukeyOutliers } from '../harness/stats/summary.ts';

describe('summary statistics on known values', () => {
  it('median of odd and even counts', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
    expect(median([])).toBeNaN();
  });
  it('quantiles interpolate linearly between order statistics', () => {
    const s = [10, 20, 30, 40, 50];
    expect(quantileSorted(s, 0)).toBe(10);
    expect(quantileSorted(s, 1)).toBe(50);
    expect(quantileSorted(s, 0.25)).toBe(20);
    expect(quantileSorted(s, 0.99)).toBeCloseTo(49.6, 10);
  });
  it('mean and median absolute deviation', () => {
    expect(mean([1, 2, 3, 4])).toBe(2.5);
    // deviations from 3: 2,1,0,1,6 -> median 1
    expect(mad([1, 2, 3, 4, 9])).toBe(1);
  });
  it('Tukey fences count mild and severe outliers on both sides without dropping any', () => {
    const xs = [10, 10, 11, 11, 12, 12, 13, 13, 14, 14, 19, 30, -20];
    // sorted, q1 = s[3] = 11 and q3 = s[9] = 14, iqr 3: mild beyond [6.5, 18.5], severe beyond [2, 23]
    const o = tukeyOutliers(xs);
    expect(o).toEqual({ low_severe: 1, low_mild: 0, high_mild: 1, high_severe: 1 });
    const s = summarize(xs);
    expect(s.n).toBe(xs.length);
    expect(s.min).toBe(-20);
    expect(s.max).toBe(30);
  });
  it('relative half-width of a CI', () => {
    expect(relativeHalfWidth([99, 101], 100)).toBeCloseTo(0.01, 12);
  });
});

describe('bootstrap CI of the median', () => {
  it('is deterministic for a seed and contains the sample median', () => {
    const rng = createRng(1);
    const xs = Array.from({ length: 101 }, () => rng.uniform(0, 10));
    const a = bootstrapMedianCI(xs, { seed: 7 });
    const b = bootstrapMedianCI(xs, { seed: 7 });
    expect(a).toEqual(b);
    expect(a[0]).toBeLessThanOrEqual(median(xs));
    expect(a[1]).toBeGreaterThanOrEqual(median(xs));
  });
  it('collapses to a point for constant samples', () => {
    expect(bootstrapMedianCI([5, 5, 5, 5])).toEqual([5, 5]);
  });
  it('narrows as the sample grows', () => {
    const rng = createRng(2);
    const small = Array.from({ length: 20 }, () => rng.uniform(0, 1));
    const large = Array.from({ length: 2000 }, () => rng.uniform(0, 1));
    const w = (ci: [number, number]) => ci[1] - ci[0];
    expect(w(bootstrapMedianCI(large))).toBeLessThan(w(bootstrapMedianCI(small)) / 3);
  });

  // Coverage: over many synthetic data sets with a known true median, the 95%
  // interval should contain it about 95% of the time.
  const coverage = (draw: (rng: ReturnType<typeof createRng>) => number, trueMedian: number, n: number): number => {
    const rng = createRng(42);
    const trials = 300;
    let hits = 0;
    for (let t = 0; t < trials; t++) {
      const xs = Array.from({ length: n }, () => draw(rng));
      const [lo, hi] = bootstrapMedianCI(xs, { resamples: 400, seed: t });
      if (lo <= trueMedian && trueMedian <= hi) hits++;
    }
    return hits / trials;
  };
  const normal = (rng: ReturnType<typeof createRng>): number => {
    const u = 1 - rng.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
  };
  it('covers the true median of a normal distribution about 95% of the time', () => {
    const c = coverage((r) => 100 + 5 * normal(r), 100, 60);
    expect(c).toBeGreaterThan(0.89);
    expect(c).toBeLessThan(0.995);
  });
  it('covers the true median of a skewed (log-normal) distribution about 95% of the time', () => {
    // a log-normal's median is exp(mu)
    const c = coverage((r) => Math.exp(1 + 0.5 * normal(r)), Math.E, 81);
    expect(c).toBeGreaterThan(0.89);
    expect(c).toBeLessThan(0.995);
  });
});
