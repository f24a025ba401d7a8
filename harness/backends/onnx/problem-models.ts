// The ONNX variant of each built-in problem, as a graph over the problem's own
// tensors: inputs and outputs carry the problem's names and element types, and
// every axis is a symbolic dimension, so one model serves every axis point.
import type { ProblemSpec, TensorSpec } from '../../model/types.ts';
import { EP_METADATA_KEY } from './model-metadata.ts';
import type { GraphSpec, NodeSpec, Initializer, ValueInfo } from './onnx-model.ts';

/** The body of each problem's graph: the nodes, plus any constants they need. */
const BODIES: Record<string, { nodes: NodeSpec[]; initializers?: Initializer[]; doc: string; metadata?: Record<string, string> }> = {
  matmul: { doc: 'c = a · b', nodes: [{ op: 'MatMul', inputs: ['a', 'b'], outputs: ['c'] }] },
  softmax: { doc: 'softmax over the last axis', nodes: [{ op: 'Softmax', inputs: ['x'], outputs: ['out'], attrs: { axis: -1 } }] },
  // with no axes input, ReduceSum reduces every axis; keepdims gives the [1] output
  'reduce-sum': { doc: 'out[0] = sum of x', nodes: [{ op: 'ReduceSum', inputs: ['x'], outputs: ['out'], attrs: { keepdims: 1 } }] },
  'prefix-sum': {
    doc: 'inclusive prefix sum',
    nodes: [{ op: 'CumSum', inputs: ['x', 'axis'], outputs: ['out'] }],
    initializers: [{ name: 'axis', type: 'int64', dims: [], values: [0] }],
    // ORT's WebGPU CumSum is quadratic in n: 2.6 s per call at n = 65536 on lavapipe,
    // so n = 1048573 would take the better part of an hour per call
    metadata: {
      [EP_METADATA_KEY]: 'cpu',
      [`${EP_METADATA_KEY}.reason`]: "ONNX Runtime's WebGPU CumSum kernel is quadratic in n (2.6 s per call at n = 65536 on lavapipe)",
    },
  },
  // TopK with K = n and largest = 0 is a full ascending sort; K comes from x's own shape
  sort: {
    doc: 'ascending sort as TopK(k = n, largest = 0)',
    nodes: [
      { op: 'Shape', inputs: ['x'], outputs: ['k'] },
      { op: 'TopK', inputs: ['x', 'k'], outputs: ['out', 'indices'], attrs: { axis: -1, largest: 0, sorted: 1 } },
    ],
  },
  saxpy: {
    doc: 'out = a·x + y, with a a [1] tensor broadcast over x',
    nodes: [
      { op: 'Mul', inputs: ['a', 'x'], outputs: ['ax'] },
      { op: 'Add', inputs: ['ax', 'y'], outputs: ['out'] },
    ],
  },
};

/** The problems that have an ONNX model. */
export const MODELLED_PROBLEMS = Object.keys(BODIES);

/** The graph of a problem's ONNX variant. */
export function problemGraph(spec: ProblemSpec): GraphSpec {
  const body = BODIES[spec.name];
  if (!body) throw new RangeError(`no ONNX model is defined for problem "${spec.name}"; known: ${MODELLED_PROBLEMS.join(', ')}`);
  const io = (role: TensorSpec['role']): ValueInfo[] => spec.tensors.filter((t) => t.role === role).map(valueInfoOf);
  return {
    name: spec.name,
    doc: `Assay problem "${spec.name}": ${body.doc}. Written by scripts/gen-onnx.ts.`,
    inputs: io('input'),
    outputs: io('output'),
    nodes: body.nodes,
    ...(body.initializers ? { initializers: body.initializers } : {}),
    ...(body.metadata ? { metadata: body.metadata } : {}),
  };
}

function valueInfoOf(t: TensorSpec): ValueInfo {
  const type = t.dtype === 'f32' ? 'float' : 'int32';
  if (t.dtype === 'u32') throw new RangeError(`tensor "${t.name}": ONNX Runtime's CPU kernels have no uint32 for these operators`);
  return { name: t.name, type, shape: [...t.shape] };
}
