// `assay ab REV_A REV_B [PATHS/FILTERS] [options]`: checks out two revisions,
// starts runners in each, measures their common cases interleaved (or, with
// --measure instructions, counts them side by side under callgrind), and gives
// verdicts for B against A (one session of ab/session.ts).
import { parseArgs } from 'node:util';
import { DEFAULT_PROCESSES } from '../../ab/interleave.ts';
import { runAbSession } from '../../ab/session.ts';
import { UsageError } from '../../model/errors.ts';
import { requireValgrind, type Valgrind } from '../../runner/callgrind.ts';
import { MEASURE_OPTION, measureOption } from '../measure-option.ts';
import type { Outcome } from '../exit.ts';
import { backendsOption, budgetOption, listOption, parseOrUsage, processesOption } from '../args.ts';
import { listenForInterrupt } from '../interrupt.ts';
import { createProgress } from '../progress.ts';
import { asCliError } from '../runner-errors.ts';
import { reportComparison, VERDICT_OPTIONS, verdictSettings } from '../verdict-options.ts';

/** parseArgs options of the commands that run A/B sessions (ab, bisect). */
export const SESSION_OPTIONS = {
  problem: { type: 'string', multiple: true },
  backend: { type: 'string' },
  time: { type: 'string' },
  quick: { type: 'boolean' },
  'no-install': { type: 'boolean' },
  processes: { type: 'string' },
  ...MEASURE_OPTION,
} as const;

/**
 * The valgrind that `--measure instructions` counts under (null for time), looked
 * for before any checkout is made: without it the command ends at once (exit 3).
 * `--processes` does not apply to counts.
 */
export function sessionValgrind(values: { measure?: string | undefined; processes?: string | undefined }): Valgrind | null {
  if (measureOption(values.measure) !== 'instructions') return null;
  if (values.processes !== undefined) throw new UsageError('--processes does not apply to --measure instructions: one runner per side counts each case, and counts repeat from one process to the next');
  return requireValgrind();
}

export async function abCommand(args: string[]): Promise<Outcome> {
  const { values, positionals } = parseOrUsage(() => parseArgs({ args, allowPositionals: true, options: { ...VERDICT_OPTIONS, ...SESSION_OPTIONS } }), 'ab');
  const [revA, revB, ...rest] = positionals;
  if (revA === undefined || revB === undefined) throw new UsageError('ab takes two git revisions: assay ab REV_A REV_B [PATHS/FILTERS] [options]');
  const s = verdictSettings(values);
  const backends = backendsOption(values.backend);
  const budgetS = budgetOption(values);
  const valgrind = sessionValgrind(values);
  const processes = valgrind ? 1 : processesOption(values.processes, DEFAULT_PROCESSES);
  const problems = listOption(values.problem);

  const interrupt = listenForInterrupt();
  const progress = createProgress();
  let session;
  try {
    session = await runAbSession({
      cwd: process.cwd(),
      revA,
      revB,
      positionals: rest,
      problems,
      ...(backends ? { backends } : {}),
      ...(budgetS !== undefined ? { budgetS } : {}),
      install: !values['no-install'],
      processes,
      valgrind,
      failOn: s.failOn,
      ...(s.threshold !== undefined ? { threshold: s.threshold } : {}),
      log: (line) => process.stderr.write(`ab: ${line}\n`),
      onEvent: (e) => progress.onEvent(e),
      signal: interrupt.signal,
    });
  } catch (e) {
    throw asCliError(e);
  } finally {
    progress.stop();
    interrupt.release();
  }
  reportComparison(session.comparison, s);
  return { kind: 'comparison', comparison: session.comparison, interrupted: session.result.interrupted };
}
