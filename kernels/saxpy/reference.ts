// The saxpy oracle and baseline: one expression per element, computed in float64
// and rounded once when stored, so its only error is the final fp32 rounding.
import type { Params, Tensors } from 'assay';

export default function reference(inputs: Tensors, outputs: Tensors, _params: Params): void {
  const a = inputs.a![0]!;
  const y = inputs.y as Float32Array;
  const x = inputs.x as Float32Array;
  outputs.out!.set(x.map((xi, i) => a * xi + y[i]!));
}
