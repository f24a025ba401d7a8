// `assay history CASE`: a case's time series as a table, oldest night first,
// with a line for each change point before the night it begins; and the list
// of the cases the store holds. Pure functions over the series.
import type { HistoryCase, HistorySeries } from '../model/history.ts';
import type { SeriesAnalysis } from '../stats/series-changes.ts';
import { formatChange, formatConfidence, formatFigure, shortSha } from './history-format.ts';
import { padTable } from './history-table.ts';

export function renderHistoryConsole(s: HistorySeries, a: SeriesAnalysis): string {
  const unit = a.measured[0]?.unit ?? null;
  const total = a.measured.length;
  const head = `${s.case.id} on machine ${s.machine}, mode ${s.mode}: ${total} measured night${total === 1 ? '' : 's'}${s.points.length < total ? ` (the last ${s.points.length} shown)` : ''}, ` +
    (a.tooShort ? `history too short for change-point detection (it needs ${a.minimum} measured nights)` : `${a.changes.length} change point${a.changes.length === 1 ? '' : 's'}`);
  const rows: string[][] = [['night', 'sha', 'median', '95% CI', 'n', '']];
  const changeAt = new Map(a.changes.map((c) => [c.to.run, c]));
  const marks: Map<number, string> = new Map();
  for (const p of s.points) {
    const c = changeAt.get(p.run);
    if (c) marks.set(rows.length, `── change ${formatChange(c.magnitude)} (${formatFigure(c.before, unit)} → ${formatFigure(c.after, unit)}), confidence ${formatConfidence(c.confidence)}, between ${shortSha(c.from.sha)} and ${shortSha(c.to.sha)}`);
    const ci = p.ci ? `${formatFigure(p.ci[0], p.unit)} – ${formatFigure(p.ci[1], p.unit)}` : '';
    const note = p.state === 'measured' ? (p.noisy ? 'noisy' : '') : `${p.state}${p.note ? `: ${p.note.split('\n')[0]}` : ''}`;
    rows.push([p.at.slice(0, 16).replace('T', ' '), shortSha(p.sha), formatFigure(p.median, p.unit), ci, p.n === null ? '' : String(p.n), note]);
  }
  const lines = padTable(rows);
  const out = [head];
  lines.forEach((l, i) => {
    const m = marks.get(i);
    if (m) out.push(`  ${m}`);
    out.push(`  ${l}`);
  });
  return `${out.join('\n')}\n`;
}

export function renderCaseList(cases: HistoryCase[], location: string): string {
  if (cases.length === 0) return `history store ${location} holds no runs yet; \`assay nightly\` or \`assay history import FILE\` records some\n`;
  const rows: string[][] = [['case', 'machine', 'mode', 'nights']];
  for (const c of cases) for (const s of c.series) rows.push([c.id, s.machine, s.mode, String(s.points)]);
  return `${[`history store ${location}: ${cases.length} case${cases.length === 1 ? '' : 's'}`, ...padTable(rows).map((l) => `  ${l}`)].join('\n')}\n`;
}
