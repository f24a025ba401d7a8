// Change-point detection (E-Divisive means with a rank test) on seeded synthetic
// series of nightly medians with 1% Gaussian noise: a step is found at its
// night, two steps are both found, a flat series and a single outlier night give
// none, and a series too short says so by giving none.
import { describe, expect, it } from 'vitest';
import { detectChangePoints, minimumHistory, newChangePoints } from '../harness/stats/changepoint.ts';
import { createRng } from '../harness/stats/random.ts';

/** `n` nights around 100 with `sd` relative Gaussian noise, times `level(i)`. */
function nights(n: number, seed: number, level: (i: number) => number = () => 1, sd = 0.01): number[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, (_, i) => {
    const z = Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
    return 100 * level(i) * (1 + sd * z);
  });
}

const SEEDS = Array.from({ length: 12 }, (_, i) => i + 1);

describe('change points', () => {
  it('finds one step of 5% within 1% noise at the night it happened', () => {
    for (const n of [40, 120, 365]) {
      for (const seed of SEEDS) {
        const at = Math.floor(n * 0.6);
        const cps = detectChangePoints(nights(n, seed, (i) => (i >= at ? 1.05 : 1)));
        expect(cps.map((c) => c.index), `n=${n} seed=${seed}`).toEqual([at]);
        expect(cps[0]!.magnitude).toBeGreaterThan(0.04);
        expect(cps[0]!.magnitude).toBeLessThan(0.06);
        expect(cps[0]!.confidence).toBeGreaterThan(0.999);
      }
    }
  });

  it('finds both of two steps, one up and one down', () => {
    for (const seed of SEEDS) {
      const cps = detectChangePoints(nights(200, seed, (i) => (i >= 70 ? 1.05 : 1) * (i >= 140 ? 0.9 : 1)));
      // both found, each within a night of where it happened (a noisy first night can move it by one)
      expect(cps, `seed=${seed}`).toHaveLength(2);
      expect(Math.abs(cps[0]!.index - 70)).toBeLessThanOrEqual(1);
      expect(Math.abs(cps[1]!.index - 140)).toBeLessThanOrEqual(1);
      expect(cps[0]!.magnitude).toBeGreaterThan(0);
      expect(cps[1]!.magnitude).toBeLessThan(0);
    }
  });

  it('finds no change point in a flat noisy series at the default settings', () => {
    for (const n of [30, 100, 365]) for (const seed of SEEDS) expect(detectChangePoints(nights(n, 100 + seed)), `n=${n} seed=${seed}`).toEqual([]);
  });

  it('does not take a single outlier night for a change, in the middle or as the newest night', () => {
    for (const seed of SEEDS) {
      for (const where of ['middle', 'end'] as const) {
        const xs = nights(150, 200 + seed);
        xs[where === 'middle' ? 75 : 149]! *= 1.3;
        expect(detectChangePoints(xs), `${where} seed=${seed}`).toEqual([]);
      }
    }
  });

  it('confirms a step at the end of the series once a few nights show it', () => {
    const base = nights(100, 5);
    const after = (k: number): number[] => [...base, ...nights(k, 6, () => 1.05)];
    expect(detectChangePoints(after(1))).toEqual([]);
    const k = [2, 3, 4, 5, 6].find((j) => detectChangePoints(after(j)).some((c) => c.index === 100));
    expect(k).toBeDefined();
    expect(k!).toBeLessThanOrEqual(5);
  });

  it('gives none for a history shorter than the minimum, and tells new change points from known ones', () => {
    expect(minimumHistory()).toBe(4);
    expect(detectChangePoints([1, 2, 100])).toEqual([]);
    const before = detectChangePoints(nights(120, 9, (i) => (i >= 60 ? 1.05 : 1)));
    const now = detectChangePoints(nights(121, 9, (i) => (i >= 60 ? 1.05 : 1)));
    expect(before).toHaveLength(1);
    expect(newChangePoints(before, now)).toEqual([]);
    expect(newChangePoints([], now)).toEqual(now);
  });
});
