// A one-node ONNX model, c = MatMul(a, b) for n x n fp32, written as protobuf
// bytes by hand (no package ships .onnx files), and run with onnxruntime-node
// on one thread. Used by bench:native only where onnxruntime-node is installed
// but Assay's own ONNX backend is not part of this build.
import { measure, resolveMeasureOptions, type Measurement } from '../../harness/measure/measure.ts';
import type { Clock } from '../../harness/measure/clock.ts';

// protobuf wire format: varints, and length-delimited fields (wire type 2)
function varint(n: number): number[] {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
}
const field = (no: number, bytes: number[]): number[] => [...varint((no << 3) | 2), ...varint(bytes.length), ...bytes];
const int = (no: number, v: number): number[] => [...varint(no << 3), ...varint(v)];
const str = (no: number, s: string): number[] => field(no, [...Buffer.from(s, 'utf8')]);

/** ValueInfoProto of an n x n float tensor. */
function tensorInfo(name: string, n: number): number[] {
  const dim = field(1, int(1, n)); // TensorShapeProto.dim { dim_value }
  const tensorType = [...int(1, 1), ...field(2, [...dim, ...dim])]; // elem_type FLOAT, shape
  return [...str(1, name), ...field(2, field(1, tensorType))]; // name, type { tensor_type }
}

/** The model bytes: ir_version 8, opset 13, one MatMul node. */
export function matmulModel(n: number): Uint8Array {
  const node = [...str(1, 'a'), ...str(1, 'b'), ...str(2, 'c'), ...str(4, 'MatMul')];
  const graph = [...field(1, node), ...str(2, 'matmul'), ...field(11, tensorInfo('a', n)), ...field(11, tensorInfo('b', n)), ...field(12, tensorInfo('c', n))];
  return Uint8Array.from([...int(1, 8), ...field(7, graph), ...field(8, int(2, 13))]);
}

/** The little of onnxruntime-node's API used here. */
interface OrtLike {
  InferenceSession: {
    create(model: Uint8Array, opts: Record<string, unknown>): Promise<{ run(feeds: Record<string, unknown>): Promise<unknown>; release(): Promise<void> }>;
  };
  Tensor: new (type: 'float32', data: Float32Array, dims: number[]) => unknown;
  env: { versions?: { common?: string } };
}

/** Measures ORT's MatMul at n on one thread with Assay's measuring loop; null when onnxruntime-node is not installed. */
export async function measureOrtMatmul(n: number, a: Float32Array, b: Float32Array, budgetS: number, clock: Clock): Promise<{ m: Measurement; version: string } | null> {
  let ort: OrtLike;
  try {
    // named through a variable: the package is optional, and not a dependency of Assay's core
    const name = 'onnxruntime-node';
    ort = (await import(name)) as OrtLike;
  } catch {
    return null;
  }
  const session = await ort.InferenceSession.create(matmulModel(n), { intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential' });
  const feeds = { a: new ort.Tensor('float32', a, [n, n]), b: new ort.Tensor('float32', b, [n, n]) };
  const m = await measure('ort-matmul', { fn: () => session.run(feeds), async: true }, resolveMeasureOptions({ budgetS }), clock);
  await session.release();
  return { m, version: ort.env.versions?.common ?? 'unknown' };
}
