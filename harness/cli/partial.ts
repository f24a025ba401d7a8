// Progressive JSON output: after every case, the run so far is rewritten
// atomically (temp file + rename, see output.ts) with `"partial": true`, so a
// crash inside a native runtime (ONNX Runtime, a driver) loses only the case in
// hand. The final write, without the mark, replaces it when the run ends.
import type { RunResult } from '../model/types.ts';
import { renderJson } from '../report/json.ts';
import { writeOutput } from './output.ts';

/** A RunResult that is still being written: the cases finished so far. */
export type PartialRunResult = RunResult & { partial: true };

export interface ProgressiveJson {
  /** Saves the run so far; a no-op when the target is stdout, which cannot be rewritten. */
  update(run: RunResult): void;
}

/** Rewrites `target` with the run so far, marked partial. */
export function progressiveJson(target: string | undefined): ProgressiveJson {
  if (target === undefined || target === '-') return { update: () => {} };
  return {
    update(run) {
      const partial: PartialRunResult = { ...run, finished_at: new Date().toISOString(), partial: true };
      writeOutput(target, renderJson(partial));
    },
  };
}
