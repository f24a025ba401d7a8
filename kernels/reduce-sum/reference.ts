// The reduce-sum oracle and baseline: one running sum, left to right, in float64,
// whose rounding error is far below the fp32 rounding of the result.
import type { Params, Tensors } from 'assay';

export default function reference(inputs: Tensors, outputs: Tensors, _params: Params): void {
  const x = inputs.x as Float32Array;
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += x[i]!;
  outputs.out![0] = sum;
}
