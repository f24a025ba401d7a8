// Judging one run of an untrusted kernel, from what the run left behind: its
// outputs read the moment it returned and again a moment later, and its inputs.
// The checks come in a fixed order, so that the reason names the cheat and not
// its symptom: work that went on after the return, inputs written, outputs
// left unwritten, NaN or Inf, and only then the comparison with the reference.
import { formatParams, toleranceAt } from '../problem/define.ts';
import type { ProblemSpec, Tensors, VerifyReport } from '../model/types.ts';
import { compareOutputs } from './compare.ts';
import { firstNonFinite } from './finite.ts';
import { firstChanged, firstUnwritten } from './poison.ts';
import type { Expectation } from './verify.ts';

/** The anti-cheat checks a run is judged by, in the order they are applied. */
export const RUN_CHECKS = ['no work after return', 'inputs unchanged', 'outputs written', 'finite outputs'] as const;
export type RunCheck = (typeof RUN_CHECKS)[number] | 'matches reference';

/** What one run left behind, as the parent received it. */
export interface RunObservation {
  /** The outputs, read right after the call returned (they were poisoned before it). */
  outputs: Tensors;
  /** The outputs read again a moment later; they differ when work went on after the return. */
  later?: Tensors;
  /** The inputs as the call left them. */
  inputs?: Tensors;
}

export interface RunJudgement {
  passed: boolean;
  /** The check that failed, or 'matches reference' when all passed. */
  check: RunCheck;
  detail: string;
  report?: VerifyReport;
}

/** Judges one run against its expectation; `what` names the run in messages (`at n=128, fresh seed`). */
export function judgeRun(spec: ProblemSpec, exp: Expectation, obs: RunObservation, what = `at ${formatParams(exp.params)}`): RunJudgement {
  const fail = (check: RunCheck, detail: string, report?: VerifyReport): RunJudgement => ({ passed: false, check, detail: `${detail} ${what}`, ...(report ? { report } : {}) });
  if (obs.later) {
    const moved = firstChanged(obs.later, obs.outputs);
    if (moved) return fail('no work after return', `output "${moved}" changed after the call had returned: work went on outside the call (deferred, async, a timer, a thread)`);
  }
  if (obs.inputs) {
    const changed = firstChanged(obs.inputs, exp.inputs);
    if (changed) return fail('inputs unchanged', `modified its input "${changed}"; inputs are read-only`);
  }
  const unwritten = firstUnwritten(obs.outputs);
  if (unwritten) {
    const total = obs.outputs[unwritten.tensor]!.length;
    return fail('outputs written', `left ${unwritten.count} of ${total} elements of "${unwritten.tensor}" unwritten (first ${unwritten.tensor}[${unwritten.index}]); outputs are poisoned before every run`);
  }
  const bad = firstNonFinite(obs.outputs);
  if (bad) return fail('finite outputs', `wrote ${bad.value} to ${bad.tensor}[${bad.index}] (${bad.count} non-finite elements)`);
  const tol = toleranceAt(spec, exp.params);
  const report = compareOutputs(obs.outputs, exp.expected, tol);
  if (report.passed) return { passed: true, check: 'matches reference', detail: `within tolerance ${what}`, report };
  const b = report.first_bad!;
  return fail(
    'matches reference',
    `wrong output: ${b.tensor}[${b.index}] = ${b.got}, expected ${b.want} (max abs err ${fmt(report.max_abs_err)}; tolerance atol ${fmt(tol.atol)} + rtol ${fmt(tol.rtol)}·|expected|)`,
    report,
  );
}

export function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  return x !== 0 && (Math.abs(x) < 1e-3 || Math.abs(x) >= 1e6) ? x.toExponential(2) : String(Number(x.toPrecision(3)));
}
