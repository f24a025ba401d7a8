// Comparing two stored runs: the one place that turns two RunResults into a
// Comparison, for `assay compare`, `assay run --baseline` and the library's
// `compare`. Runs from different machines are refused unless allowed.
import type { RunResult } from '../model/types.ts';
import { compareCases, makeComparison, type Comparison, type Verdict } from '../stats/compare.ts';
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

/** Verdicts for every case of `head` against `base`. Throws MachineMismatchError (exit 2) for runs of two machines unless allowed. */
export function compare(base: RunResult, head: RunResult, o: CompareRunsOptions = {}): Comparison {
  const baseLabel = o.baseLabel ?? 'base';
  checkSameMachine(o.baseDescription ?? baseLabel, base.machine, head.machine, Boolean(o.allowMachineMismatch));
  const threshold = o.threshold !== undefined ? { threshold: o.threshold } : {};
  return makeComparison(compareCases(base.cases, head.cases, threshold), {
    mode: 'stored',
    base: { label: baseLabel, machine: base.machine.id, git: base.git?.sha ?? null },
    head: { label: o.headLabel ?? 'head', machine: head.machine.id, git: head.git?.sha ?? null },
    ...(o.failOn ? { failOn: o.failOn } : {}),
    ...threshold,
  });
}
