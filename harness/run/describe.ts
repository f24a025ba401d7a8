// A problem's public signature as plain data: what `assay problem show` prints
// and what an agent needs in order to write a variant or candidate.
import { evalQuantity } from '../problem/expr.ts';
import { axisPoints, tensorLength } from '../problem/define.ts';
import type { LoadedProblem } from './suite.ts';
import { cPrototype, wgslBindings, wgslDeclarations, type WgslBinding } from '../problem/signature.ts';
import type { TensorSpec } from '../model/types.ts';

export interface ProblemDescription {
  name: string;
  description: string;
  axes: Record<string, number[]>;
  points: Array<Record<string, number>>;
  tensors: Array<TensorSpec & { elements: number[] }>;
  tolerance: { atol: number | string; rtol: number | string; reason: string; rule: string };
  work: { flops: number | string; bytes: number | string; at: Array<{ params: Record<string, number>; flops: number; bytes: number }> };
  reference: string;
  variants: Array<{ name: string; kind: string; reference: boolean }>;
  candidate: {
    js: string;
    /** The C prototype a native candidate defines. */
    native: string;
    /** The WGSL bindings a compute kernel declares, and the same as source. */
    wgsl: { bindings: WgslBinding[]; declarations: string; entry_point: 'main'; dispatch: string };
    onnx: string;
  };
}

export function describeProblem(lp: LoadedProblem): ProblemDescription {
  const p = lp.problem;
  const points = axisPoints(p.axes);
  return {
    name: p.name,
    description: p.description,
    axes: p.axes,
    points,
    tensors: p.tensors.map((t) => ({ ...t, elements: points.map((pt) => tensorLength(t, pt)) })),
    tolerance: { ...p.tolerance, rule: '|got - want| <= atol + rtol * |want|, for every output element' },
    work: {
      flops: p.work.flops,
      bytes: p.work.bytes,
      at: points.map((params) => ({ params, flops: evalQuantity(p.work.flops, params), bytes: evalQuantity(p.work.bytes, params) })),
    },
    reference: p.reference,
    variants: lp.variants.map((v) => ({ name: v.name, kind: v.kind, reference: v.isReference })),
    candidate: {
      js:
        `export default function (inputs, outputs, params) — inputs { ${p.tensors.filter((t) => t.role === 'input').map((t) => t.name).join(', ')} }, ` +
        `outputs { ${p.tensors.filter((t) => t.role === 'output').map((t) => t.name).join(', ')} }, params { ${Object.keys(p.axes).join(', ')} }; may be async`,
      native: cPrototype(p),
      wgsl: {
        bindings: wgslBindings(p),
        declarations: wgslDeclarations(p),
        entry_point: 'main',
        dispatch: `a header line "// @dispatch X, Y, Z" giving the workgroup grid as expressions over ${Object.keys(p.axes).join(', ')} (+ - * / ceil floor min max)`,
      },
      onnx: `a model with inputs ${p.tensors.filter((t) => t.role === 'input').map((t) => t.name).join(', ')} and outputs ${p.tensors.filter((t) => t.role === 'output').map((t) => t.name).join(', ')}, of the same element types and shapes`,
    },
  };
}
