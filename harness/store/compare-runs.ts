// Comparing two stored runs: the one place that turns two RunResults into a
// Comparison, for `assay compare`, `assay run --baseline` and the library's
// `compare`. Runs from different machines are refused unless allowed; runs of
// different measure modes (time, instructions) always.
import type { MeasureMode, RunResult } from '../model/types.ts';
import { UsageError } from '../model/errors.ts';
import { compareCases, defaultThreshold, makeComparison, tooLittleInCommon, type Comparison, type Verdict } from '../stats/compare.ts';
import { checkSameMachine } from './machine-check.ts';
import { checkExpectedMode, checkSameMode, measureModeOf } from './mode-check.ts';

export interface CompareRunsOptions {
  /** The noise band: changes smaller than this fraction are `same` (2% by default; 0.5% for instruction counts). */
  threshold?: number;
  /** The measure mode the caller expects (`--measure`): runs of the other mode are refused. Both runs' own modes must agree in any case. */
  measure?: MeasureMode;
  /** Verdicts that make the comparison fail (`slower` by default). */
  failOn?: Verdict[];
  /** How each side is named in reports. */
  baseLabel?: string;
  headLabel?: string;
  /** How a refusal names the base (`baseline main`, `result file a.json`); the base label by default. */
  baseDescription?: string;
  /** How a refusal names the head (`this run`, `result file b.json`); the head label by default. */
  headDescription?: string;
  /** Compare runs of two machines anyway. */
  allowMachineMismatch?: boolean;
}

/**
 * Verdicts for every case of `head` against `base`. Throws MeasureModeMismatchError
 * (exit 2) for runs of two measure modes, MachineMismatchError (exit 2) for runs
 * of two machines unless allowed, and a UsageError (exit 2) for runs with too
 * little in common (no case matched, or more than half of the base's cases missing).
 */
export function compare(base: RunResult, head: RunResult, o: CompareRunsOptions = {}): Comparison {
  const baseLabel = o.baseLabel ?? 'base';
  const baseWhat = o.baseDescription ?? baseLabel;
  const headWhat = o.headDescription ?? o.headLabel ?? 'head';
  const mode = measureModeOf(base);
  checkSameMode(baseWhat, mode, headWhat, measureModeOf(head));
  if (o.measure !== undefined) checkExpectedMode(baseWhat, mode, o.measure);
  checkSameMachine(baseWhat, base.machine, head.machine, Boolean(o.allowMachineMismatch));
  const threshold = { threshold: o.threshold ?? defaultThreshold(mode) };
  const cases = compareCases(base.cases, head.cases, threshold);
  const why = tooLittleInCommon(cases, baseWhat, o.headLabel ?? 'head');
  if (why) throw new UsageError(why);
  return makeComparison(cases, {
    mode: 'stored',
    measure: mode,
    base: { label: baseLabel, machine: base.machine.id, git: base.git?.sha ?? null },
    head: { label: o.headLabel ?? 'head', machine: head.machine.id, git: head.git?.sha ?? null },
    ...(o.failOn ? { failOn: o.failOn } : {}),
    ...threshold,
  });
}
