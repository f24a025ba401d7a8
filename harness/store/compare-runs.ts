// Comparing two stored runs: the one place that turns two RunResults into a
// Comparison, for `assay compare`, `assay run --baseline` and the library's
// `compare`. Runs from different machines are refused unless allowed.
import type { RunResult } from '../model/types.ts';
import { UsageError } from '../model/errors.ts';
import { compareCases, makeComparison, tooLittleInCommon, type Comparison, type Verdict } from '../stats/compare.ts';
import { checkSameMachine } from './machine-check.ts';

export interface CompareRunsOptions {
  /** The noise band: changes smaller than this fraction are `same` (2% by default). */
  threshold?: number;
  /** Verdicts that make the comparison fail (`slower` by default). */
  failOn?: Verdict[];
  /** How each side is named in reports. */
  baseLabel?: string;
  headLabel?: string;
  /** How a refusal names the base (`baseline main`, `result file a.json`); the base label by default. */
  baseDescription?: string;
  /** Compare runs of two machines anyway. */
  allowMachineMismatch?: boolean;
}

/**
 * Verdicts for every case of `head` against `base`. Throws a UsageError (exit 2)
 * for runs of two machines unless allowed, and for runs with too little in
 * common (no case matched, or more than half of the base's cases missing).
 */
export function compare(base: RunResult, head: RunResult, o: CompareRunsOptions = {}): Comparison {
  const baseLabel = o.baseLabel ?? 'base';
  checkSameMachine(o.baseDescription ?? baseLabel, base.machine, head.machine, Boolean(o.allowMachineMismatch));
  const threshold = o.threshold !== undefined ? { threshold: o.threshold } : {};
  const cases = compareCases(base.cases, head.cases, threshold);
  const why = tooLittleInCommon(cases, o.baseDescription ?? baseLabel, o.headLabel ?? 'head');
  if (why) throw new UsageError(why);
  return makeComparison(cases, {
    mode: 'stored',
    base: { label: baseLabel, machine: base.machine.id, git: base.git?.sha ?? null },
    head: { label: o.headLabel ?? 'head', machine: head.machine.id, git: head.git?.sha ?? null },
    ...(o.failOn ? { failOn: o.failOn } : {}),
    ...threshold,
  });
}
