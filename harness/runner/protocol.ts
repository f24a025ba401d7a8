// The runner protocol: typed messages between a parent and a runner process that
// executes cases on request. Every request carries an `id`, and every reply
// carries the id of the request it answers. Messages are plain JSON, so the same
// protocol can travel over Node's IPC channel (as today) or any line stream.
import type { CaseRef, CaseResult, StopReason } from '../model/types.ts';
import type { Selection } from '../run/selection.ts';
import type { MeasureOptions } from '../measure/measure.ts';

/** Bumped on any incompatible change; the parent refuses a runner that says another. */
export const PROTOCOL_VERSION = 1;

/** What to plan: the same selection `assay run` takes, resolved against the runner's cwd; and how to measure. */
export interface PlanOptions extends Selection {
  measure?: Partial<MeasureOptions>;
}

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
