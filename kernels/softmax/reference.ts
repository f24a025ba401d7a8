// The softmax oracle and baseline: the textbook three passes per row (max, exp and
// sum, divide), all in float64, so the output carries only its fp32 rounding.
import type { Params, Tensors } from 'assay';

export default function reference(inputs: Tensors, outputs: Tensors, params: Params): void {
  const x = inputs.x as Float32Array;
  const out = outputs.out as Float32Array;
  const rows = params.rows!;
  const cols = params.cols!;
  const exps = new Float64Array(cols);
  for (let r = 0; r < rows; r++) {
    const start = r * cols;
    let max = -Infinity;
    for (let j = 0; j < cols; j++) max = Math.max(max, x[start + j]!);
    let sum = 0;
    for (let j = 0; j < cols; j++) {
      exps[j] = Math.exp(x[start + j]! - max);
      sum += exps[j]!;
    }
    for (let j = 0; j < cols; j++) out[start + j] = exps[j]! / sum;
  }
}
