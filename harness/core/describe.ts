// A problem's public signature as plain data: what `assay problem show` prints
// and what an agent needs in order to write a variant or candidate.
import { evalQuantity } from './expr.ts';
import { axisPoints, tensorLength } from './problem.ts';
import type { LoadedProblem } from './suite.ts';
import type { TensorSpec } from './types.ts';

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
  candidate: { js: string };
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
    },
  };
}
