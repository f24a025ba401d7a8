// The scores leaderboard: for each problem, its scored candidates (the latest
// score of each), best speedup first, with KernelBench's fast_p (the share of
// candidates that are correct and faster than p times the reference) at p = 1
// and p = 1.5, and the geometric-mean speedup of the accepted ones.
import type { ScoreRecord } from '../../model/history.ts';

export interface LeaderboardRow {
  candidate: string;
  kind: string;
  verdict: string;
  stage: string;
  speedup: number | null;
  ci: [number, number] | null;
  flags: string[];
  reason: string | null;
  machine: string | null;
  recordedAt: string;
}

export interface Leaderboard {
  problem: string;
  candidates: number;
  /** fast_p at p = 1 and p = 1.5. */
  fast1: number;
  fast15: number;
  /** Geometric mean of the accepted candidates' speedups; null when none was accepted. */
  geomean: number | null;
  rows: LeaderboardRow[];
}

/** The share of `rows` that are accepted with a speedup above p. */
export function fastP(rows: LeaderboardRow[], p: number): number {
  return rows.length ? rows.filter((r) => r.verdict === 'accepted' && r.speedup !== null && r.speedup > p).length / rows.length : 0;
}

export function leaderboards(scores: ScoreRecord[]): Leaderboard[] {
  // newest first in, so the first score of a candidate is its latest
  const latest = new Map<string, ScoreRecord>();
  for (const s of [...scores].sort((a, b) => b.recorded_at.localeCompare(a.recorded_at))) {
    const k = `${s.score.problem}\u0000${s.score.candidate}\u0000${s.machine ?? ''}`;
    if (!latest.has(k)) latest.set(k, s);
  }
  const by = new Map<string, LeaderboardRow[]>();
  for (const s of latest.values()) {
    const rows = by.get(s.score.problem) ?? [];
    by.set(s.score.problem, rows);
    rows.push({
      candidate: s.score.candidate,
      kind: s.score.kind,
      verdict: s.score.verdict,
      stage: s.score.stage,
      speedup: s.score.speedup?.point ?? null,
      ci: s.score.speedup?.ci ?? null,
      flags: s.score.flags ?? [],
      reason: s.score.reason ?? null,
      machine: s.machine,
      recordedAt: s.recorded_at,
    });
  }
  const rank = (r: LeaderboardRow): number => (r.verdict === 'accepted' ? 0 : r.verdict === 'rejected' ? 1 : 2);
  return [...by.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([problem, rows]) => {
      rows.sort((a, b) => rank(a) - rank(b) || (b.speedup ?? 0) - (a.speedup ?? 0) || a.candidate.localeCompare(b.candidate));
      const ok = rows.filter((r) => r.verdict === 'accepted' && r.speedup !== null && r.speedup > 0);
      const geomean = ok.length ? Math.exp(ok.reduce((s, r) => s + Math.log(r.speedup!), 0) / ok.length) : null;
      return { problem, candidates: rows.length, fast1: fastP(rows, 1), fast15: fastP(rows, 1.5), geomean, rows };
    });
}
