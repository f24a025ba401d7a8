// Summaries over speedups: the geometric mean over a score's measured points
// (with an interval from the points' own, combined in log space), and a
// folder's KernelBench-style fast_p: the share of candidates that are correct
// and faster than p times the reference.
import type { Score, ScoreCase } from '../model/types.ts';

/** The geometric mean of the points' speedups; its interval adds the points' log half-widths in quadrature (their errors are independent). */
export function geomeanSpeedup(cases: ScoreCase[], which: 'speedup' | 'speedup_best'): { point: number; ci: [number, number] } {
  const cs = cases.filter((c) => c[which] !== undefined);
  if (!cs.length) return { point: NaN, ci: [NaN, NaN] };
  const ciOf = (c: ScoreCase): [number, number] => (which === 'speedup' ? c.speedup_ci : c.speedup_best_ci!);
  const logs = cs.map((c) => Math.log(c[which]!));
  const mean = logs.reduce((a, b) => a + b, 0) / cs.length;
  const halves = cs.map((c) => (Math.log(ciOf(c)[1]) - Math.log(ciOf(c)[0])) / 2);
  const half = Math.sqrt(halves.reduce((a, h) => a + h * h, 0)) / cs.length;
  return { point: Math.exp(mean), ci: [Math.exp(mean - half), Math.exp(mean + half)] };
}

/** The share of scores (errors left out) that are accepted with a speedup over the reference above p. */
export function fastP(scores: Score[], p: number): number {
  const judged = scores.filter((s) => s.verdict !== 'error');
  if (!judged.length) return 0;
  return judged.filter((s) => s.verdict === 'accepted' && (s.speedup?.point ?? 0) > p).length / judged.length;
}

/** The geometric mean speedup of the accepted scores, or null when none was accepted. */
export function geomeanOfAccepted(scores: Score[]): number | null {
  const xs = scores.filter((s) => s.verdict === 'accepted' && s.speedup && s.speedup.point > 0).map((s) => Math.log(s.speedup!.point));
  return xs.length ? Math.exp(xs.reduce((a, b) => a + b, 0) / xs.length) : null;
}
