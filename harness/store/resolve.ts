// Reading one side of a comparison from the command line: a result file (a path
// that exists, or ends in .json) or the name of a baseline of this machine.
import { existsSync } from 'node:fs';
import type { MachineInfo, RunResult } from '../model/types.ts';
import { loadBaseline } from './baselines.ts';
import { readRunResult } from './read-result.ts';

export interface LoadedSide {
  run: RunResult;
  /** The name or file as given, for reports. */
  label: string;
  file: string;
  isBaseline: boolean;
}

export function loadSide(arg: string, opts: { root: string; machine: MachineInfo; allowMismatch?: boolean }): LoadedSide {
  if (existsSync(arg) || arg.endsWith('.json') || arg.includes('/')) {
    return { run: readRunResult(arg, 'result file'), label: arg, file: arg, isBaseline: false };
  }
  const { run, file } = loadBaseline(arg, opts);
  return { run, label: arg, file, isBaseline: true };
}
