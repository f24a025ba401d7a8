// A/B in instruction counts: one runner per side under callgrind, each case
// counted whole on both sides at the same time (one process per core), then
// compared unpaired. Counts do not drift with the machine, so nothing is gained
// by alternating samples; running the sides at once halves the wall time.
import type { CaseRef, CaseResult } from '../model/types.ts';
import type { RunEvent } from '../run/events.ts';
import type { RunnerClient } from '../runner/client.ts';
import { NOT_COUNTED } from '../runner/counted-run.ts';
import type { PlanOptions } from '../runner/protocol.ts';
import { compareCase, defaultThreshold, sideOf, type CaseComparison, type CompareOptions } from '../stats/compare.ts';
import type { InterleaveResult } from './interleave.ts';

export interface SideBySideOptions {
  plan: PlanOptions;
  /** B's plan, when it differs from A's (its own kernels folder); the same selection. */
  planB?: PlanOptions;
  /** The threshold is instruction counts' (0.5%) unless given. */
  compare?: CompareOptions;
  onEvent?: (e: RunEvent) => void;
  /** Aborting lets the case in hand finish; later cases are left out. */
  signal?: AbortSignal;
}

/** Plans both sides (runners started under callgrind), then counts their common cases, both sides at once. */
export async function sideBySide(a: RunnerClient, b: RunnerClient, o: SideBySideOptions): Promise<InterleaveResult> {
  const counted = (p: PlanOptions): PlanOptions => ({ ...p, measure: { ...p.measure, mode: 'instructions', keepSamples: true } });
  const [casesA, casesB] = await Promise.all([a.plan(counted(o.plan)), b.plan(counted(o.planB ?? o.plan))]);
  const idsA = new Set(casesA.map((c) => c.id));
  const idsB = new Set(casesB.map((c) => c.id));
  const common = casesA.filter((c) => idsB.has(c.id));
  const emit = o.onEvent ?? (() => {});
  emit({ type: 'plan', cases: common });
  const out: InterleaveResult = { cases: [], a: [], b: [], onlyA: casesA.filter((c) => !idsB.has(c.id)), onlyB: casesB.filter((c) => !idsA.has(c.id)), interrupted: false };
  const compare = { threshold: defaultThreshold('instructions'), ...o.compare };
  let dead: string | null = null;
  for (const [i, ref] of common.entries()) {
    if (o.signal?.aborted) {
      out.interrupted = true;
      break;
    }
    emit({ type: 'case-start', ref, index: i, total: common.length, phase: 'measure' });
    const [ra, rb] = dead ? [failed(ref, dead), failed(ref, dead)] : await Promise.all([countOn(a, ref), countOn(b, ref)]);
    // a runner that died (a crash in native code) fails this case and leaves the later ones unmeasured
    if (!dead && (a.exitReason !== null || b.exitReason !== null)) dead = `not measured: runner ${a.exitReason !== null ? a.label : b.label} ${a.exitReason ?? b.exitReason}`;
    out.a.push(ra);
    out.b.push(rb);
    out.cases.push(compareCase(ref, sideOf(ra), sideOf(rb), compare));
    emit({ type: 'case-end', result: rb, index: i, total: common.length });
  }
  const oneSided = (r: CaseRef, verdict: 'new' | 'missing'): CaseComparison => ({ ...r, verdict, base: null, head: null, ratio: null, ci: null, paired: false, reason: verdict === 'missing' ? 'only in A' : 'only in B' });
  for (const r of out.onlyA) out.cases.push(oneSided(r, 'missing'));
  for (const r of out.onlyB) out.cases.push(oneSided(r, 'new'));
  return out;
}

/** One side's count of a case: skipped for the kinds that are not counted, failed when its runner dies. */
async function countOn(r: RunnerClient, ref: CaseRef): Promise<CaseResult> {
  const why = NOT_COUNTED[ref.kind];
  if (why) return { ...ref, state: 'skipped', reason: why };
  try {
    return await r.run(ref.id);
  } catch (e) {
    return failed(ref, (e as Error).message);
  }
}

function failed(ref: CaseRef, error: string): CaseResult {
  return { ...ref, state: 'failed', stage: 'measure', error };
}
