// saxpy as a plain indexed loop over locals: no callback per element and no
// temporary array, so V8 compiles it to a tight load-multiply-add-store loop.
import type { Params, Tensors } from 'assay';

// The loop takes typed arrays, not the tensors objects: its optimized code then depends
// on nothing that changes from one case to the next, which would deoptimize it.
function axpy(a: number, x: Float32Array, y: Float32Array, out: Float32Array): void {
  const n = out.length;
  for (let i = 0; i < n; i++) out[i] = a * x[i]! + y[i]!;
}

export default function loop(inputs: Tensors, outputs: Tensors, _params: Params): void {
  axpy(inputs.a![0]!, inputs.x as Float32Array, inputs.y as Float32Array, outputs.out as Float32Array);
}
