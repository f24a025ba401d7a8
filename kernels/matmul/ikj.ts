// matmul in i-k-j order, four rows of b per pass: the inner loop has unit stride, and
// each float64 accumulator is loaded and stored once per four multiply-adds, not once per one.
import type { Params, Tensors } from 'assay';

// Scratch buffers are kept between calls and reused while n stays the same: allocating
// a few hundred KiB per call costs page faults and GC work that would be measured too.
let scratchN = -1;
let aPad = new Float32Array(0);
let bPad = new Float32Array(0);
let acc = new Float64Array(0);

function scratchFor(n: number): void {
  if (n === scratchN) return;
  // their padding stays zero: only the data regions are written on each call
  aPad = new Float32Array(n * (n + 3));
  bPad = new Float32Array((n + 3) * n);
  acc = new Float64Array(n);
  scratchN = n;
}

// The loops take typed arrays, not the tensors objects: their optimized code then depends
// on nothing that changes from one case to the next, which would deoptimize it.
function multiply(a: Float32Array, b: Float32Array, c: Float32Array, n: number): void {
  // Copies of a and b padded with zeros (three columns of a, three rows of b) make every
  // group of four k whole, so there is no remainder loop: such a loop would first run,
  // without type feedback, at some later n and deoptimize the function there.
  const m = n + 3;
  scratchFor(n);
  for (let i = 0; i < n; i++) aPad.set(a.subarray(i * n, i * n + n), i * m);
  bPad.set(b);
  for (let i = 0; i < n; i++) {
    const aRow = i * m;
    acc.fill(0);
    for (let k = 0; k < n; k += 4) {
      const a0 = aPad[aRow + k]!;
      const a1 = aPad[aRow + k + 1]!;
      const a2 = aPad[aRow + k + 2]!;
      const a3 = aPad[aRow + k + 3]!;
      const b0 = k * n;
      const b1 = b0 + n;
      const b2 = b1 + n;
      const b3 = b2 + n;
      for (let j = 0; j < n; j++) acc[j]! += a0 * bPad[b0 + j]! + a1 * bPad[b1 + j]! + a2 * bPad[b2 + j]! + a3 * bPad[b3 + j]!;
    }
    c.set(acc, i * n);
  }
}

export default function ikj(inputs: Tensors, outputs: Tensors, params: Params): void {
  multiply(inputs.a as Float32Array, inputs.b as Float32Array, outputs.c as Float32Array, params.n!);
}
