// Scoring every candidate in a folder in one session (one trusted runner, one
// draw of seeds and held-out shapes, each candidate in its own sandboxed
// runner), with the KernelBench-style summary: fast_p at p = 1 and 1.5, and the
// geometric-mean speedup of the candidates that were accepted.
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { kindOfFile } from '../backends/registry.ts';
import { BackendUnavailableError, describeError } from '../model/errors.ts';
import { displayPath } from '../model/files.ts';
import type { FolderScore, Score } from '../model/types.ts';
import { ScoringSession, type ScoreOptions } from './session.ts';
import { fastP, geomeanOfAccepted } from './summary.ts';

/** The candidate files of a folder (not its subfolders), by name. */
export function candidatesIn(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .filter((f) => !f.startsWith('.') && !f.endsWith('.d.ts') && kindOfFile(f) !== null)
    .map((f) => path.join(dir, f))
    .filter((f) => statSync(f).isFile());
}

export async function scoreFolder(problem: string, dir: string, o: ScoreOptions & { onScore?: (s: Score) => void } = {}): Promise<FolderScore> {
  const t0 = performance.now();
  const files = candidatesIn(dir);
  const session = await ScoringSession.open(problem, o);
  const scores: Score[] = [];
  try {
    for (const [i, file] of files.entries()) {
      let s: Score;
      try {
        s = await session.score(file, { next: files[i + 1] });
      } catch (e) {
        // a kind this machine cannot run does not stop the folder: it is an error of the setting, not of the candidate
        s = errorScore(problem, file, e instanceof BackendUnavailableError ? describeError(e) : `Assay failed: ${describeError(e)}`);
      }
      scores.push(s);
      o.onScore?.(s);
    }
  } finally {
    await session.close();
  }
  const count = (v: Score['verdict']): number => scores.filter((s) => s.verdict === v).length;
  return {
    schema: 1,
    problem,
    folder: displayPath(dir),
    scores,
    fast_p: { '1': fastP(scores, 1), '1.5': fastP(scores, 1.5) },
    geomean_speedup: geomeanOfAccepted(scores),
    counts: { accepted: count('accepted'), rejected: count('rejected'), error: count('error') },
    cost: { wall_s: Math.round((performance.now() - t0) / 10) / 100, cpu_s: Math.round(scores.reduce((a, s) => a + s.cost.cpu_s, 0) * 100) / 100 },
  };
}

function errorScore(problem: string, file: string, reason: string): Score {
  return {
    schema: 1,
    problem,
    candidate: displayPath(file),
    kind: kindOfFile(file),
    verdict: 'error',
    stage: 'build',
    reason,
    checks: [],
    speedup: null,
    speedup_best: null,
    cases: [],
    flags: [],
    cost: { wall_s: 0, cpu_s: 0, stages: {} },
  };
}
