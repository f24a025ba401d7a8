// The cache probe's judgement: a first pass over new values far slower than
// later passes over the same values is a cache, on either clock; a busy moment
// in one pass is not; and a pass too short on the trusted clock is not judged,
// whatever the runner's clock says.
import { describe, expect, it } from 'vitest';
import { CACHE_PROBE_RATIO, judgeCacheProbe } from '../harness/verify/cache-probe.ts';

const ms = 1e6;
const reps = (first: number[], last: number[]) => first.map((f, i) => ({ firstNs: f * ms, lastNs: last[i]! * ms }));

describe('judging the cache probe', () => {
  it('passes an honest kernel with a busy moment in two of its first passes', () => {
    const r = judgeCacheProbe({ passes: reps([30, 31, 10], [10, 11, 10]), calls: 4, timedPerCallNs: 2.5 * ms });
    expect(r.passed).toBe(true);
    expect(r.detail).toMatch(/\(the median; 1\.00x\)/);
  });

  it('rejects a first pass slower than a later one by more than the ratio', () => {
    const r = judgeCacheProbe({ passes: reps([40, 42, 41], [10, 10, 12]), calls: 4, timedPerCallNs: 2.5 * ms });
    expect(CACHE_PROBE_RATIO * 10).toBeLessThan(40);
    expect(r.passed).toBe(false);
    expect(r.detail).toMatch(/results were kept across calls/);
  });

  it('rejects a cache that only the runner clock shows, where the request costs as much as the calls', () => {
    // per pass, 8 ms of request cost on the scoring process's clock: 9 ms against 17 ms is not a cache there
    const r = judgeCacheProbe({ passes: reps([17, 17, 17], [10, 10, 10]), runnerPasses: reps([9, 9, 9], [2, 2, 2]), calls: 16, timedPerCallNs: 0.15 * ms });
    expect(r.passed).toBe(false);
    expect(r.detail).toMatch(/on the runner's clock around the calls alone, .* \(4\.50x\)/);
  });

  it('does not judge a pass too short on the trusted clock, even when the runner clock shows a cache', () => {
    const r = judgeCacheProbe({ passes: reps([1.5, 1.6, 1.5], [1.5, 1.5, 1.5]), runnerPasses: reps([1.4, 1.4, 1.4], [0.1, 0.1, 0.1]), calls: 16, timedPerCallNs: 0.1 * ms });
    expect(r.passed).toBe(true);
    expect(r.detail).toMatch(/too short to judge/);
  });
});
