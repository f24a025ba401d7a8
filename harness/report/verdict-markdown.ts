// The markdown reporter of a comparison: a table ready to paste as a pull-request
// comment (or a GitHub job summary), largest changes first.
import type { Comparison } from '../stats/compare.ts';
import { formatPercent } from './format.ts';
import { byLargestChange, changeText, ciText, medianText } from './verdict-format.ts';

const ICON: Record<string, string> = { slower: '🔴', faster: '🟢', same: '⚪', inconclusive: '🟡', failed: '❌', new: '🆕', missing: '➖' };

function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

export function renderVerdictsMarkdown(cmp: Comparison): string {
  const n = cmp.counts;
  const out = [
    `### Assay: ${cell(cmp.head.label)} against ${cell(cmp.base.label)}`,
    '',
    `**${cmp.failing.length ? `❌ ${cmp.failing.length} case${cmp.failing.length === 1 ? '' : 's'} ${cmp.fail_on.join('/')}` : '✅ no regressions'}** · ` +
      `${n.slower} slower, ${n.faster} faster, ${n.same} same, ${n.inconclusive} inconclusive, ${n.failed} failed, ${n.new} new, ${n.missing} missing.`,
    '',
    `Change is median(head) / median(base) − 1 with a ${Math.round(cmp.confidence * 100)}% bootstrap CI` +
      `${cmp.mode === 'interleaved' ? ` from paired, interleaved samples${processPairs(cmp) > 1 ? ` of ${processPairs(cmp)} process pairs` : ''}` : ''}` +
      `${cmp.measure === 'instructions' ? ', of instructions per call counted under callgrind' : ''}; a change within ±${formatPercent(cmp.threshold)} is noise. ` +
      `Machine \`${cmp.head.machine}\`${cmp.base.machine !== cmp.head.machine ? ` (base: \`${cmp.base.machine}\`)` : ''}.`,
    '',
    '| case | base | head | change | 95% CI | verdict |',
    '|---|--:|--:|--:|---|---|',
  ];
  for (const c of byLargestChange(cmp.cases)) {
    const verdict = `${ICON[c.verdict] ?? ''} ${c.verdict}${c.reason && c.verdict !== 'new' && c.verdict !== 'missing' ? ` (${c.reason})` : ''}`;
    out.push(`| ${[`\`${c.id}\``, medianText(c.base, cmp.measure), medianText(c.head, cmp.measure), c.ratio !== null ? changeText(c.ratio) : '', ciText(c), verdict].map(cell).join(' | ')} |`);
  }
  return out.join('\n') + '\n';
}

/** How many runner process pairs the interleaved samples came from. */
function processPairs(cmp: Comparison): number {
  return Math.max(1, ...cmp.cases.map((c) => c.processes ?? 1));
}
