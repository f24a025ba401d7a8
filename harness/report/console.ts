// The console reporter: one aligned table per problem, failures spelled out in
// full under their row, and a summary line. A pure function of the RunResult.
import type { RunResult } from '../model/types.ts';
import { stateCounts, tableGroups } from './table.ts';
import { measuredText } from './format.ts';

export interface ConsoleStyle {
  color: boolean;
}

const HEADERS = ['variant', 'params', 'median', '95% CI of median', 'throughput', 'vs ref', 'state'] as const;

export function renderConsole(run: RunResult, style: ConsoleStyle = { color: false }): string {
  const c = (code: string, s: string): string => (style.color ? `\x1b[${code}m${s}\x1b[0m` : s);
  const lines: string[] = [];
  for (const g of tableGroups(run)) {
    const cells = g.rows.map((r) => [r.variant, r.params, r.median, r.ci, r.throughput, r.speedup, r.state.split(':')[0]!]);
    const widths = HEADERS.map((h, i) => Math.max(h.length, ...cells.map((row) => row[i]!.length)));
    const fmt = (row: readonly string[]): string =>
      row
        .map((cell, i) => (i === 2 || i === 5 ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
        .join('  ')
        .trimEnd();
    lines.push('', c('1', g.title), c('2', `  ${fmt(HEADERS)}`));
    g.rows.forEach((r, i) => {
      const state = r.result.state;
      let line = `  ${fmt(cells[i]!)}`;
      if (state === 'failed') line = c('31', line);
      else if (state === 'skipped') line = c('2', line);
      else if (state === 'measured' && r.result.stats.noisy) line = c('33', line);
      lines.push(line);
      if (state !== 'measured' || r.result.stats.noisy) lines.push(c('2', `      ${r.state}`));
    });
  }
  const n = stateCounts(run);
  lines.push(
    '',
    `${run.cases.length} cases: ${n.measured} measured (${n.noisy} noisy), ${n.failed} failed, ${n.skipped} skipped` +
      ` · ${measuredText(run)} · machine ${run.machine.id}`,
  );
  return lines.join('\n') + '\n';
}
