// Held-out shapes: axis points drawn at random when a candidate is scored, which
// `assay problem show` does not list, so a kernel tuned to the public points
// alone fails. The sizes are awkward on purpose: never a power of two, never a
// multiple of eight, one of them near the bottom of the range, where tails and
// remainders are all there is. Their work is capped, so that the reference can
// check them quickly.
import { axisPoints } from '../problem/define.ts';
import type { Params, Rng } from '../model/types.ts';

export interface HeldOutOptions {
  /** How many points to draw. */
  count: number;
  /** The work of one call at a point (flops + bytes, say), for the cap. */
  work: (p: Params) => number;
  /** No point may take more than this many times the work of the smallest public point. */
  maxWorkFactor?: number;
}

const DEFAULT_MAX_WORK_FACTOR = 4;
const TRIES = 200;

/** True for sizes a kernel tuned to round numbers would get right by luck. */
export function isRound(v: number): boolean {
  return v > 0 && ((v & (v - 1)) === 0 || v % 8 === 0);
}

/** Nudges a size off round numbers: the next value above it that is not a power of two or a multiple of 8. */
function awkward(v: number): number {
  let x = Math.max(1, Math.round(v));
  while (isRound(x) && x > 2) x++;
  return x;
}

/**
 * Draws held-out points: made awkward, not a public value, and the point's work
 * within the cap. The first point is drawn near the bottom of each range (from a
 * quarter of its smallest public value); the others log-uniform between the
 * smallest public value and the largest, unless the cap keeps refusing them.
 */
export function drawHeldOut(axes: Record<string, number[]>, rng: Rng, o: HeldOutOptions): Params[] {
  const names = Object.keys(axes);
  const publicPoints = new Set<string>();
  const key = (p: Params): string => names.map((a) => p[a]).join(',');
  const smallest: Params = Object.fromEntries(names.map((a) => [a, Math.min(...axes[a]!)]));
  const cap = o.work(smallest) * (o.maxWorkFactor ?? DEFAULT_MAX_WORK_FACTOR);
  const ranges = names.map((a) => {
    const vs = axes[a]!;
    const lo = Math.max(1, Math.floor(Math.min(...vs) / 4));
    return { a, lo, min: Math.min(...vs), hi: Math.max(lo + 8, Math.max(...vs)), values: new Set(vs) };
  });
  for (const p of axisPoints(axes)) publicPoints.add(key(p));
  const out: Params[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < o.count; i++) {
    let pick: Params | null = null;
    for (let t = 0; t < TRIES && !pick; t++) {
      // the first point, and later ones when the cap keeps refusing, come from the bottom of the range
      const low = i === 0 || t > TRIES / 2;
      const p: Params = {};
      for (const r of ranges) {
        // the others from the public sizes up: below them, a kernel right only for whole tiles may have no tile to get wrong
        const bottom = low ? r.lo : r.min;
        const top = low ? Math.min(r.hi, r.lo * 4 + 16) : r.hi;
        let v = awkward(Math.exp(Math.log(bottom) + rng.next() * (Math.log(top) - Math.log(bottom))));
        while (r.values.has(v) || isRound(v)) v = awkward(v + 1);
        p[r.a] = v;
      }
      if (o.work(p) <= cap && !seen.has(key(p)) && !publicPoints.has(key(p))) pick = p;
    }
    if (!pick) break;
    seen.add(key(pick));
    out.push(pick);
  }
  return out;
}
