// The WGSL backend: a variant is a `.wgsl` compute kernel in the binding layout
// of its problem, run on WebGPU (Dawn) in a separate GPU process. `run` uploads,
// dispatches and reads back (for verification); `bind` uploads once and times
// k dispatches per sample on the GPU (timestamp queries) or from submit to done.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ArtifactError } from '../../model/errors.ts';
import { type Availability, type Backend, type BoundKernel, type Details, type PrepareOptions, type PreparedKernel, type RotatingKernel } from '../backend.ts';
import { poison } from '../../verify/poison.ts';
import { axisPoints } from '../../problem/define.ts';
import { displayPath } from '../../model/files.ts';
import type { Params, ProblemSpec, Tensors } from '../../model/types.ts';
import { noteGpu } from '../../env/machine.ts';
import { gpuProcess, type GpuProcess } from './gpu-process.ts';
import { lavapipeDir } from './lavapipe-paths.mjs';
import type { AdapterInfo, BindingUse, CaseBuffers, CompileMessage, PlannedDispatch } from './protocol.ts';
import { readWgslKernel, type WgslKernel } from './wgsl-source.ts';

let availability: Promise<Availability> | null = null;

export const webgpuBackend: Backend = {
  kind: 'wgsl',
  extensions: ['.wgsl'],
  availability: () => (availability ??= findAdapter()),
  prepare,
};

/** The adapter the GPU process finds, or why there is none and how to get one. */
async function findAdapter(): Promise<Availability> {
  try {
    // resolve, not import: Dawn is loaded only in the GPU process
    import.meta.resolve('webgpu');
  } catch (e) {
    return { ok: false, detail: `the npm package "webgpu" (Dawn) cannot be loaded (${(e as Error).message.split('\n')[0]}); run \`npm install\`` };
  }
  const gpu = gpuProcess();
  try {
    const { info } = await gpu.request({ op: 'info' }, 'looking for a GPU adapter');
    noteGpu({ ...info });
    const what = [info.vendor, info.architecture, info.fallback ? 'fallback adapter' : ''].filter(Boolean).join(', ');
    return { ok: true, detail: `"${info.description}"${what ? ` (${what})` : ''} via ${info.backend}; timer ${info.timer}`, info: { ...info } };
  } catch (e) {
    return { ok: false, detail: `${(e as Error).message} (Vulkan driver: ${gpu.driver}). ${HOW_TO_FIX}` };
  }
}

const HOW_TO_FIX =
  'To run WGSL kernels without a GPU on Debian, run `npm run setup:webgpu`: it fetches Mesa 25 lavapipe from bookworm-backports into ' +
  `${displayPath(lavapipeDir())} (needs apt-get and access to Debian's archive); with a GPU, install its Vulkan driver and libvulkan1`;

/** Reads, checks and compiles a WGSL variant. Faults in the file are ArtifactErrors (the build stage). */
async function prepare(file: string, opts: PrepareOptions = {}): Promise<PreparedKernel> {
  const spec = opts.problem;
  if (!spec) throw new Error('the wgsl backend needs the problem a kernel solves (PrepareOptions.problem)');
  const avail = await webgpuBackend.availability();
  if (!avail.ok) throw new Error(`WebGPU is not available: ${avail.detail}`);
  const info = avail.info as unknown as AdapterInfo;
  const code = readFileSync(file, 'utf8');
  const kernel = readWgslKernel(file, code, spec);
  // check every grid of the problem's own points now, so a kernel too big for the device fails at build
  for (const params of axisPoints(spec.axes)) planAt(kernel, params, info);
  const gpu = gpuProcess();
  const compiled = new CompiledKernel(gpu, kernel, spec, info);
  const compile_ms = await compiled.ensure();
  return {
    run: (inputs, outputs, params) => compiled.run(inputs, outputs, params),
    bind: (inputs, outputs, params) => compiled.bind(inputs, outputs, params),
    bindSets: (sets, outputs, params) => compiled.bindSets(sets, outputs, params),
    details: { compile_ms: round(compile_ms), adapter: info.description },
    dispose: () => compiled.forget(),
  };
}

/** Live kernels per content key: the GPU process shares one pipeline between them, released with the last. */
const liveKernels = new Map<string, number>();

/** A kernel compiled in the GPU process; compiled again if that process was restarted. */
class CompiledKernel {
  private readonly key: string;
  private generation = -1;
  private readonly uses: BindingUse[];
  private readonly label: string;

  constructor(
    private readonly gpu: GpuProcess,
    private readonly kernel: WgslKernel,
    private readonly spec: ProblemSpec,
    private readonly info: AdapterInfo,
  ) {
    this.uses = kernel.layout.map((b) => b.access);
    this.label = `${spec.name}/${displayPath(kernel.file)}`;
    this.key = createHash('sha256').update(kernel.code).update(JSON.stringify(this.uses)).digest('hex').slice(0, 16);
    liveKernels.set(this.key, (liveKernels.get(this.key) ?? 0) + 1);
  }

  /** Compiles where needed; returns the compile time in ms (0 when it was compiled already). */
  async ensure(): Promise<number> {
    if (this.generation === this.gpu.generation) return 0;
    const entries = [...new Set(this.kernel.passes.map((p) => p.entry))];
    const r = await this.gpu.request({ op: 'compile', key: this.key, label: this.label, code: this.kernel.code, entries, layout: this.uses, constants: {} }, `compiling ${this.label}`);
    if (r.error === 'compile') throw compileError(this.kernel, r.messages);
    if (r.error) throw new ArtifactError(`${displayPath(this.kernel.file)}: the GPU rejected the kernel's pipeline: ${r.error}`, this.kernel.file);
    this.generation = this.gpu.generation;
    return r.compile_ms;
  }

  async run(inputs: Tensors, outputs: Tensors, params: Params): Promise<void> {
    const plan = planAt(this.kernel, params, this.info);
    await this.ensure();
    const r = await this.gpu.request({ op: 'run', key: this.key, buffers: this.buffers(inputs, outputs, params), plan }, `running ${this.label} at ${paramsText(params)}`);
    const names = Object.keys(outputs);
    r.outputs.forEach((t, i) => outputs[names[i]!]!.set(t as never));
  }

  async bind(inputs: Tensors, outputs: Tensors, params: Params): Promise<BoundKernel> {
    const plan = planAt(this.kernel, params, this.info);
    await this.ensure();
    const generation = this.gpu.generation;
    const what = `timing ${this.label} at ${paramsText(params)}`;
    const b = await this.gpu.request({ op: 'bind', key: this.key, buffers: this.buffers(inputs, outputs, params), plan }, what);
    let discarded = 0;
    return {
      mode: 'timed',
      timer: this.info.timer,
      time: async (iterations) => {
        const t = await this.gpu.request({ op: 'time', binding: b.binding, iterations }, what);
        discarded += t.discarded;
        return t.ns;
      },
      details: (): Details => ({ transfer_ns: b.upload_ns, timestamps_discarded: discarded, dispatches: plan.reduce((s, p) => s + p.repeat, 0) }),
      release: async () => {
        if (this.gpu.generation === generation) await this.gpu.request({ op: 'release', binding: b.binding }, 'releasing buffers').catch(() => {});
      },
    };
  }

  /** Uploads several input sets sharing one set of output buffers; timed dispatches rotate through them. */
  async bindSets(sets: Tensors[], outputs: Tensors, params: Params): Promise<RotatingKernel> {
    const plan = planAt(this.kernel, params, this.info);
    await this.ensure();
    const generation = this.gpu.generation;
    const what = `timing ${this.label} at ${paramsText(params)}`;
    const b = await this.gpu.request({ op: 'bind-sets', key: this.key, sets: sets.map((inputs) => this.buffers(inputs, outputs, params)), plan }, what);
    const names = Object.keys(outputs);
    const patterns = names.map((n) => poisonBits(outputs[n]!));
    return {
      run: async (calls, start) => (await this.gpu.request({ op: 'time', binding: b.binding, iterations: calls, start }, what)).ns,
      poison: async () => void (await this.gpu.request({ op: 'fill', binding: b.binding, patterns }, what)),
      rewritten: async () => {
        const inputs = this.spec.tensors.filter((t) => t.role === 'input');
        await this.gpu.request({ op: 'write-inputs', binding: b.binding, sets: sets.map((s) => inputs.map((t) => s[t.name]!)) }, what);
      },
      read: async () => {
        const r = await this.gpu.request({ op: 'read', binding: b.binding }, what);
        return Object.fromEntries(names.map((n, i) => [n, r.outputs[i]!]));
      },
      release: async () => {
        if (this.gpu.generation === generation) await this.gpu.request({ op: 'release', binding: b.binding }, 'releasing buffers').catch(() => {});
      },
    };
  }

  async forget(): Promise<void> {
    const live = (liveKernels.get(this.key) ?? 1) - 1;
    if (live > 0) return void liveKernels.set(this.key, live);
    liveKernels.delete(this.key);
    if (this.generation === this.gpu.generation) await this.gpu.request({ op: 'forget', key: this.key }, 'releasing a kernel').catch(() => {});
  }

  /** The case's tensors in binding order, its params as u32s, and its scratch sizes. */
  private buffers(inputs: Tensors, outputs: Tensors, params: Params): CaseBuffers {
    const tensors = this.spec.tensors.map((t) => (t.role === 'input' ? inputs[t.name] : outputs[t.name])!);
    const outputIdx = this.spec.tensors.flatMap((t, i) => (t.role === 'output' ? [i] : []));
    const axes = Object.keys(this.spec.axes);
    return {
      tensors,
      outputs: outputIdx,
      params: Uint32Array.from(axes.map((a) => params[a] ?? 0)),
      scratchBytes: this.kernel.scratch.map((s) => 4 * Math.ceil(s.count.evaluate(params))),
      step: this.kernel.step,
    };
  }
}

/** The dispatches at one point, with every grid checked: whole, non-negative, and within the device's limits. */
export function planAt(kernel: WgslKernel, params: Params, info: AdapterInfo): PlannedDispatch[] {
  const shown = displayPath(kernel.file);
  const maxGroups = info.limits.maxComputeWorkgroupsPerDimension ?? 65535;
  const maxBinding = info.limits.maxStorageBufferBindingSize ?? Infinity;
  const at = paramsText(params);
  for (const s of kernel.scratch) {
    const bytes = 4 * s.count.evaluate(params);
    if (!(bytes >= 0) || !Number.isFinite(bytes)) throw new ArtifactError(`${shown}:${s.line}: scratch "${s.name}" has ${s.count.evaluate(params)} elements at ${at}`, kernel.file, s.line);
    if (bytes > maxBinding) throw new ArtifactError(`${shown}:${s.line}: scratch "${s.name}" needs ${bytes} bytes at ${at}, over the device's maxStorageBufferBindingSize of ${maxBinding}`, kernel.file, s.line);
  }
  return kernel.passes.map((p) => {
    const grid = p.grid.map((g) => g.evaluate(params)) as [number, number, number];
    grid.forEach((v, d) => {
      const axis = 'XYZ'[d];
      const header = p.entry === 'main' ? '@dispatch' : `@pass ${p.entry}`;
      if (!Number.isInteger(v) || v < 0) {
        throw new ArtifactError(`${shown}:${p.line}: the ${header} grid's ${axis} is ${v} at ${at}, not a whole number of workgroups; round it with ceil()`, kernel.file, p.line);
      }
      if (v > maxGroups) {
        throw new ArtifactError(
          `${shown}:${p.line}: the ${header} grid's ${axis} is ${v} workgroups at ${at}, over the device's maxComputeWorkgroupsPerDimension of ${maxGroups}; give each workgroup more work or spread the grid over another dimension`,
          kernel.file,
          p.line,
        );
      }
    });
    const repeat = p.repeat ? p.repeat.evaluate(params) : 1;
    if (!Number.isInteger(repeat) || repeat < 0) throw new ArtifactError(`${shown}:${p.line}: "repeat" is ${repeat} at ${at}; it must be a whole number`, kernel.file, p.line);
    return { entry: p.entry, grid, repeat };
  });
}

/** The first compiler error, with its line:column and the offending source line under it. */
function compileError(kernel: WgslKernel, messages: CompileMessage[]): ArtifactError {
  const errors = messages.filter((m) => m.type === 'error');
  const first = errors[0]!;
  const src = kernel.code.split('\n')[first.line - 1] ?? '';
  const gutter = String(first.line).length;
  const more = errors.length > 1 ? `\n(and ${errors.length - 1} more error${errors.length > 2 ? 's' : ''})` : '';
  const msg =
    `${displayPath(kernel.file)}:${first.line}:${first.column}: WGSL error: ${first.message.trim()}\n` +
    `  ${first.line} | ${src}\n` +
    `  ${' '.repeat(gutter)} | ${' '.repeat(Math.max(0, first.column - 1))}^${more}`;
  return new ArtifactError(msg, kernel.file, first.line);
}

/** The 32-bit poison pattern of an output tensor, as the verifier writes it on the host. */
function poisonBits(t: Tensors[string]): number {
  const one = new (t.constructor as new (n: number) => typeof t)(1);
  poison({ one });
  return new Uint32Array(one.buffer)[0]!;
}

function paramsText(params: Params): string {
  return Object.entries(params)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
