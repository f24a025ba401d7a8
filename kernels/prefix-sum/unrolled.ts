// Scan four elements at a time: their partial sums are formed off the critical path,
// so the running total takes one dependent addition per four elements, not four.
import type { Params, Tensors } from 'assay';

// The loop takes typed arrays, not the tensors objects: its optimized code then depends
// on nothing that changes from one case to the next, which would deoptimize it.
function scan(x: Float32Array, out: Float32Array): void {
  const n = x.length;
  // the last one to four elements always take the tail loop, so V8 has type feedback for it
  // at every n; a tail that first runs at a later size deoptimizes the whole function
  const n4 = (n - 1) & ~3;
  let sum = 0;
  let i = 0;
  for (; i < n4; i += 4) {
    const p0 = x[i]!;
    const p1 = p0 + x[i + 1]!;
    const p2 = p1 + x[i + 2]!;
    const p3 = p2 + x[i + 3]!;
    out[i] = sum + p0;
    out[i + 1] = sum + p1;
    out[i + 2] = sum + p2;
    out[i + 3] = sum + p3;
    sum += p3;
  }
  for (; i < n; i++) {
    sum += x[i]!;
    out[i] = sum;
  }
}

export default function unrolled(inputs: Tensors, outputs: Tensors, _params: Params): void {
  scan(inputs.x as Float32Array, outputs.out as Float32Array);
}
