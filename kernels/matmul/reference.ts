// The matmul oracle and baseline: the definition, one float64 dot product of a row
// of a and a column of b per element of c, so c carries only its fp32 rounding.
import type { Params, Tensors } from 'assay';

export default function reference(inputs: Tensors, outputs: Tensors, params: Params): void {
  const a = inputs.a as Float32Array;
  const b = inputs.b as Float32Array;
  const c = outputs.c as Float32Array;
  const n = params.n!;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let k = 0; k < n; k++) sum += a[i * n + k]! * b[k * n + j]!;
      c[i * n + j] = sum;
    }
  }
}
