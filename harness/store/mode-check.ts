// Whether two runs measured the same thing. A time in ns and an instruction
// count are different quantities: a ratio of one to the other means nothing, so
// a comparison across measure modes is refused (exit 2), never attempted.
import { UsageError } from '../model/errors.ts';
import type { MeasureMode, RunResult } from '../model/types.ts';

/** A run's measure mode; runs written before the mode was recorded were timed. */
export function measureModeOf(run: Pick<RunResult, 'config'>): MeasureMode {
  return run.config?.measure ?? 'time';
}

const WHAT: Record<MeasureMode, string> = {
  time: 'in time mode (ns per call)',
  instructions: 'in instruction mode (instructions per call, under callgrind)',
};

/** Refused: a comparison of runs of two measure modes. Exit 2, saying how to get a comparable pair. */
export class MeasureModeMismatchError extends UsageError {
  constructor(baseWhat: string, base: MeasureMode, headWhat: string, head: MeasureMode) {
    super(
      `${baseWhat} was measured ${WHAT[base]}, and ${headWhat} ${head === 'instructions' ? 'counts instructions' : 'is timed'}; ` +
        'runs of different measure modes are never compared: a time and an instruction count are different quantities.\n' +
        `  Measure both sides the same way: take the baseline again with --measure ${head} (assay run --measure ${head} --save-baseline NAME), ` +
        `or measure this side with --measure ${base}.`,
    );
    this.name = 'MeasureModeMismatchError';
  }
}

/** Throws MeasureModeMismatchError unless the two modes agree. */
export function checkSameMode(baseWhat: string, base: MeasureMode, headWhat: string, head: MeasureMode): void {
  if (base !== head) throw new MeasureModeMismatchError(baseWhat, base, headWhat, head);
}

/** Throws a usage error (exit 2) when a run is not of the mode the caller asked for (`--measure`). */
export function checkExpectedMode(what: string, mode: MeasureMode, expected: MeasureMode): void {
  if (mode === expected) return;
  throw new UsageError(
    `${what} was measured ${WHAT[mode]}, and --measure ${expected} asks for ${expected === 'instructions' ? 'instruction counts' : 'times'}; ` +
      `compare runs taken with --measure ${expected}, or leave --measure out to compare runs of the mode they record.`,
  );
}
