// What a scoring session draws when it starts, from a seed of its own (fresh
// each session unless given): the points a candidate is verified at (the public
// axes with their public seeds, the same points with fresh seeds, and held-out
// shapes), and a random source for the input sets of the measure stage.
import { randomInt } from 'node:crypto';
import { axisPoints, publicSeed } from '../problem/define.ts';
import { evalQuantity } from '../problem/expr.ts';
import { createRng } from '../stats/random.ts';
import { drawHeldOut } from '../verify/held-out.ts';
import type { Params, Problem, Rng } from '../model/types.ts';

/** Held-out shapes drawn per session by default. */
export const DEFAULT_HELD_OUT = 3;

export interface VerifyCase {
  params: Params;
  inputs: 'public' | 'fresh' | 'held-out';
  seed: number;
}

export interface ScoringPlan {
  seed: number;
  /** In order: every public point on its public seed, every public point on a fresh seed, the held-out shapes. */
  verify: VerifyCase[];
  /** The reused-buffers check: two fresh seeds at the smallest public point, the second copied into the first's arrays. */
  reuse: { params: Params; seeds: [number, number] };
  /** Draws for the measure stage: input sets, probe sets, rotation offsets. */
  rng: Rng;
}

export function drawPlan(problem: Problem, o: { seed?: number; heldOut?: number } = {}): ScoringPlan {
  const seed = o.seed ?? randomInt(2 ** 31);
  const rng = createRng(seed);
  const fresh = (): number => rng.int(2 ** 31);
  const points = axisPoints(problem.axes);
  const work = (p: Params): number => evalQuantity(problem.work.flops, p) + evalQuantity(problem.work.bytes, p);
  const verify: VerifyCase[] = [
    ...points.map((params) => ({ params, inputs: 'public' as const, seed: publicSeed(problem.name, params) })),
    ...points.map((params) => ({ params, inputs: 'fresh' as const, seed: fresh() })),
    ...drawHeldOut(problem.axes, rng, { count: o.heldOut ?? DEFAULT_HELD_OUT, work }).map((params) => ({ params, inputs: 'held-out' as const, seed: fresh() })),
  ];
  const smallest = [...points].sort((a, b) => work(a) - work(b))[0]!;
  return { seed, verify, reuse: { params: smallest, seeds: [fresh(), fresh()] }, rng };
}
