// matmul in k-slabs with a 2×4 register tile: each b element loaded feeds two rows of c,
// each accumulator update carries four products, and a slab of b stays in cache across rows.
import type { Params, Tensors } from 'assay';

/** Rows of b per slab, a multiple of 4: 64 rows of a 512-wide b are 128 KiB, well inside L2. */
const KB = 64;

// Scratch buffers are kept between calls and reused while n stays the same: allocating
// a few hundred KiB per call costs page faults and GC work that would be measured too.
let scratchN = -1;
let aPad = new Float32Array(0);
let bPad = new Float32Array(0);
let acc = new Float64Array(0);

function scratchFor(n: number): void {
  if (n === scratchN) return;
  // their padding stays zero: only the data regions are written on each call
  aPad = new Float32Array((n + 1) * (n + 3));
  bPad = new Float32Array((n + 3) * n);
  acc = new Float64Array((n + 1) * n);
  scratchN = n;
}

// The loops take typed arrays, not the tensors objects: their optimized code then depends
// on nothing that changes from one case to the next, which would deoptimize it.
function multiply(a: Float32Array, b: Float32Array, c: Float32Array, n: number): void {
  // Copies of a and b padded with zeros (a row and three columns of a, three rows of b)
  // make every 2×4 tile whole, so there is no remainder loop: such a loop would first run,
  // without type feedback, at some later n and deoptimize the function there.
  const m = n + 3;
  scratchFor(n);
  for (let i = 0; i < n; i++) aPad.set(a.subarray(i * n, i * n + n), i * m);
  bPad.set(b);
  // all of c accumulates in float64 across slabs, plus a spare row for odd n's last pair
  acc.fill(0);
  for (let kk = 0; kk < n; kk += KB) {
    const kEnd = Math.min(kk + KB, n);
    for (let i = 0; i < n; i += 2) {
      const a0 = i * m;
      const a1 = a0 + m;
      const r0 = i * n;
      const r1 = r0 + n;
      for (let k = kk; k < kEnd; k += 4) {
        const p0 = aPad[a0 + k]!;
        const p1 = aPad[a0 + k + 1]!;
        const p2 = aPad[a0 + k + 2]!;
        const p3 = aPad[a0 + k + 3]!;
        const q0 = aPad[a1 + k]!;
        const q1 = aPad[a1 + k + 1]!;
        const q2 = aPad[a1 + k + 2]!;
        const q3 = aPad[a1 + k + 3]!;
        const b0 = k * n;
        const b1 = b0 + n;
        const b2 = b1 + n;
        const b3 = b2 + n;
        for (let j = 0; j < n; j++) {
          const v0 = bPad[b0 + j]!;
          const v1 = bPad[b1 + j]!;
          const v2 = bPad[b2 + j]!;
          const v3 = bPad[b3 + j]!;
          acc[r0 + j]! += p0 * v0 + p1 * v1 + p2 * v2 + p3 * v3;
          acc[r1 + j]! += q0 * v0 + q1 * v1 + q2 * v2 + q3 * v3;
        }
      }
    }
  }
  c.set(acc.subarray(0, n * n));
}

export default function blocked(inputs: Tensors, outputs: Tensors, params: Params): void {
  multiply(inputs.a as Float32Array, inputs.b as Float32Array, outputs.c as Float32Array, params.n!);
}
