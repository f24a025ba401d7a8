// The JSON reporter: the RunResult itself, as one document.
import type { RunResult } from '../model/types.ts';

export function renderJson(run: RunResult): string {
  return `${JSON.stringify(run, null, 2)}\n`;
}
