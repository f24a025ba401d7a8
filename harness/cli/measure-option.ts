// `--measure time|instructions`, shared by every command that measures or
// judges (run, compare, ab, bisect, nightly) or reads a series (history, report).
import { UsageError } from '../model/errors.ts';
import type { MeasureMode } from '../model/types.ts';

/** The parseArgs spec of the option. */
export const MEASURE_OPTION = { measure: { type: 'string' } } as const;

const MODES: readonly MeasureMode[] = ['time', 'instructions'];

/** The mode named by `--measure`, or undefined when the option is absent (the command's default applies: time). */
export function measureOption(value: string | undefined): MeasureMode | undefined {
  if (value === undefined) return undefined;
  if (!MODES.includes(value as MeasureMode)) {
    throw new UsageError(`--measure takes time (wall or GPU time per call, the default) or instructions (instructions per call, counted under valgrind), not "${value}"`);
  }
  return value as MeasureMode;
}
