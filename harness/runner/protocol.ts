// The runner protocol: typed messages between a parent and a runner process that
// executes cases on request. Every request carries an `id`, and every reply
// carries the id of the request it answers. Messages are plain JSON, so the same
// protocol can travel over Node's IPC channel (as today) or any line stream.
import type { ArtifactKind, CaseRef, CaseResult, Params, Settings, StopReason, TensorSpec, Tensors } from '../model/types.ts';
import type { Selection } from '../run/selection.ts';
import type { MeasureOptions } from '../measure/measure.ts';

/** Bumped on any incompatible change; the parent refuses a runner that says another. */
export const PROTOCOL_VERSION = 1;
/**
 * Set (to an artifact kind) in the environment of a candidate runner started
 * before its candidate is known: the runner loads that kind's backend (for wgsl,
 * the GPU process and its device) before it says hello.
 */
export const WARM_ENV = 'ASSAY_RUNNER_WARM';

/** What to plan: the same selection `assay run` takes, resolved against the runner's cwd; and how to measure. */
export interface PlanOptions extends Selection {
  measure?: Partial<MeasureOptions>;
}

/** What a runner in candidate mode (candidate-host.ts) loads: one artifact of one problem. */
export interface CandidateSpec {
  kind: ArtifactKind;
  /** The file to load: for js, the bundle the parent made of it. */
  file: string;
  settings?: Settings;
}

/** The part of a problem a backend needs to load an artifact for it: its name, axes and tensors. */
export interface ProblemSignature {
  name: string;
  axes: Record<string, number[]>;
  tensors: TensorSpec[];
}

/**
 * Parent to a runner in candidate mode. The runner only runs the artifact and
 * hands back what it left: everything is judged, and every timed sample is
 * timed, in the parent, out of the artifact's reach. Messages carry typed
 * arrays, so this mode speaks Node's `advanced` serialization. A trusted runner
 * holds several artifacts (the reference, the built-in variants), each in its
 * own `slot`; a candidate's runner holds one, in the default slot.
 */
export type CandidateRequest = (
  /** Load the artifact; replied to with `loaded`, or `failed` when it does not load. */
  | { type: 'load'; id: number; candidate: CandidateSpec; problem: ProblemSignature }
  /**
   * One call on poisoned outputs; replied to with `called`. With `reuse`, the
   * inputs are copied into the arrays of the previous call, so the kernel sees
   * the same buffers with new values.
   */
  | { type: 'call'; id: number; inputs: Tensors; params: Params; reuse?: boolean }
  /** Bind input sets sharing one set of outputs for timed calls; replied to with `bound`. */
  | { type: 'bind'; id: number; sets: Tensors[]; params: Params }
  /**
   * New values into the bound sets, copied into the very arrays (and device
   * buffers) the kernel was bound to; replied to with `bound`. A result kept by
   * the buffers' identity is stale now, and one kept by the values is not found.
   */
  | { type: 'rewrite'; id: number; sets: Tensors[] }
  /**
   * Poison the outputs, make `calls` calls rotating from set `start`, and take the
   * outputs the moment the last returns; replied to with `timed`. The outputs
   * travel with the next `read`, outside the time of this request.
   */
  | { type: 'time'; id: number; calls: number; start: number }
  /** The outputs the last `time` left; replied to with `outputs`. */
  | { type: 'read'; id: number }
  /** The bound input sets as the timed calls left them; replied to with `inputs`. */
  | { type: 'inputs'; id: number }
  /** Which watched globals were replaced, and which refused calls were attempted; replied to with `audit`. */
  | { type: 'audit'; id: number }
  | { type: 'shutdown'; id: number }
) & { slot?: string };

/** A runner in candidate mode to its parent. */
export type CandidateReply =
  | { type: 'hello'; id: 0; protocol: number; pid: number; tool: string; machine: string; clock: string; cwd: string }
  | { type: 'loaded'; id: number; details: Record<string, string | number | boolean> }
  /** The outputs right after the call returned, and again a moment later; the inputs as it left them; its time on the runner's clock. */
  | { type: 'called'; id: number; outputs: Tensors; later: Tensors; inputs: Tensors; ns: number }
  | { type: 'bound'; id: number; sets: number }
  /** `ns`: the backend's own time of the calls (the runner's clock, or a device timer); `digest`: of the outputs the calls left (poison.ts). */
  | { type: 'timed'; id: number; ns: number; digest: number }
  | { type: 'outputs'; id: number; outputs: Tensors }
  | { type: 'inputs'; id: number; sets: Tensors[] }
  | { type: 'audit'; id: number; replaced: string[]; refused: string[]; cpu_s: number }
  /** The artifact failed: it did not load (with where, when known), or it threw. */
  | { type: 'failed'; id: number; message: string; location?: { file: string; line?: number; column?: number } }
  | { type: 'error'; id: number; message: string; exit_code: number }
  | { type: 'bye'; id: number };

/** Parent to runner. */
export type Request =
  /** Plan the cases; replied to with `planned`. */
  | { type: 'plan'; id: number; options: PlanOptions }
  /** Prepare, verify, bind and warm one case up; replied to with `prepared`, or `result` when it failed before it could be measured. */
  | { type: 'prepare'; id: number; case: string }
  /** Take `count` samples of the prepared case at `batch` calls each; replied to with `samples`, or `result` when the code threw. */
  | { type: 'sample'; id: number; case: string; count: number; batch: number }
  /** End the prepared case's sampling (`stop` says why); it is verified again and replied to with `result`. */
  | { type: 'finish'; id: number; case: string; stop: StopReason }
  /** Run one case whole, as `assay run` would (warm-up, stopping rule and all); `progress` along the way, then `result`. */
  | { type: 'run'; id: number; case: string }
  /** Release everything and exit. */
  | { type: 'shutdown'; id: number };

/** Runner to parent. */
export type Reply =
  /** Sent once, when the runner is ready; `id` is 0. */
  | { type: 'hello'; id: 0; protocol: number; pid: number; tool: string; machine: string; clock: string; cwd: string }
  /** The cases planned, and which of them are a problem's reference variant (for speedups). */
  | { type: 'planned'; id: number; cases: CaseRef[]; references: string[] }
  | { type: 'prepared'; id: number; case: string; batch: number; per_call_ns: number; timer: string }
  | { type: 'samples'; id: number; case: string; samples: number[] }
  | { type: 'progress'; id: number; case: string; samples: number; rel_ci: number }
  | { type: 'result'; id: number; result: CaseResult }
  /** A request that could not be served (an unknown case, a bench file that does not load); `exit_code` as the CLI would map it. */
  | { type: 'error'; id: number; message: string; exit_code: number }
  | { type: 'bye'; id: number };

/** Checks that an incoming value is a message of the protocol (the shape, not every field). */
export function isMessage(x: unknown): x is { type: string; id: number } {
  return typeof x === 'object' && x !== null && typeof (x as { type?: unknown }).type === 'string' && typeof (x as { id?: unknown }).id === 'number';
}
