// The messages between the WebGPU backend and its GPU process (host.ts). The GPU
// work runs in a child process so that a kernel that never finishes can be
// stopped by killing it: lavapipe's device.destroy() blocks while a dispatch spins.
import type { TensorArray } from '../../model/types.ts';

/** How a binding is used: read-only storage (inputs), read-write storage (outputs, scratch), or uniform (params, step). */
export type BindingUse = 'read' | 'read_write' | 'uniform';

/** One dispatch of a kernel's plan: an entry point, its grid, and how many times it repeats (each with its own `step`). */
export interface PlannedDispatch {
  entry: string;
  grid: [number, number, number];
  repeat: number;
}

/** What the host compiles: one shader module and a pipeline per entry point, all on one explicit layout. */
export interface CompileRequest {
  op: 'compile';
  /** Content key: the same source and layout always compile to the same pipelines. */
  key: string;
  label: string;
  code: string;
  entries: string[];
  layout: BindingUse[];
  /** Values for the shader's `override` constants, from the variant's settings. */
  constants: Record<string, number>;
}

/** Buffers of one case: the tensors in binding order, the uniform params, and scratch sizes in bytes. */
export interface CaseBuffers {
  tensors: TensorArray[];
  /** Which of `tensors` are outputs (read back after a run). */
  outputs: number[];
  params: Uint32Array;
  scratchBytes: number[];
  /** Whether the layout ends with the `step` uniform. */
  step: boolean;
}

export type HostRequest =
  | { op: 'info' }
  | CompileRequest
  | { op: 'run'; key: string; buffers: CaseBuffers; plan: PlannedDispatch[] }
  | { op: 'bind'; key: string; buffers: CaseBuffers; plan: PlannedDispatch[] }
  /** Several input sets sharing the first set's outputs; `time` rotates through them. */
  | { op: 'bind-sets'; key: string; sets: CaseBuffers[]; plan: PlannedDispatch[] }
  | { op: 'time'; binding: number; iterations: number; start?: number }
  /** Fills each output of a bound case with a 32-bit pattern (one per output, in order). */
  | { op: 'fill'; binding: number; patterns: number[] }
  /** Writes new values into the input buffers of a bound case's sets, in place: one entry per set, its input tensors in binding order. */
  | { op: 'write-inputs'; binding: number; sets: TensorArray[][] }
  /** Reads a bound case's outputs back. */
  | { op: 'read'; binding: number }
  | { op: 'release'; binding: number }
  | { op: 'forget'; key: string };

/** The adapter and device, as `assay list` and the run's environment show them. */
export interface AdapterInfo {
  backend: 'vulkan' | 'opengles';
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  fallback: boolean;
  features: string[];
  limits: Record<string, number>;
  subgroup_sizes?: [number, number];
  /** Which timer `bind` uses: GPU timestamps where the device has them. */
  timer: 'gpu-timestamp' | 'gpu-submit-wall';
  /** Where the Vulkan driver came from (the local lavapipe, the system's). */
  driver: string;
}

/** A WGSL compiler message, 1-based line and column in the source. */
export interface CompileMessage {
  type: 'error' | 'warning' | 'info';
  line: number;
  column: number;
  message: string;
}

export type HostReply =
  | { op: 'info'; info: AdapterInfo }
  | { op: 'compile'; messages: CompileMessage[]; error?: string; compile_ms: number }
  | { op: 'run'; outputs: TensorArray[]; upload_ns: number; kernel_ns: number; readback_ns: number }
  | { op: 'bind'; binding: number; upload_ns: number }
  | { op: 'bind-sets'; binding: number; upload_ns: number }
  | { op: 'time'; ns: number; discarded: number }
  | { op: 'fill' }
  | { op: 'write-inputs' }
  | { op: 'read'; outputs: TensorArray[] }
  | { op: 'release' }
  | { op: 'forget' };

/** A message on the wire: a request or reply with its id, or a failure. */
export type Envelope<T> = { id: number; body: T } | { id: number; error: string };
