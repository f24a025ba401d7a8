// What every backend provides: whether it can run here, and how to turn one
// variant file into a kernel the verifier and the measuring loop can call.
import type { ArtifactKind } from '../core/types.ts';
import type { KernelRunner } from '../verify/verify.ts';

export interface Availability {
  ok: boolean;
  /** Why not, and how to fix it, when not ok. A short description when ok. */
  detail: string;
}

/** A variant loaded and ready to call. */
export interface PreparedKernel {
  run: KernelRunner;
  /** Releases what the kernel holds (devices, sessions). */
  dispose?: () => void | Promise<void>;
}

export interface Backend {
  kind: ArtifactKind;
  /** File extensions of this backend's variant files, with the dot. */
  extensions: string[];
  availability(): Availability | Promise<Availability>;
  /**
   * Loads a variant file. Throws with a user-facing message when the file is at fault.
   * Each distinct `instance` key gets its own copy where the backend keeps per-module
   * state (for JS, the optimizer's type feedback), so that one case's measurement is
   * not shaped by the inputs another case fed to the same code.
   */
  prepare(file: string, instance?: string): Promise<PreparedKernel>;
}
