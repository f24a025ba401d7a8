// What every backend provides: whether it can run here, and how to turn one
// variant file into a kernel the verifier and the measuring loop can call.
import type { ArtifactKind, Params, ProblemSpec, Settings, Tensors } from '../model/types.ts';
import type { KernelRunner } from '../verify/verify.ts';

export interface Availability {
  ok: boolean;
  /** Why not, and how to fix it, when not ok. A short description when ok. */
  detail: string;
  /** Facts about what runs the artifacts (a GPU adapter's vendor and limits), for `assay list` and the run's environment. */
  info?: Record<string, unknown>;
}

/** Figures a backend reports beside the timing, such as `compile_ms` or `transfer_ns`. */
export type Details = Record<string, string | number | boolean>;

/**
 * A kernel bound to one case's tensors, ready for the measuring loop. Either the
 * loop times `fn` with its own clock (`call`), or the backend times the work on
 * the device itself and reports it (`timed`, as GPU timestamps do).
 */
export type BoundKernel =
  | { mode: 'call'; fn: () => unknown; async: boolean; details?: () => Details; release?: () => void | Promise<void> }
  | {
      mode: 'timed';
      /** What times the work, recorded as the case's timer (`gpu-timestamp`, say). */
      timer: string;
      /** Runs the kernel `iterations` times back to back and returns their total time in ns. */
      time: (iterations: number) => Promise<number>;
      details?: () => Details;
      release?: () => void | Promise<void>;
    };

/**
 * A kernel bound to several input sets that share one set of outputs, for
 * scoring: timed calls rotate through the sets, so a kernel cannot skip work
 * because its output already holds the answer, and the outputs are poisoned
 * and read back where they live (host memory, a device buffer).
 */
export interface RotatingKernel {
  /** Runs `calls` calls back to back, call i on set (start + i) mod the count of sets; resolves with the backend's own time of them in ns. */
  run(calls: number, start: number): Promise<number>;
  /** Fills the outputs with the poison pattern (verify/poison.ts) where they live. */
  poison(): Promise<void>;
  /**
   * The input sets given at binding were written over with new values: make
   * them where the kernel reads them (device buffers), in the same buffers.
   * Absent where the kernel reads the given arrays themselves.
   */
  rewritten?(): Promise<void>;
  /** The outputs as the last call left them. */
  read(): Promise<Tensors>;
  release(): Promise<void>;
}

/** A variant loaded and ready to call. */
export interface PreparedKernel {
  /** Runs once: reads `inputs`, writes `outputs`. Used for verification, and for timing when there is no `bind`. */
  run: KernelRunner;
  /**
   * Binds the kernel to one case's tensors once, so that a timed call measures
   * the work and not the setup (copies into device buffers or runtime tensors).
   * Without it, the loop times `run(inputs, outputs, params)`.
   */
  bind?: (inputs: Tensors, outputs: Tensors, params: Params) => Promise<BoundKernel>;
  /**
   * Binds the kernel to several input sets sharing `outputs` (see RotatingKernel).
   * Without it, a scorer rotates through the sets calling `run`.
   */
  bindSets?: (sets: Tensors[], outputs: Tensors, params: Params) => Promise<RotatingKernel>;
  /** Figures from preparing it (build time, flags, session creation time). */
  details?: Details;
  /** Releases what the kernel holds (devices, sessions). */
  dispose?: () => void | Promise<void>;
}

/** How one variant is prepared. */
export interface PrepareOptions {
  /**
   * Each distinct key gets its own copy where the backend keeps per-module state
   * (for JS, the optimizer's type feedback), so that one case's measurement is
   * not shaped by the inputs another case fed to the same code.
   */
  instance?: string;
  /** The variant's own settings for this case (thread count, execution provider). */
  settings?: Settings;
  /**
   * The problem the variant solves: its signature fixes the argument order of a
   * native kernel and the prototype it is compiled against.
   */
  problem?: ProblemSpec;
}

export interface Backend {
  kind: ArtifactKind;
  /** File extensions of this backend's variant files, with the dot. */
  extensions: string[];
  availability(): Availability | Promise<Availability>;
  /**
   * A variant's own setting axes (e.g. `{ threads: [1, 2] }`): each combination is
   * a separate case. Read from the file or the backend's capabilities; none by default.
   */
  settings?(file: string): Record<string, Array<string | number>> | Promise<Record<string, Array<string | number>>>;
  /** Loads a variant file. Throws an ArtifactError when the file is at fault. */
  prepare(file: string, opts?: PrepareOptions): Promise<PreparedKernel>;
}
