// Softmax with exp computed inline as 2^k · e^r, |r| <= ln2/2, by a degree-7 polynomial:
// accurate to about 1e-8 relative, below fp32's rounding, and about twice as fast as Math.exp.
import type { Params, Tensors } from 'assay';

/** Below this, e^d / sum (sum >= 1) is under half the smallest fp32 subnormal, so it rounds to 0. */
const UNDERFLOW = -104;
/** 2^-k for k = 0..150, which covers every k that UNDERFLOW lets through. */
const POW2_NEG = Float64Array.from({ length: 151 }, (_, k) => 2 ** -k);
/** Adding then subtracting 1.5·2^52 rounds a double to the nearest integer without a call. */
const ROUND_SHIFT = 6755399441055744;

/** e^d for d <= 0. */
function expNonPositive(d: number): number {
  if (d < UNDERFLOW) return 0;
  const k = d * Math.LOG2E + ROUND_SHIFT - ROUND_SHIFT;
  const r = d - k * Math.LN2;
  // Taylor series to r^7: the remainder is under 6e-9 relative for |r| <= 0.347
  const p = 1 + r * (1 + r * (1 / 2 + r * (1 / 6 + r * (1 / 24 + r * (1 / 120 + r * (1 / 720 + r * (1 / 5040)))))));
  return p * POW2_NEG[-k | 0]!;
}

// The loops take typed arrays, not the tensors objects: their optimized code then depends
// on nothing that changes from one case to the next, which would deoptimize it.
function softmaxRows(x: Float32Array, out: Float32Array, rows: number, cols: number): void {
  // the exponentials wait in float64, since fp32 would flush the tiny ones before scaling
  const exps = new Float64Array(cols);
  for (let start = 0; start < rows * cols; start += cols) {
    let max = -Infinity;
    for (let j = 0; j < cols; j++) {
      const v = x[start + j]!;
      if (v > max) max = v;
    }
    let sum = 0;
    for (let j = 0; j < cols; j++) {
      const e = expNonPositive(x[start + j]! - max);
      exps[j] = e;
      sum += e;
    }
    const inv = 1 / sum;
    for (let j = 0; j < cols; j++) out[start + j] = exps[j]! * inv;
  }
}

export default function fastexp(inputs: Tensors, outputs: Tensors, params: Params): void {
  softmaxRows(inputs.x as Float32Array, outputs.out as Float32Array, params.rows!, params.cols!);
}
