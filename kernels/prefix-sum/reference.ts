// The prefix-sum oracle and baseline: one float64 running sum, stored after each
// element, so every output carries only its own fp32 rounding.
import type { Params, Tensors } from 'assay';

export default function reference(inputs: Tensors, outputs: Tensors, _params: Params): void {
  const x = inputs.x as Float32Array;
  const out = outputs.out as Float32Array;
  let sum = 0;
  for (let i = 0; i < x.length; i++) {
    sum += x[i]!;
    out[i] = sum;
  }
}
