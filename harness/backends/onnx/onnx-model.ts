// Writing ONNX models: a small builder over the ONNX protobuf schema (onnx.proto,
// IR version 8), enough for the built-in problems' models and test models.
// Field numbers are those of onnx/onnx.proto.
import { Message } from './proto.ts';

/** ONNX TensorProto.DataType codes for the element types Assay writes. */
export const ELEM = { float: 1, uint8: 2, int8: 3, int32: 6, int64: 7, string: 8, bool: 9, float16: 10, double: 11 } as const;
export type ElemType = keyof typeof ELEM;

/** A graph input or output: a dimension is a size, or a name for a symbolic size. */
export interface ValueInfo {
  name: string;
  type: ElemType;
  shape: Array<number | string>;
}

/** A constant tensor stored in the model (weights, axes, K). */
export interface Initializer {
  name: string;
  type: 'float' | 'int64';
  dims: number[];
  values: ArrayLike<number>;
}

export type AttrValue = number | string | number[] | { float: number };

export interface NodeSpec {
  op: string;
  inputs: string[];
  outputs: string[];
  name?: string;
  /** Integers are INT attributes, `{float}` FLOAT, arrays INTS, strings STRING. */
  attrs?: Record<string, AttrValue>;
}

export interface GraphSpec {
  name: string;
  inputs: ValueInfo[];
  outputs: ValueInfo[];
  nodes: NodeSpec[];
  initializers?: Initializer[];
  /** The default-domain opset; 17 is well within what ONNX Runtime 1.x runs. */
  opset?: number;
  doc?: string;
  /** ModelProto.metadata_props: free key/value pairs, such as Assay's `assay.ep` (see model-metadata.ts). */
  metadata?: Record<string, string>;
}

const IR_VERSION = 8;
const DEFAULT_OPSET = 17;
const ATTR_TYPE = { float: 1, int: 2, string: 3, ints: 7 } as const;

/** Encodes a whole model as the bytes of a `.onnx` file. */
export function encodeModel(g: GraphSpec): Uint8Array {
  const graph = new Message();
  g.nodes.forEach((n, i) => graph.message(1, nodeProto(n, i)));
  graph.string(2, g.name);
  for (const init of g.initializers ?? []) graph.message(5, tensorProto(init));
  if (g.doc) graph.string(10, g.doc);
  for (const v of g.inputs) graph.message(11, valueInfo(v));
  for (const v of g.outputs) graph.message(12, valueInfo(v));
  const model = new Message()
    .varint(1, IR_VERSION)
    .string(2, 'assay')
    .string(3, '1')
    .message(7, graph)
    .message(8, new Message().string(1, '').varint(2, g.opset ?? DEFAULT_OPSET));
  for (const [key, value] of Object.entries(g.metadata ?? {})) model.message(14, new Message().string(1, key).string(2, value));
  return model.finish();
}

function nodeProto(n: NodeSpec, index: number): Message {
  const m = new Message();
  for (const i of n.inputs) m.string(1, i);
  for (const o of n.outputs) m.string(2, o);
  m.string(3, n.name ?? `${n.op.toLowerCase()}_${index}`);
  m.string(4, n.op);
  for (const [name, v] of Object.entries(n.attrs ?? {})) m.message(5, attribute(name, v));
  return m;
}

function attribute(name: string, v: AttrValue): Message {
  const m = new Message().string(1, name);
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) throw new RangeError(`attribute ${name}: write a non-integer as {float: ${v}}`);
    return m.varint(3, v).varint(20, ATTR_TYPE.int);
  }
  if (typeof v === 'string') return m.string(4, v).varint(20, ATTR_TYPE.string);
  if (Array.isArray(v)) return m.packedVarints(8, v).varint(20, ATTR_TYPE.ints);
  return m.float(2, v.float).varint(20, ATTR_TYPE.float);
}

function tensorProto(t: Initializer): Message {
  const count = t.dims.reduce((a, b) => a * b, 1);
  if (count !== t.values.length) throw new RangeError(`initializer ${t.name}: dims ${t.dims.join('x')} hold ${count} values, given ${t.values.length}`);
  const m = new Message().packedVarints(1, t.dims).varint(2, ELEM[t.type]).string(8, t.name);
  // raw_data is little-endian, which is what typed arrays hold on every platform Node runs on here
  const raw = t.type === 'float' ? new Float32Array(Array.from(t.values)) : BigInt64Array.from(Array.from(t.values), (x) => BigInt(x));
  return m.bytes(9, new Uint8Array(raw.buffer));
}

function valueInfo(v: ValueInfo): Message {
  const shape = new Message();
  for (const d of v.shape) shape.message(1, typeof d === 'number' ? new Message().varint(1, d) : new Message().string(2, d));
  const tensorType = new Message().varint(1, ELEM[v.type]).message(2, shape);
  return new Message().string(1, v.name).message(2, new Message().message(1, tensorType));
}
