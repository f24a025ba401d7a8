// Pairwise summation over blocks: halves are summed separately and then added, so
// error grows with log n rather than n, and each leaf block keeps four accumulators busy.
import type { Params, Tensors } from 'assay';

/** Leaves this small fit in L1 and are long enough that the recursion costs little. */
const LEAF = 512;

function sumRange(x: Float32Array, lo: number, hi: number): number {
  if (hi - lo > LEAF) {
    const mid = lo + (((hi - lo) >>> 1) & ~3);
    return sumRange(x, lo, mid) + sumRange(x, mid, hi);
  }
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = lo;
  // the last one to four elements always take the tail loop, so it never runs without type feedback
  for (const end = lo + ((hi - lo - 1) & ~3); i < end; i += 4) {
    s0 += x[i]!;
    s1 += x[i + 1]!;
    s2 += x[i + 2]!;
    s3 += x[i + 3]!;
  }
  for (; i < hi; i++) s0 += x[i]!;
  return s0 + s1 + (s2 + s3);
}

export default function pairwise(inputs: Tensors, outputs: Tensors, _params: Params): void {
  const x = inputs.x as Float32Array;
  outputs.out![0] = sumRange(x, 0, x.length);
}
