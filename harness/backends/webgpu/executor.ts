/// <reference types="@webgpu/types" />
// Inside the GPU process: compiling kernels into pipelines (cached by content
// key, every one labelled), uploading a case's tensors into pooled buffers,
// dispatching a kernel's plan, reading outputs back, and timing k back-to-back
// iterations with timestamp queries (or submit-to-done wall time without them).
import { scoped, type OpenDevice } from './device.ts';
import type { BindingUse, CaseBuffers, CompileMessage, CompileRequest, PlannedDispatch } from './protocol.ts';

interface Compiled {
  layout: GPUBindGroupLayout;
  uses: BindingUse[];
  pipelines: Map<string, GPUComputePipeline>;
}

interface CaseState {
  compiled: Compiled;
  plan: PlannedDispatch[];
  /** One buffer per binding; `step` bindings share one buffer at different offsets. */
  buffers: GPUBuffer[];
  /** The buffers this state acquired, released with it (the others belong to the state it shares them with). */
  owned: GPUBuffer[];
  /** The typed-array constructor of each binding's tensor, for read-back. */
  types: Array<new (b: ArrayBuffer) => CaseBuffers['tensors'][number]>;
  /** Bind groups by step value; one when no pass repeats. */
  groups: GPUBindGroup[];
  outputs: number[];
  tensorBytes: number[];
  upload_ns: number;
}

interface Timing {
  querySet: GPUQuerySet;
  resolve: GPUBuffer;
  read: GPUBuffer;
}

/** Attempts before a run of non-positive timestamp deltas is reported as an error. */
const MAX_DISCARDS = 5;

/** Buffers reused by size and usage, so that cases and iterations do not churn allocations. */
class BufferPool {
  private free = new Map<string, GPUBuffer[]>();
  constructor(private readonly device: GPUDevice) {}
  acquire(size: number, usage: number, label: string): GPUBuffer {
    const bytes = Math.max(16, Math.ceil(size / 256) * 256);
    const list = this.free.get(`${usage}:${bytes}`);
    const b = list?.pop();
    return b ?? this.device.createBuffer({ label, size: bytes, usage });
  }
  release(b: GPUBuffer): void {
    const key = `${b.usage}:${b.size}`;
    const list = this.free.get(key) ?? [];
    list.push(b);
    this.free.set(key, list);
  }
}

/** Per-device state: the pipeline cache, the buffer pool, and bound cases. */
export class Executor {
  private compiled = new Map<string, Compiled>();
  private pool: BufferPool;
  /** Bound cases: one state per input set; sets after the first share the first's outputs, params and scratch. */
  private bound = new Map<number, { states: CaseState[]; timing: Timing | null }>();
  private nextBinding = 1;

  constructor(private readonly open: OpenDevice) {
    this.pool = new BufferPool(open.device);
  }

  get device(): GPUDevice {
    return this.open.device;
  }

  /** Compiles the module and one pipeline per entry point; compiler messages come back with line and column. */
  async compile(req: CompileRequest): Promise<{ messages: CompileMessage[]; error?: string; compile_ms: number }> {
    const t0 = performance.now();
    if (this.compiled.has(req.key)) return { messages: [], compile_ms: 0 };
    const device = this.device;
    const module = device.createShaderModule({ label: req.label, code: req.code });
    const info = await module.getCompilationInfo();
    const messages: CompileMessage[] = info.messages.map((m) => ({ type: m.type, line: m.lineNum, column: m.linePos, message: m.message }));
    if (messages.some((m) => m.type === 'error')) return { messages, error: 'compile', compile_ms: performance.now() - t0 };
    const layout = device.createBindGroupLayout({
      label: `${req.label} layout`,
      entries: req.layout.map((use, binding) => ({
        binding,
        visibility: GPUShaderStage.COMPUTE,
        buffer: { type: use === 'read' ? 'read-only-storage' : use === 'uniform' ? 'uniform' : 'storage' },
      })),
    });
    const pipelineLayout = device.createPipelineLayout({ label: `${req.label} pipeline layout`, bindGroupLayouts: [layout] });
    const pipelines = new Map<string, GPUComputePipeline>();
    try {
      await scoped(this.open, async () => {
        for (const entry of req.entries) {
          const p = await device.createComputePipelineAsync({
            label: `${req.label}:${entry}`,
            layout: pipelineLayout,
            compute: { module, entryPoint: entry, constants: req.constants },
          });
          pipelines.set(entry, p);
        }
      });
    } catch (e) {
      return { messages, error: e instanceof Error ? e.message : String(e), compile_ms: performance.now() - t0 };
    }
    this.compiled.set(req.key, { layout, uses: req.layout, pipelines });
    return { messages, compile_ms: performance.now() - t0 };
  }

  forget(key: string): void {
    this.compiled.delete(key);
  }

  /** Uploads, dispatches once, reads the outputs back. */
  async run(key: string, bufs: CaseBuffers, plan: PlannedDispatch[]) {
    return scoped(this.open, async () => {
      const state = await this.setup(key, bufs, plan);
      try {
        const t0 = process.hrtime.bigint();
        const enc = this.device.createCommandEncoder({ label: 'assay run' });
        this.encode(enc, [state], 1, undefined, 0);
        this.device.queue.submit([enc.finish()]);
        await this.device.queue.onSubmittedWorkDone();
        const t1 = process.hrtime.bigint();
        const outputs = await this.readBack(state);
        const t2 = process.hrtime.bigint();
        return { outputs, upload_ns: state.upload_ns, kernel_ns: Number(t1 - t0), readback_ns: Number(t2 - t1) };
      } finally {
        this.teardown(state);
      }
    });
  }

  /** Uploads once and keeps the case's buffers for `time`. */
  async bind(key: string, bufs: CaseBuffers, plan: PlannedDispatch[]): Promise<{ binding: number; upload_ns: number }> {
    return this.bindSets(key, [bufs], plan);
  }

  /**
   * Uploads several input sets that share one set of outputs (and params and
   * scratch): `time` rotates through them, so that a kernel cannot skip work
   * because its output already holds the answer for the inputs it is given.
   */
  async bindSets(key: string, sets: CaseBuffers[], plan: PlannedDispatch[]): Promise<{ binding: number; upload_ns: number }> {
    return scoped(this.open, async () => {
      const first = await this.setup(key, sets[0]!, plan);
      const states = [first];
      for (const bufs of sets.slice(1)) states.push(await this.setup(key, bufs, plan, first));
      let timing: Timing | null = null;
      if (this.device.features.has('timestamp-query')) {
        timing = {
          querySet: this.device.createQuerySet({ label: 'assay timestamps', type: 'timestamp', count: 2 }),
          resolve: this.device.createBuffer({ label: 'assay timestamp resolve', size: 16, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC }),
          read: this.device.createBuffer({ label: 'assay timestamp read', size: 16, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST }),
        };
      }
      const binding = this.nextBinding++;
      this.bound.set(binding, { states, timing });
      return { binding, upload_ns: states.reduce((t, x) => t + x.upload_ns, 0) };
    });
  }

  /** Fills each output buffer of a bound case with a 32-bit pattern (the poison), on the device. */
  async fill(binding: number, patterns: number[]): Promise<void> {
    const b = this.boundCase(binding);
    const state = b.states[0]!;
    return scoped(this.open, async () => {
      state.outputs.forEach((i, k) => {
        const bytes = Math.ceil(state.tensorBytes[i]! / 4) * 4;
        this.device.queue.writeBuffer(state.buffers[i]!, 0, new Uint32Array(bytes / 4).fill(patterns[k] ?? 0));
      });
      await this.device.queue.onSubmittedWorkDone();
    });
  }

  /** New values into the input buffers of each bound set (the buffers stay the same); `sets[k]` holds set k's inputs in binding order. */
  async writeInputs(binding: number, sets: CaseBuffers['tensors'][]): Promise<void> {
    const b = this.boundCase(binding);
    if (sets.length !== b.states.length) throw new Error(`${sets.length} input sets given for a case bound with ${b.states.length}`);
    return scoped(this.open, async () => {
      for (const [k, st] of b.states.entries()) {
        // the case's tensors come first among the buffers, in binding order; those not outputs are the inputs
        const inputs = st.types.flatMap((_, i) => (st.outputs.includes(i) ? [] : [i]));
        const given = sets[k]!;
        if (given.length !== inputs.length) throw new Error(`set ${k}: ${given.length} inputs given, ${inputs.length} bound`);
        inputs.forEach((b, i) => this.device.queue.writeBuffer(st.buffers[b]!, 0, given[i]!.buffer, given[i]!.byteOffset, given[i]!.byteLength));
      }
      await this.device.queue.onSubmittedWorkDone();
    });
  }

  /** The outputs of a bound case as the last dispatch left them. */
  async read(binding: number) {
    const b = this.boundCase(binding);
    return scoped(this.open, () => this.readBack(b.states[0]!));
  }

  private boundCase(binding: number): { states: CaseState[]; timing: Timing | null } {
    const b = this.bound.get(binding);
    if (!b) throw new Error(`no bound case ${binding} (its GPU process was restarted?)`);
    return b;
  }

  /**
   * Runs the plan `iterations` times in one compute pass and returns the time
   * they took: the GPU timestamps around the pass, or submit-to-done wall time.
   * Non-positive timestamp deltas are discarded and the sample taken again.
   * With several input sets bound, iteration i runs on set (start + i) mod their count.
   */
  async time(binding: number, iterations: number, start = 0): Promise<{ ns: number; discarded: number }> {
    const b = this.boundCase(binding);
    return scoped(this.open, async () => {
      let discarded = 0;
      for (;;) {
        const enc = this.device.createCommandEncoder({ label: 'assay timed' });
        this.encode(enc, b.states, iterations, b.timing ?? undefined, start);
        if (b.timing) {
          enc.resolveQuerySet(b.timing.querySet, 0, 2, b.timing.resolve, 0);
          enc.copyBufferToBuffer(b.timing.resolve, 0, b.timing.read, 0, 16);
        }
        const t0 = process.hrtime.bigint();
        this.device.queue.submit([enc.finish()]);
        await this.device.queue.onSubmittedWorkDone();
        const wall = Number(process.hrtime.bigint() - t0);
        if (!b.timing) return { ns: wall, discarded };
        await b.timing.read.mapAsync(GPUMapMode.READ);
        const ts = new BigInt64Array(b.timing.read.getMappedRange().slice(0));
        b.timing.read.unmap();
        const delta = Number(ts[1]! - ts[0]!);
        if (delta > 0) return { ns: delta, discarded };
        if (++discarded >= MAX_DISCARDS) throw new Error(`the GPU timestamps went backwards or stood still ${discarded} times in a row; the device's timer cannot time this kernel`);
      }
    });
  }

  release(binding: number): void {
    const b = this.bound.get(binding);
    if (!b) return;
    this.bound.delete(binding);
    for (const st of b.states) this.teardown(st);
    b.timing?.querySet.destroy();
    b.timing?.resolve.destroy();
    b.timing?.read.destroy();
  }

  private async setup(key: string, bufs: CaseBuffers, plan: PlannedDispatch[], shared?: CaseState): Promise<CaseState> {
    const compiled = this.compiled.get(key);
    if (!compiled) throw new Error(`kernel ${key} is not compiled in this GPU process`);
    const device = this.device;
    const t0 = process.hrtime.bigint();
    const buffers: GPUBuffer[] = [];
    const owned: GPUBuffer[] = [];
    const tensorBytes: number[] = [];
    const acquire = (size: number, usage: number, label: string): GPUBuffer => {
      const b = this.pool.acquire(size, usage, label);
      owned.push(b);
      return b;
    };
    for (const [i, t] of bufs.tensors.entries()) {
      // a set that shares another's outputs binds that set's output buffers, uploading nothing into them
      const b = shared && bufs.outputs.includes(i) ? shared.buffers[i]! : acquire(t.byteLength, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC, `tensor ${i}`);
      if (!(shared && bufs.outputs.includes(i))) device.queue.writeBuffer(b, 0, t.buffer, t.byteOffset, t.byteLength);
      buffers.push(b);
      tensorBytes.push(t.byteLength);
    }
    const n = bufs.tensors.length;
    const params = shared ? shared.buffers[n]! : acquire(bufs.params.byteLength, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST, 'params');
    if (!shared) device.queue.writeBuffer(params, 0, bufs.params.buffer, bufs.params.byteOffset, bufs.params.byteLength);
    buffers.push(params);
    tensorBytes.push(Math.max(16, Math.ceil(bufs.params.byteLength / 16) * 16));
    for (const [i, bytes] of bufs.scratchBytes.entries()) {
      buffers.push(shared ? shared.buffers[n + 1 + i]! : acquire(bytes, GPUBufferUsage.STORAGE, `scratch ${i}`));
      tensorBytes.push(Math.max(4, bytes));
    }
    const steps = Math.max(1, ...plan.map((p) => p.repeat));
    let stepBuf: GPUBuffer | null = null;
    const align = device.limits.minUniformBufferOffsetAlignment;
    if (bufs.step) {
      const values = new Uint32Array((steps * align) / 4);
      for (let s = 0; s < steps; s++) values[(s * align) / 4] = s;
      stepBuf = acquire(values.byteLength, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST, 'step');
      device.queue.writeBuffer(stepBuf, 0, values);
    }
    await device.queue.onSubmittedWorkDone();
    const upload_ns = Number(process.hrtime.bigint() - t0);
    const groups: GPUBindGroup[] = [];
    for (let s = 0; s < (bufs.step ? steps : 1); s++) {
      const entries: GPUBindGroupEntry[] = buffers.map((buffer, binding) => ({ binding, resource: { buffer, offset: 0, size: tensorBytes[binding]! } }));
      if (stepBuf) entries.push({ binding: buffers.length, resource: { buffer: stepBuf, offset: s * align, size: 4 } });
      groups.push(device.createBindGroup({ label: `case bindings step ${s}`, layout: compiled.layout, entries }));
    }
    if (stepBuf) buffers.push(stepBuf);
    const types = bufs.tensors.map((t) => t.constructor as new (b: ArrayBuffer) => typeof t);
    return { compiled, plan, buffers, owned, types, groups, outputs: bufs.outputs, tensorBytes, upload_ns };
  }

  private encode(enc: GPUCommandEncoder, states: CaseState[], iterations: number, timing: Timing | undefined, start: number): void {
    const pass = enc.beginComputePass({
      label: 'assay kernel',
      ...(timing ? { timestampWrites: { querySet: timing.querySet, beginningOfPassWriteIndex: 0, endOfPassWriteIndex: 1 } } : {}),
    });
    for (let it = 0; it < iterations; it++) {
      const state = states[(start + it) % states.length]!;
      for (const d of state.plan) {
        pass.setPipeline(state.compiled.pipelines.get(d.entry)!);
        for (let r = 0; r < d.repeat; r++) {
          pass.setBindGroup(0, state.groups[r]!);
          pass.dispatchWorkgroups(d.grid[0], d.grid[1], d.grid[2]);
        }
      }
    }
    pass.end();
  }

  private async readBack(state: CaseState) {
    const enc = this.device.createCommandEncoder({ label: 'assay readback' });
    const reads = state.outputs.map((i) => {
      const bytes = state.tensorBytes[i]!;
      const r = this.pool.acquire(bytes, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST, `readback ${i}`);
      enc.copyBufferToBuffer(state.buffers[i]!, 0, r, 0, Math.ceil(bytes / 4) * 4);
      return { i, r, bytes };
    });
    this.device.queue.submit([enc.finish()]);
    const out = [];
    for (const { i, r, bytes } of reads) {
      await r.mapAsync(GPUMapMode.READ, 0, r.size);
      const copy = r.getMappedRange(0, r.size).slice(0, bytes);
      r.unmap();
      this.pool.release(r);
      out.push(new state.types[i]!(copy));
    }
    return out;
  }

  private teardown(state: CaseState): void {
    for (const b of state.owned) this.pool.release(b);
  }
}
