// The measure stage of a score: under the machine-wide measure lock, each
// measured point interleaved with the reference and the best built-in variant
// of the candidate's kind (measure-stage.ts), then the speedups over the points,
// the audit after timing (JS), and the flags.
import { InternalError, describeError } from '../model/errors.ts';
import type { ArtifactKind, Params, Rng, Score, Settings } from '../model/types.ts';
import { formatParams, throughputAt } from '../problem/define.ts';
import type { CandidateClient } from '../runner/candidate-client.ts';
import type { BuiltIn } from './best.ts';
import type { CheckList } from './checks.ts';
import type { CostMeter } from './cost.ts';
import { flagsFor } from './flags.ts';
import { acquireMeasureLock, type HeldLock } from './lock.ts';
import { MeasureFailure, measurePoint, timerOf, type MeasureSide } from './measure-stage.ts';
import type { Roofline } from './roofline.ts';
import { geomeanSpeedup } from './summary.ts';
import { slotName, type TrustedRunner } from './trusted.ts';
import { auditStage, crashReason } from './verify-stage.ts';

export interface MeasureContext {
  score: Score;
  client: CandidateClient;
  kind: ArtifactKind;
  settings: Settings;
  checks: CheckList;
  cost: CostMeter;
  runners: () => Array<{ audit(t?: number): Promise<{ cpu_s: number }> }>;
  trusted: TrustedRunner;
  rng: Rng;
  points: Params[];
  budgetNs: number;
  sampleTimeoutMs: number;
  log: (line: string) => void;
  bestAt: (kind: ArtifactKind, params: Params) => Promise<BuiltIn | null>;
  roofline: () => Promise<Roofline | null>;
}

/** The measure stage: under the machine-wide lock, each measured point interleaved with the reference and the best built-in. */
export async function measureStage(c: MeasureContext): Promise<{ ok: boolean; reason?: string }> {
  const { score, client, kind, settings, checks, cost, runners, trusted, points } = c;
  const problem = trusted.lp.problem;
  const what = `assay score ${problem.name} ${score.candidate}`;
  c.log(`${score.candidate}: waiting for the measure lock`);
  const waitStart = Date.now();
  let lock: HeldLock;
  try {
    lock = await acquireMeasureLock(what, (h, s) => c.log(`${score.candidate}: waiting for the measure lock${h ? `, held by pid ${h.pid} (${h.what}) for ${((Date.now() - h.since) / 1000).toFixed(1)} s` : ''}; waited ${s.toFixed(1)} s`));
    checks.pass('measure lock', `held by ${lock.how} while measuring; waited ${lock.waitedS.toFixed(2)} s${lock.waitedFor ? ` for pid ${lock.waitedFor.pid} (${lock.waitedFor.what})` : ''}`);
  } catch (e) {
    checks.add({ name: 'measure lock', passed: false, unavailable: true, detail: `unavailable: ${describeError(e)}; this score may have been measured beside another` });
    lock = { waitedS: 0, waitedFor: null, how: 'none', release: () => {} };
  }
  await cost.start('measure', runners(), (Date.now() - waitStart) / 1000);
  try {
    c.log(`${score.candidate}: measure at ${points.map(formatParams).join('; ')}`);
    // nothing computed ahead (the plan's expectations) may still run in the trusted runner while anything is timed
    await trusted.settled();
    const roofline = await c.roofline();
    const { budgetNs, sampleTimeoutMs } = c;
    const ref = trusted.reference;
    await trusted.ensure(ref);
    checks.pass('measuring clock', `${timerOf(kind) === 'parent' ? `every sample timed by the scoring process (pid ${process.pid}), from request to reply, out of the candidate's reach` : 'every sample timed by its backend (the device), which the candidate does not run in'}; the reference the same way for its kind`);
    let bestId: string | null = null;
    for (const params of points) {
      const best = await c.bestAt(kind, params);
      if (best) await trusted.ensure(best.variant, best.settings);
      const sides: MeasureSide[] = [
        { role: 'candidate', id: score.candidate, client, kind },
        { role: 'reference', id: `${problem.name}/${ref.name}`, client: trusted.client, slot: slotName(ref), kind: ref.kind },
        ...(best ? [{ role: 'best' as const, id: best.id, client: trusted.client, slot: best.slot, kind }] : []),
      ];
      bestId = best?.id ?? null;
      let m;
      try {
        m = await measurePoint(sides, trusted, checks, { params, budgetNs, sampleTimeoutMs, rng: c.rng });
      } catch (e) {
        if (e instanceof MeasureFailure) {
          if (e.check === 'internal') throw new InternalError(e.message);
          checks.fail(e.check, e.message);
          return { ok: false, reason: `${e.check}: ${e.message}` };
        }
        if (client.exitReason) {
          const reason = crashReason(client, e, `while it was measured at ${formatParams(params)}`);
          checks.fail('no crash or hang', reason);
          return { ok: false, reason: `no crash or hang: ${reason}` };
        }
        throw e;
      }
      m.case.throughput = throughputAt(problem, params, m.case.median_ns);
      score.cases.push(m.case);
    }
    if (kind === 'js') {
      const a = await auditStage(client, checks, { globals: 'globals untouched after timing' });
      if (!a.ok) return a;
    }
    const g = geomeanSpeedup(score.cases, 'speedup');
    score.speedup = { vs: `${problem.name}/${ref.name}`, point: g.point, ci: g.ci };
    if (bestId) {
      const gb = geomeanSpeedup(score.cases, 'speedup_best');
      score.speedup_best = { vs: bestId, point: gb.point, ci: gb.ci };
    }
    const f = flagsFor(problem, score.cases, kind, settings, roofline);
    score.flags = f.flags;
    if (f.notes.length) checks.add({ name: 'plausible speedup', passed: true, detail: `flagged: ${f.notes.join('; ')}` });
    else checks.add({ name: 'plausible speedup', passed: true, detail: roofline ? 'under the measured roofline, and within 10x of the best built-in variant' : 'within 10x of the best built-in variant (no roofline measured here)' });
    return { ok: true };
  } finally {
    await cost.stop(runners());
    lock.release();
  }
}
