// The stopping rule, fed synthetic samples on a virtual clock: it stops early on a
// quiet source and runs to the budget on a noisy one, reporting which happened.
import { describe, expect, it } from 'vitest';
import type { Clock } from '../harness/measure/clock.ts';
import { sampleUntilStopped, type SampleSource } from '../harness/measure/sample-loop.ts';
import { checkStop, nextRoundSize, type StopRule } from '../harness/measure/stopping.ts';
import { createRng } from '../harness/stats/random.ts';

/** A source of samples around `center` with relative spread `noise`, advancing a virtual clock by each sample's time. */
function syntheticSource(center: number, noise: number, seed: number): { source: SampleSource; clock: Clock } {
  const rng = createRng(seed);
  let t = 0;
  const clock: Clock = { name: 'virtual', now: () => t };
  const source: SampleSource = {
    take(count) {
      const out: number[] = [];
      for (let i = 0; i < count; i++) {
        const s = center * (1 + noise * (rng.next() * 2 - 1));
        t += s; // each sample costs its own duration
        out.push(s);
      }
      return out;
    },
  };
  return { source, clock };
}

const rule: StopRule = { minSamples: 10, targetRelCI: 0.01, budgetNs: 3e9, maxSamples: 100_000 };

describe('stopping rule', () => {
  it('stops early, converged, on a low-noise source', async () => {
    const { source, clock } = syntheticSource(1e6, 0.005, 1); // 1 ms samples, ±0.5%
    const out = await sampleUntilStopped(source, rule, clock);
    expect(out.stop).toBe('converged');
    expect(out.samples.length).toBeGreaterThanOrEqual(rule.minSamples);
    expect(out.elapsedNs).toBeLessThan(rule.budgetNs / 10);
    expect(out.relCI).toBeLessThanOrEqual(0.01);
  });

  it('hits the budget on a noisy source and says the CI is still wide', async () => {
    // ±90% uniform noise on 10 ms samples: 300 samples are not enough for a 1% CI
    const { source, clock } = syntheticSource(1e7, 0.9, 2);
    const out = await sampleUntilStopped(source, rule, clock);
    expect(out.stop).toBe('budget');
    expect(out.relCI).toBeGreaterThan(0.01);
    expect(out.elapsedNs).toBeGreaterThanOrEqual(rule.budgetNs);
    // it plans rounds from the observed rate, so it does not overshoot the budget by much
    expect(out.elapsedNs).toBeLessThan(rule.budgetNs * 1.1);
  });

  it('never consults the CI before the minimum number of samples', () => {
    const same = Array.from({ length: 9 }, () => 5);
    expect(checkStop(same, 0, rule).stop).toBeNull();
    expect(checkStop([...same, 5], 0, rule).stop).toBe('converged');
  });

  it('stops at the sample cap', () => {
    const rng = createRng(3);
    const xs = Array.from({ length: 50 }, () => rng.uniform(1, 100));
    expect(checkStop(xs, 0, { ...rule, maxSamples: 50 }).stop).toBe('max-samples');
  });

  it('grows rounds geometrically but not past the remaining budget', () => {
    expect(nextRoundSize(0, 0, rule)).toBe(10);
    expect(nextRoundSize(100, 1e8, rule)).toBe(25);
    // 100 samples took 2.9 s: only ~4 more fit in the remaining 0.1 s
    expect(nextRoundSize(100, 2.9e9, rule)).toBe(4);
  });
});
