// Exit codes, decided in one place from typed outcomes (DESIGN.md's contract):
// 0 success and no regression; 1 a regression, a failed case, a rejected
// candidate; 2 usage or input error; 3 a backend or tool unavailable; 4 Assay
// itself failed; 130 interrupted. Commands return an Outcome or throw; main.ts
// asks this module for the code and for how to say an error.
import { describeError, EXIT, exitCodeOf, type ExitCode } from '../model/errors.ts';
import type { RunResult } from '../model/types.ts';
import type { Comparison } from '../stats/compare.ts';

/** What a command ended with. */
export type Outcome =
  /** Done, nothing to judge (list, env, problem show, baseline ...). */
  | { kind: 'done' }
  /** A run of cases, perhaps compared with a baseline. */
  | { kind: 'run'; result: RunResult; comparison?: Comparison; interrupted?: boolean }
  /** Verdicts of one side against another. */
  | { kind: 'comparison'; comparison: Comparison; interrupted?: boolean }
  /** A nightly run recorded: the new regressions beyond the threshold, and the cases that failed. */
  | { kind: 'nightly'; regressions: number; failed: number; interrupted?: boolean }
  /** A bisection: whether it found the commit that made the case slower. */
  | { kind: 'bisect'; found: boolean; interrupted?: boolean }
  /** Scores of candidates: accepted, rejected, or `error` where Assay itself failed. */
  | { kind: 'score'; verdicts: Array<'accepted' | 'rejected' | 'error'> }
  /** A command that ran on a fleet worker (`--remote`): it exits with the code the command had there. */
  | { kind: 'remote'; code: ExitCode };

export const DONE: Outcome = { kind: 'done' };

/** The exit code of an outcome. */
export function exitCodeFor(o: Outcome): ExitCode {
  if (o.kind === 'done') return EXIT.ok;
  if (o.kind === 'remote') return o.code;
  if (o.kind === 'score') {
    // a broken harness is never scored as a bad candidate: any error is 4, ahead of any rejection
    if (o.verdicts.includes('error')) return EXIT.internal;
    return o.verdicts.includes('rejected') ? EXIT.regression : EXIT.ok;
  }
  if (o.interrupted) return EXIT.interrupted;
  if (o.kind === 'nightly') return o.regressions > 0 || o.failed > 0 ? EXIT.regression : EXIT.ok;
  if (o.kind === 'bisect') return o.found ? EXIT.ok : EXIT.regression;
  if (o.kind === 'run') {
    // a candidate that does not build is an input error, like a bench file that does not load
    if (unbuiltCandidates(o.result).length) return EXIT.usage;
    if (o.result.cases.some((c) => c.state === 'failed')) return EXIT.regression;
  }
  const cmp = o.kind === 'run' ? o.comparison : o.comparison;
  return cmp && cmp.failing.length ? EXIT.regression : EXIT.ok;
}

/** The candidates given on the command line whose build failed. */
export function unbuiltCandidates(result: RunResult): Array<Extract<RunResult['cases'][number], { state: 'failed' }>> {
  const candidates = result.config.candidates ?? [];
  return result.cases.filter((c): c is Extract<typeof c, { state: 'failed' }> => c.state === 'failed' && c.stage === 'build' && candidates.includes(c.variant));
}

/** The exit code of a thrown error: the typed errors carry theirs; anything else is Assay's own failure (4). */
export { exitCodeOf as exitCodeForError };

/** What the user is told of an error that ended the command. */
export function errorMessage(e: unknown, code: ExitCode): string {
  const msg = describeError(e);
  if (code !== EXIT.internal) return `assay: ${msg}\n`;
  return (
    `assay: internal error: ${msg}\n` +
    `  This is a failure of Assay itself, not of the code under test. Please report it, with the command and the output of the same command run with ASSAY_DEBUG=1.\n`
  );
}
