// The onnx backend: a variant is a `.onnx` model whose inputs and outputs have
// the problem's tensor names and element types; its symbolic dimensions are
// named after the problem's axes. Execution provider and intra-op thread count
// are the variant's setting axes. ONNX Runtime is imported lazily (ort.ts).
import { readFileSync } from 'node:fs';
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import type { Params, Settings, Tensors } from '../../model/types.ts';
import { ArtifactError } from '../../model/errors.ts';
import { type Backend, type BoundKernel, type PrepareOptions, type PreparedKernel, type RotatingKernel } from '../backend.ts';
import { poison } from '../../verify/poison.ts';
import { availableEps, epAvailability, loadOrt, type Ort } from './ort.ts';
import { EP_METADATA_KEY, readMetadataProps } from './model-metadata.ts';
import { openSession, ortMessage, ortTypeOf, tensorOver } from './session.ts';

/** Intra-op thread counts each variant is measured at. */
const THREADS = [1, 2];

export const onnxBackend: Backend = {
  kind: 'onnx',
  extensions: ['.onnx'],
  async availability() {
    const ort = await loadOrt();
    const eps = await availableEps();
    const webgpu = await epAvailability('webgpu');
    // why webgpu is missing, in short: the probe's first reason
    const why = webgpu.ok ? '' : ` (webgpu: ${webgpu.detail.replace(/^the webgpu execution provider does not work here: /, '').split(';')[0]})`;
    return { ok: true, detail: `ONNX Runtime ${ort.env.versions.node} (onnxruntime-node); execution providers here: ${eps.join(', ')}${why}`, info: { ort: ort.env.versions.node ?? null, eps } };
  },
  async settings(file: string) {
    // read when problems are listed, for every run: it must not fail, nor load ORT,
    // where onnxruntime-node is missing (availability() then says why, and the cases are skipped)
    let eps: string[];
    try {
      eps = await availableEps();
    } catch {
      eps = ['cpu'];
    }
    return { ep: epsFor(file, eps), threads: THREADS };
  },
  async prepare(file: string, opts: PrepareOptions = {}): Promise<PreparedKernel> {
    const { ep, threads } = readSettings(opts.settings ?? {});
    const { ort, session, sessionMs } = await openSession(file, { ep, threads });
    const model = new ModelKernel(ort, session, file);
    return {
      run: (inputs, outputs, params) => model.run(inputs, outputs, params),
      bind: (inputs, outputs, params) => model.bind(inputs, outputs, params),
      bindSets: (sets, outputs, params) => model.bindSets(sets, outputs, params),
      details: { session_ms: round(sessionMs) },
      dispose: () => session.release(),
    };
  },
};

/** The available providers, limited to those the model's `assay.ep` metadata lists, if it has that key. */
function epsFor(file: string, available: string[]): string[] {
  let meta: Record<string, string>;
  try {
    meta = readMetadataProps(readFileSync(file));
  } catch {
    return available; // an unreadable file fails when it is prepared, with a message naming it
  }
  const only = meta[EP_METADATA_KEY]?.split(',').map((s) => s.trim());
  if (!only) return available;
  const eps = available.filter((e) => only.includes(e));
  // none of its providers is here: its cases are planned anyway, and fail to build saying why
  return eps.length ? eps : only;
}

function readSettings(s: Settings): { ep: string; threads: number } {
  const ep = typeof s.ep === 'string' ? s.ep : 'cpu';
  const threads = typeof s.threads === 'number' ? s.threads : 1;
  return { ep, threads };
}

/** One session, run over a problem's named typed arrays. */
class ModelKernel {
  constructor(
    private readonly ort: Ort,
    private readonly session: InferenceSession,
    private readonly file: string,
  ) {}

  async run(inputs: Tensors, outputs: Tensors, params: Params): Promise<void> {
    const { feeds, fetches } = this.tensors(inputs, outputs, params);
    const result = await this.call(feeds, fetches);
    copyBack(result, outputs);
  }

  async bind(inputs: Tensors, outputs: Tensors, params: Params): Promise<BoundKernel> {
    // Tensors are made once, over the case's own arrays; outputs are preallocated
    // fetches, so ORT writes into them and a timed call is the inference alone.
    const { feeds, fetches } = this.tensors(inputs, outputs, params);
    const first = await this.call(feeds, fetches);
    // ORT writes preallocated CPU outputs in place; if some EP did not, copy once here and say so
    const inPlace = Object.entries(outputs).every(([name, arr]) => (first[name]?.data as ArrayBufferView | undefined)?.buffer === arr.buffer || sameBytes(first[name]?.data, arr));
    copyBack(first, outputs);
    return {
      mode: 'call',
      async: true,
      fn: () => this.session.run(feeds, fetches),
      details: () => ({ outputs_in_place: inPlace }),
    };
  }

  /** Feeds for each input set, one set of preallocated fetches over the shared outputs; calls rotate through the feeds. */
  async bindSets(sets: Tensors[], outputs: Tensors, params: Params): Promise<RotatingKernel> {
    const bound = sets.map((inputs) => this.tensors(inputs, outputs, params));
    const fetches = bound[0]!.fetches;
    let last: InferenceSession.ReturnType | null = null;
    return {
      run: async (calls, start) => {
        const t0 = process.hrtime.bigint();
        for (let i = 0; i < calls; i++) last = await this.call(bound[(start + i) % bound.length]!.feeds, fetches);
        return Number(process.hrtime.bigint() - t0);
      },
      poison: async () => poison(outputs),
      read: async () => {
        // where a provider did not write the preallocated outputs in place, its results are copied in
        if (last) copyBack(last, outputs);
        return outputs;
      },
      release: async () => {},
    };
  }

  private async call(feeds: InferenceSession.FeedsType, fetches: InferenceSession.NullableOnnxValueMapType): Promise<InferenceSession.ReturnType> {
    try {
      return await this.session.run(feeds, fetches);
    } catch (e) {
      throw new ArtifactError(`${this.file}: ONNX Runtime failed running the model: ${ortMessage(e)}`, this.file);
    }
  }

  /** Input and output tensors over the problem's arrays, with symbolic dimensions taken from the axes. */
  private tensors(inputs: Tensors, outputs: Tensors, params: Params): { feeds: Record<string, Tensor>; fetches: Record<string, Tensor> } {
    const feeds: Record<string, Tensor> = {};
    const fetches: Record<string, Tensor> = {};
    const meta = (list: readonly InferenceSession.ValueMetadata[], role: string, tensors: Tensors, into: Record<string, Tensor>): void => {
      const names = list.map((m) => m.name);
      const missing = Object.keys(tensors).filter((n) => !names.includes(n));
      if (missing.length) throw new ArtifactError(`${this.file}: the model has no ${role} named ${missing.map((m) => `"${m}"`).join(', ')}; its ${role}s are ${names.map((m) => `"${m}"`).join(', ') || 'none'}. Name the graph's ${role}s after the problem's tensors (\`assay problem show\`).`, this.file);
      for (const m of list) {
        const arr = tensors[m.name];
        if (!arr) {
          if (role === 'input') throw new ArtifactError(`${this.file}: the model's input "${m.name}" is not a tensor of the problem (${Object.keys(tensors).join(', ')})`, this.file);
          continue; // an extra output the problem does not check (TopK's indices) is left to ORT
        }
        if (!m.isTensor) throw new ArtifactError(`${this.file}: ${role} "${m.name}" is not a tensor`, this.file);
        const type = ortTypeOf(arr);
        if (m.type !== type) throw new ArtifactError(`${this.file}: ${role} "${m.name}" is ${m.type} in the model, but the problem's tensor is ${type}`, this.file);
        into[m.name] = tensorOver(this.ort, type, arr, this.dims(m.name, m.shape, arr.length, params));
      }
    };
    meta(this.session.inputMetadata, 'input', inputs, feeds);
    meta(this.session.outputMetadata, 'output', outputs, fetches);
    return { feeds, fetches };
  }

  /** A tensor's dimensions: numbers as they are, names from the axes; the element count must agree. */
  private dims(name: string, shape: ReadonlyArray<number | string>, length: number, params: Params): number[] {
    const dims = shape.map((d) => {
      if (typeof d === 'number' && d >= 0) return d;
      const v = typeof d === 'string' ? params[d] : undefined;
      if (v === undefined) throw new ArtifactError(`${this.file}: tensor "${name}" has dimension ${JSON.stringify(d)}, which is not an axis of the problem (${Object.keys(params).join(', ')}); name symbolic dimensions after the axes`, this.file);
      return v;
    });
    const count = dims.reduce((a, b) => a * b, 1);
    if (count !== length) throw new ArtifactError(`${this.file}: tensor "${name}" has shape [${dims.join(', ')}] (${count} elements) here, but the problem's tensor has ${length}`, this.file);
    return dims;
  }
}

/** Copies outputs ORT returned in its own buffers into the problem's arrays (a no-op when it wrote in place). */
function copyBack(result: InferenceSession.ReturnType, outputs: Tensors): void {
  for (const [name, arr] of Object.entries(outputs)) {
    const data = result[name]?.data as ArrayBufferView | undefined;
    if (!data || (data.buffer === arr.buffer && data.byteOffset === arr.byteOffset)) continue;
    (arr as Float32Array).set(data as Float32Array);
  }
}

function sameBytes(data: unknown, arr: ArrayBufferView): boolean {
  if (!ArrayBuffer.isView(data) || data.byteLength !== arr.byteLength) return false;
  const a = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const b = new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
