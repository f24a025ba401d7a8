// The verify stage of a score: the candidate runs, in its sandbox, on every
// point the plan drew (public axes, fresh seeds, held-out shapes) and once more
// with new values in the same buffers; each run is judged here, in the parent,
// against the reference's outputs on the same inputs. It stops at the first
// failure and says which check failed, and where.
import { formatParams } from '../problem/define.ts';
import { judgeRun, type RunJudgement } from '../verify/judge.ts';
import { describeError } from '../model/errors.ts';
import type { CandidateClient, Failed } from '../runner/candidate-client.ts';
import type { CheckList } from './checks.ts';
import type { ScoringPlan, VerifyCase } from './plan.ts';
import type { TrustedRunner } from './trusted.ts';

const GROUP: Record<VerifyCase['inputs'], string> = { public: 'public axes', fresh: 'fresh seeds', 'held-out': 'held-out shapes' };

/** Messages of a call the sandbox or the runner refused: the candidate reached outside. */
const REFUSED = /ERR_ACCESS_DENIED|Access to this API has been restricted|Assay refused|ERR_DLOPEN_DISABLED|ENETUNREACH|EROFS|read-only file system/i;

export interface StageOutcome {
  ok: boolean;
  reason?: string;
}

/** Why the candidate's runner stopped answering: it died (how) or ran past its time limit. */
export function crashReason(client: CandidateClient, e: unknown, during: string): string {
  const why = client.exitReason ?? describeError(e);
  const lines = describeError(e).split('its last output:')[1]?.trim().split('\n') ?? [];
  // a fatal error's own line says more than the lines printed after it
  const fatal = lines.find((l) => /FATAL ERROR|Fatal (process|error)|allocation failed|out of memory/i.test(l));
  const last = (fatal ? [fatal.trim()] : lines.slice(-3)).join(' | ');
  return `its runner ${why} ${during}${last ? ` (last output: ${last.slice(0, 300)})` : ''}`;
}

export async function verifyStage(client: CandidateClient, trusted: TrustedRunner, plan: ScoringPlan, checks: CheckList, deadline: number): Promise<StageOutcome> {
  const spec = trusted.lp.problem;
  const remaining = (): number => Math.max(1, deadline - Date.now());
  const stop = (name: string, detail: string): StageOutcome => {
    checks.fail(name, detail);
    return { ok: false, reason: `${name}: ${detail}` };
  };
  /** A run that failed: a crash, a time limit, a throw (a refusal among them), or a failed judgement. */
  const failedRun = (r: Failed, where: string): StageOutcome =>
    REFUSED.test(r.message) ? stop('stays in its sandbox', `${r.message} ${where}`) : stop('no crash or hang', `the candidate ${r.message} ${where}`);
  const judged = (j: RunJudgement, group: string): StageOutcome => stop(j.check === 'matches reference' ? group : j.check, j.detail);

  const seen: Record<string, string[]> = {};
  for (const vc of plan.verify) {
    const group = GROUP[vc.inputs];
    const where = `at ${formatParams(vc.params)}${vc.inputs === 'public' ? '' : `, ${vc.inputs === 'fresh' ? 'fresh seed' : 'held-out shape'}`}`;
    const exp = await trusted.expect(vc.params, vc.seed);
    let r;
    try {
      r = await client.call(exp.inputs, vc.params, { timeoutMs: remaining() });
    } catch (e) {
      return stop('no crash or hang', crashReason(client, e, `while it ran ${where}`));
    }
    if (r.type === 'failed') return failedRun(r, where);
    const j = judgeRun(spec, exp, r, where);
    if (!j.passed) return judged(j, group);
    (seen[group] ??= []).push(`${formatParams(vc.params)} (max abs err ${fmtErr(j.report?.max_abs_err ?? 0)})`);
  }
  for (const [group, list] of Object.entries(seen)) checks.pass(group, `within tolerance at ${list.join(', ')}`);

  // new values in the very same arrays: a result kept by the buffers' identity is stale now
  const { params, seeds } = plan.reuse;
  const where = `at ${formatParams(params)}, new values in the buffers of the previous call`;
  for (const [i, seed] of seeds.entries()) {
    const exp = await trusted.expect(params, seed);
    let r;
    try {
      r = await client.call(exp.inputs, params, { reuse: i > 0, timeoutMs: remaining() });
    } catch (e) {
      return stop('no crash or hang', crashReason(client, e, `while it ran ${where}`));
    }
    if (r.type === 'failed') return failedRun(r, where);
    const j = judgeRun(spec, exp, r, where);
    if (!j.passed) return stop(j.check === 'matches reference' ? 'fresh values in reused buffers' : j.check, `${j.detail}: results were kept across calls, keyed on the buffers`);
  }
  checks.pass('fresh values in reused buffers', `new values in the same arrays at ${formatParams(params)} gave the new result`);
  for (const name of ['no work after return', 'inputs unchanged', 'outputs written', 'finite outputs']) checks.passIfUnset(name, `every verified run (${plan.verify.length + 2})`);
  checks.passIfUnset('no crash or hang', `every verified run finished within the stage's time limit`);
  return { ok: true };
}

/** Checks the candidate's runner reports on itself (JS): globals it replaced, calls it was refused. */
export async function auditStage(client: CandidateClient, checks: CheckList, names: { globals: string; sandbox?: string }): Promise<StageOutcome> {
  const a = await client.audit(10_000);
  if (a.replaced.length) {
    checks.fail(names.globals, `the candidate replaced ${a.replaced.join(', ')}: clocks, timers and the methods that checks and statistics use are not the candidate's to change`);
    return { ok: false, reason: `${names.globals}: replaced ${a.replaced.join(', ')}` };
  }
  checks.pass(names.globals, 'no clock, timer, scheduling, IPC or array and math method was replaced');
  if (names.sandbox) {
    if (a.refused.length) {
      checks.fail(names.sandbox, `the candidate tried ${a.refused.join('; ')}, and was refused`);
      return { ok: false, reason: `${names.sandbox}: tried ${a.refused.join('; ')}` };
    }
    checks.passIfUnset(names.sandbox, 'it tried nothing outside its sandbox');
  }
  return { ok: true };
}

function fmtErr(x: number): string {
  return x === 0 ? '0' : x.toExponential(1);
}
