// Creating ONNX Runtime sessions with Assay's settings, and building the tensors
// a run feeds and fetches. Shared by the onnx backend and `assay model`.
import { readFileSync } from 'node:fs';
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { ArtifactError } from '../../model/errors.ts';
import { encodeModel } from './onnx-model.ts';
import { loadOrt, type Ort } from './ort.ts';

/** Graph optimization levels, as ONNX Runtime names them. */
export const OPT_LEVELS = ['disabled', 'basic', 'extended', 'all'] as const;
export type OptLevel = (typeof OPT_LEVELS)[number];

export interface SessionSettings {
  ep: string;
  threads: number;
  opt?: OptLevel;
}

export interface OpenSession {
  ort: Ort;
  session: InferenceSession;
  /** Wall time of `InferenceSession.create`, in ms: parsing, graph optimization, kernel selection. */
  sessionMs: number;
}

/**
 * Creates a session on one execution provider with `threads` intra-op threads
 * (inter-op parallelism is off, so `threads` is the whole thread budget). A
 * model that does not load is an ArtifactError naming the file and ORT's reason.
 */
export async function openSession(file: string, s: SessionSettings, bytes?: Uint8Array): Promise<OpenSession> {
  const ort = await loadOrt();
  let data: Uint8Array;
  try {
    data = bytes ?? readFileSync(file);
  } catch (e) {
    throw new ArtifactError(`${file}: cannot read the model: ${(e as Error).message}`, file);
  }
  const options: InferenceSession.SessionOptions = {
    executionProviders: [s.ep],
    intraOpNumThreads: s.threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: s.opt ?? 'all',
    logSeverityLevel: 3,
  };
  await environmentReady(ort);
  const t0 = performance.now();
  let session: InferenceSession;
  try {
    session = await ort.InferenceSession.create(data, options);
  } catch (e) {
    throw new ArtifactError(`${file}: ONNX Runtime cannot load this model on ${s.ep}: ${ortMessage(e)}`, file);
  }
  return { ort, session, sessionMs: performance.now() - t0 };
}

let envReady: Promise<void> | null = null;

/**
 * ONNX Runtime builds its process-wide environment (logging, thread pools) in
 * the first session a process creates. That one-time cost is paid here, on a
 * one-node model, so that `session_ms` is the same for the first model as for
 * the rest: the cost of loading that model alone.
 */
function environmentReady(ort: Ort): Promise<void> {
  envReady ??= (async () => {
    const bytes = encodeModel({
      name: 'warm',
      inputs: [{ name: 'x', type: 'float', shape: [1] }],
      outputs: [{ name: 'y', type: 'float', shape: [1] }],
      nodes: [{ op: 'Identity', inputs: ['x'], outputs: ['y'] }],
    });
    const s = await ort.InferenceSession.create(bytes, { logSeverityLevel: 3 });
    await s.release();
  })();
  return envReady;
}

/** ORT's message without its source-file prefix, which tells a user nothing. */
export function ortMessage(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return m.replace(/^\/onnxruntime_src\/\S+ /, '').trim();
}

/** ORT element type names for the typed arrays Assay's tensors use. */
export function ortTypeOf(a: ArrayBufferView): Tensor.Type {
  if (a instanceof Float32Array) return 'float32';
  if (a instanceof Int32Array) return 'int32';
  if (a instanceof Uint32Array) return 'uint32';
  if (a instanceof Float64Array) return 'float64';
  if (a instanceof BigInt64Array) return 'int64';
  if (a instanceof BigUint64Array) return 'uint64';
  if (a instanceof Int8Array) return 'int8';
  if (a instanceof Int16Array) return 'int16';
  if (a instanceof Uint16Array) return 'uint16';
  throw new TypeError(`no ONNX element type for ${a.constructor.name}`);
}

/** A tensor over the typed array itself (no copy). */
export function tensorOver(ort: Ort, type: Tensor.Type, data: ArrayBufferView, dims: readonly number[]): Tensor {
  return new ort.Tensor(type, data as Tensor.DataType, dims);
}
