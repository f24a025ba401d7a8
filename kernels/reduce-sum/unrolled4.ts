// Sum with four independent float64 accumulators: each addition no longer waits
// for the previous one, so four run in flight instead of one.
import type { Params, Tensors } from 'assay';

// The loop takes typed arrays, not the tensors objects: its optimized code then depends
// on nothing that changes from one case to the next, which would deoptimize it.
function sum4(x: Float32Array): number {
  const n = x.length;
  // the last one to four elements always take the tail loop, so V8 has type feedback for it
  // at every n; a tail that first runs at a later size deoptimizes the whole function
  const n4 = (n - 1) & ~3;
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  for (; i < n4; i += 4) {
    s0 += x[i]!;
    s1 += x[i + 1]!;
    s2 += x[i + 2]!;
    s3 += x[i + 3]!;
  }
  for (; i < n; i++) s0 += x[i]!;
  return s0 + s1 + (s2 + s3);
}

export default function unrolled4(inputs: Tensors, outputs: Tensors, _params: Params): void {
  outputs.out![0] = sum4(inputs.x as Float32Array);
}
