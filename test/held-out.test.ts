// Held-out shapes: awkward sizes, never a public point, within the work cap; the
// first near the bottom of the range, the others from the public sizes up, so
// that a kernel right only for whole tiles always meets a shape with a partial
// tile (a session whose held-out sizes were all below one 16-wide tile accepted
// such a matmul).
import { describe, expect, it } from 'vitest';
import { drawHeldOut, isRound } from '../harness/verify/held-out.ts';
import { createRng } from '../harness/stats/random.ts';

describe('held-out shapes', () => {
  const axes = { n: [48, 128] };
  const work = (p: Record<string, number>): number => p.n! ** 3;

  it('are awkward, new and within the cap; the first near the bottom, the others at or above the smallest public size', () => {
    for (let seed = 0; seed < 500; seed++) {
      const pts = drawHeldOut(axes, createRng(seed), { count: 3, work });
      expect(pts).toHaveLength(3);
      for (const p of pts) {
        expect(isRound(p.n!), `seed ${seed}: n=${p.n}`).toBe(false);
        expect(axes.n).not.toContain(p.n);
        expect(work(p)).toBeLessThanOrEqual(4 * work({ n: 48 }));
      }
      // the bottom band, a quarter of the smallest public size to four times that and 16 more, nudged off round numbers
      expect(pts[0]!.n).toBeLessThan(12 * 4 + 16 + 8);
      for (const p of pts.slice(1)) expect(p.n, `seed ${seed}`).toBeGreaterThanOrEqual(48);
      expect(new Set(pts.map((p) => p.n)).size).toBe(3);
    }
  });

  it('are the same for the same seed', () => {
    expect(drawHeldOut(axes, createRng(7), { count: 3, work })).toEqual(drawHeldOut(axes, createRng(7), { count: 3, work }));
  });
});
