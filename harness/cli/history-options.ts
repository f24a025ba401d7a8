// Options shared by the history commands (nightly, history, report): the
// measure mode whose series are recorded or read.
import { UsageError } from '../model/errors.ts';

const MODES = ['time', 'instructions'];

/**
 * `--measure time|instructions`; `time` by default. `measuring` is true for a
 * command that measures (nightly), which can take only the modes this Assay
 * measures in; reading a series of either mode is always possible.
 */
export function measureOption(value: string | undefined, measuring = false): string {
  const mode = value ?? 'time';
  if (!MODES.includes(mode)) throw new UsageError(`--measure takes ${MODES.join(' or ')}, not "${value}"`);
  if (measuring && mode !== 'time') {
    throw new UsageError(`--measure ${mode}: this Assay measures time only, so a nightly can record only time; runs of another mode can be recorded with \`assay history import\``);
  }
  return mode;
}
