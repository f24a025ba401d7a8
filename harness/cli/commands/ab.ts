// `assay ab REV_A REV_B [PATHS/FILTERS] [options]`: checks out two revisions,
// starts runners in each, measures their common cases interleaved (or, with
// --measure instructions, counts them side by side under callgrind), and gives
// verdicts for B against A (one session of ab/session.ts).
import { parseArgs } from 'node:util';
import { DEFAULT_PROCESSES } from '../../ab/interleave.ts';
import { runAbSession, type AbSessionOptions } from '../../ab/session.ts';
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

type SessionValues = { problem?: string[] | undefined; backend?: string | undefined; time?: string | undefined; quick?: boolean | undefined; 'no-install'?: boolean | undefined; processes?: string | undefined; measure?: string | undefined };

/**
 * What SESSION_OPTIONS say, as the A/B session takes it. The valgrind that
 * `--measure instructions` counts under is looked for here, before any checkout
 * is made: without it the command ends at once (exit 3). `--processes` does not
 * apply to counts.
 */
export function sessionSettings(values: SessionValues): Pick<AbSessionOptions, 'problems' | 'backends' | 'budgetS' | 'install' | 'processes' | 'valgrind'> {
  const backends = backendsOption(values.backend);
  const budgetS = budgetOption(values);
  let valgrind: Valgrind | null = null;
  if (measureOption(values.measure) === 'instructions') {
    if (values.processes !== undefined) throw new UsageError('--processes does not apply to --measure instructions: one runner per side counts each case, and counts repeat from one process to the next');
    valgrind = requireValgrind();
  }
  return {
    problems: listOption(values.problem),
    ...(backends ? { backends } : {}),
    ...(budgetS !== undefined ? { budgetS } : {}),
    install: !values['no-install'],
    processes: valgrind ? 1 : processesOption(values.processes, DEFAULT_PROCESSES),
    valgrind,
  };
}

export async function abCommand(args: string[]): Promise<Outcome> {
  const { values, positionals } = parseOrUsage(() => parseArgs({ args, allowPositionals: true, options: { ...VERDICT_OPTIONS, ...SESSION_OPTIONS } }), 'ab');
  const [revA, revB, ...rest] = positionals;
  if (revA === undefined || revB === undefined) throw new UsageError('ab takes two git revisions: assay ab REV_A REV_B [PATHS/FILTERS] [options]');
  const s = verdictSettings(values);
  const settings = sessionSettings(values);

  const interrupt = listenForInterrupt();
  const progress = createProgress();
  let session;
  try {
    session = await runAbSession({
      cwd: process.cwd(),
      revA,
      revB,
      positionals: rest,
      ...settings,
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
