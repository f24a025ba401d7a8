// The nightly summary: what `assay nightly` recorded and the change points that
// are new with it, as console text and as Markdown (for a CI job summary or a
// chat message). Pure functions over the summary the command assembles.
import type { SeriesChange } from '../stats/series-changes.ts';
import { formatPercent } from './format.ts';
import { formatChange, formatConfidence, formatFigure, shortSha } from './history-format.ts';

/** A change point that is new tonight, classified against the threshold. */
export interface NightlyChange extends SeriesChange {
  case: string;
  unit: string | null;
  /** `regression` and `improvement` lie beyond the threshold; `change` lies within it. */
  kind: 'regression' | 'improvement' | 'change';
}

export interface NightlySummary {
  schema: 1;
  store: string;
  run: { id: number; created: boolean; sha: string | null; branch: string | null; started_at: string; machine: string; mode: string };
  threshold: number;
  cases: { measured: number; failed: number; skipped: number };
  failed: Array<{ case: string; error: string }>;
  /** Cases whose history is still too short for change points, with their measured points. */
  too_short: Array<{ case: string; points: number }>;
  minimum_points: number;
  /** New change points, regressions first, largest first. */
  changes: NightlyChange[];
  regressions: number;
}

function changeLine(c: NightlyChange): string {
  return `${c.case}: ${formatChange(c.magnitude)} (${formatFigure(c.before, c.unit)} → ${formatFigure(c.after, c.unit)}), confidence ${formatConfidence(c.confidence)}, between ${shortSha(c.from.sha)} and ${shortSha(c.to.sha)}`;
}

export function renderNightlyConsole(s: NightlySummary): string {
  const out: string[] = [];
  const r = s.run;
  out.push(`nightly: run ${r.id} ${r.created ? 'recorded' : 'was already recorded'} in ${s.store} (${shortSha(r.sha)}${r.branch ? ` on ${r.branch}` : ''}, machine ${r.machine}, mode ${r.mode})`);
  out.push(`  ${s.cases.measured} measured, ${s.cases.failed} failed, ${s.cases.skipped} skipped`);
  for (const f of s.failed) out.push(`  failed: ${f.case}: ${f.error.split('\n')[0]}`);
  if (s.too_short.length) {
    out.push(`  history too short for change-point detection in ${s.too_short.length} case${s.too_short.length === 1 ? '' : 's'} (fewer than ${s.minimum_points} measured nights): ${s.too_short.slice(0, 5).map((t) => `${t.case} (${t.points})`).join(', ')}${s.too_short.length > 5 ? ', …' : ''}`);
  }
  if (s.changes.length === 0) out.push('  no new change points');
  for (const c of s.changes) out.push(`  ${c.kind === 'regression' ? 'REGRESSION' : c.kind === 'improvement' ? 'improvement' : 'change'}: ${changeLine(c)}`);
  out.push(s.regressions ? `nightly: ${s.regressions} new regression${s.regressions === 1 ? '' : 's'} beyond ${formatPercent(s.threshold)}` : `nightly: no new regression beyond ${formatPercent(s.threshold)}`);
  return `${out.join('\n')}\n`;
}

const cell = (t: string): string => t.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function renderNightlyMarkdown(s: NightlySummary): string {
  const r = s.run;
  const out = [
    `### Assay nightly: ${s.regressions ? `❌ ${s.regressions} new regression${s.regressions === 1 ? '' : 's'}` : '✅ no new regression'}`,
    '',
    `Run of \`${shortSha(r.sha)}\`${r.branch ? ` on \`${r.branch}\`` : ''}, ${r.started_at}, machine \`${r.machine}\`, mode ${r.mode}: ` +
      `${s.cases.measured} measured, ${s.cases.failed} failed, ${s.cases.skipped} skipped. Change points by E-Divisive means; a change beyond ±${formatPercent(s.threshold)} is a regression or an improvement.`,
    '',
  ];
  if (s.changes.length) {
    out.push('| case | change | before → after | confidence | between | kind |', '|---|--:|---|--:|---|---|');
    for (const c of s.changes) {
      const icon = c.kind === 'regression' ? '🔴' : c.kind === 'improvement' ? '🟢' : '⚪';
      out.push(`| ${[`\`${c.case}\``, formatChange(c.magnitude), `${formatFigure(c.before, c.unit)} → ${formatFigure(c.after, c.unit)}`, formatConfidence(c.confidence), `\`${shortSha(c.from.sha)}\` … \`${shortSha(c.to.sha)}\``, `${icon} ${c.kind}`].map(cell).join(' | ')} |`);
    }
  } else {
    out.push('No new change points.');
  }
  if (s.failed.length) {
    out.push('', '**Failed cases**', '');
    for (const f of s.failed) out.push(`- \`${f.case}\`: ${cell(f.error.split('\n')[0] ?? '')}`);
  }
  if (s.too_short.length) out.push('', `History too short for change-point detection (fewer than ${s.minimum_points} measured nights) in ${s.too_short.length} case${s.too_short.length === 1 ? '' : 's'}.`);
  return `${out.join('\n')}\n`;
}
