// The markdown reporter: the same tables as the console, ready to paste into a
// pull request or a job summary. A pure function of the RunResult.
import type { RunResult } from '../model/types.ts';
import { stateCounts, tableGroups } from './table.ts';
import { measuredText } from './format.ts';

function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

export function renderMarkdown(run: RunResult): string {
  const out: string[] = ['# Assay run', ''];
  const n = stateCounts(run);
  out.push(
    `${run.cases.length} cases: ${n.measured} measured (${n.noisy} noisy), ${n.failed} failed, ${n.skipped} skipped.`,
    `Machine \`${run.machine.id}\` (${run.machine.cpu.model}, ${run.machine.cpu.cores} cores), Node ${run.machine.node}` +
      (run.git.sha ? `, git \`${run.git.sha.slice(0, 10)}\`${run.git.dirty ? ' (dirty)' : ''}` : '') +
      `, ${measuredText(run)}.`,
  );
  for (const g of tableGroups(run)) {
    out.push('', `## ${cell(g.title)}`, '', '| variant | params | median | 95% CI of median | throughput | vs ref | state |', '|---|---|--:|---|---|--:|---|');
    for (const r of g.rows) out.push(`| ${[r.variant, r.params, r.median, r.ci, r.throughput, r.speedup, r.state].map(cell).join(' | ')} |`);
  }
  return out.join('\n') + '\n';
}
