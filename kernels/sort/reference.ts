// The sort oracle and baseline: the values as plain numbers, sorted with an explicit
// numeric comparator that also puts -0 before +0, then copied into out.
import type { Params, Tensors } from 'assay';

function ascending(p: number, q: number): number {
  if (p !== q) return p < q ? -1 : 1;
  // p === q also holds for -0 and +0; order those by sign so the result is canonical
  return Number(Object.is(q, -0)) - Number(Object.is(p, -0));
}

export default function reference(inputs: Tensors, outputs: Tensors, _params: Params): void {
  const values = Array.from(inputs.x as Float32Array);
  values.sort(ascending);
  outputs.out!.set(values);
}
