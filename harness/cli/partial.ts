// Progressive JSON output: after every case, the run so far is rewritten
// atomically (temp file + rename, see output.ts) with `"partial": true`, so a
// crash inside a native runtime (ONNX Runtime, a driver) loses only the case in
// hand. The final write, without the mark, replaces it when the run ends.
import type { CaseResult, RunConfig, RunResult } from '../core/types.ts';
import { TOOL_VERSION } from '../core/version.ts';
import { captureGit } from '../env/git.ts';
import { captureMachine } from '../env/machine.ts';
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

/**
 * For callers that only see case-end events (`assay run`): collects the cases
 * and writes them under a RunResult header built the way the run builds its own.
 */
export function progressiveCases(target: string | undefined, config: () => RunConfig, cwd = process.cwd()): { add(c: CaseResult): void } {
  const out = progressiveJson(target);
  if (target === undefined || target === '-') return { add: () => {} };
  const started = new Date().toISOString();
  const machine = captureMachine();
  const git = captureGit(cwd);
  const cases: CaseResult[] = [];
  return {
    add(c) {
      cases.push(c);
      out.update({ schema: 1, tool: { name: 'assay', version: TOOL_VERSION }, started_at: started, finished_at: started, machine, git, config: config(), cases });
    },
  };
}
