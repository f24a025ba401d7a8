// Change points of a case's history: the measured points of a series, its
// change points, and for each the two runs (shas) between which it happened.
// Pure: nightly, history and the dashboard all read a series through this.
import type { HistoryPoint } from '../model/history.ts';
import { detectChangePoints, minimumHistory, newChangePoints, type ChangePoint, type ChangePointOptions } from './changepoint.ts';

/** A change point with the runs on either side of it. */
export interface SeriesChange extends ChangePoint {
  /** The last point before the change, and the first after it. */
  from: Pick<HistoryPoint, 'run' | 'at' | 'sha'>;
  to: Pick<HistoryPoint, 'run' | 'at' | 'sha'>;
}

export interface SeriesAnalysis {
  /** The points that were measured, oldest first: the series the change points index. */
  measured: HistoryPoint[];
  changes: SeriesChange[];
  /** True when there are too few measured points to look for change points. */
  tooShort: boolean;
  /** How many measured points detection needs. */
  minimum: number;
}

const side = (p: HistoryPoint): SeriesChange['from'] => ({ run: p.run, at: p.at, sha: p.sha });

function withRuns(measured: HistoryPoint[], cps: ChangePoint[]): SeriesChange[] {
  return cps.map((c) => ({ ...c, from: side(measured[c.index - 1]!), to: side(measured[c.index]!) }));
}

/** The change points of a series of points (failed and skipped nights are left out). */
export function analyzeSeries(points: HistoryPoint[], o: ChangePointOptions = {}): SeriesAnalysis {
  const measured = points.filter((p) => p.state === 'measured' && p.median !== null);
  const minimum = minimumHistory(o);
  const cps = detectChangePoints(measured.map((p) => p.median!), o);
  return { measured, changes: withRuns(measured, cps), tooShort: measured.length < minimum, minimum };
}

/**
 * The change points that the newest run brought: those of the whole series
 * that the series without its newest run (as of `run`) did not have.
 */
export function changesNewWith(points: HistoryPoint[], run: number, o: ChangePointOptions = {}): { analysis: SeriesAnalysis; fresh: SeriesChange[] } {
  const analysis = analyzeSeries(points, o);
  if (!analysis.measured.some((p) => p.run === run)) return { analysis, fresh: [] };
  const before = detectChangePoints(analysis.measured.filter((p) => p.run !== run).map((p) => p.median!), o);
  const fresh = newChangePoints(before, analysis.changes);
  return { analysis, fresh: analysis.changes.filter((c) => fresh.includes(c)) };
}
