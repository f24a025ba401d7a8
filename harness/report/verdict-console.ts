// The console reporter of a comparison: one row per case with both medians, the
// change and its interval, and the verdict; reasons spelled out under their row.
import type { Comparison } from '../stats/compare.ts';
import { formatPercent } from './format.ts';
import { changeText, ciText, medianText, modeText } from './verdict-format.ts';

const HEADERS = ['case', 'base', 'head', 'change', '95% CI of change', 'verdict'] as const;
const COLORS: Record<string, string> = { slower: '31', faster: '32', inconclusive: '33', failed: '31', same: '2', new: '36', missing: '36' };

export function renderVerdictsConsole(cmp: Comparison, style: { color: boolean } = { color: false }): string {
  const c = (code: string, s: string): string => (style.color ? `\x1b[${code}m${s}\x1b[0m` : s);
  const cells = cmp.cases.map((x) => [x.id, medianText(x.base, cmp.measure), medianText(x.head, cmp.measure), x.ratio !== null ? changeText(x.ratio) : '', ciText(x), x.verdict]);
  const widths = HEADERS.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i]!.length)));
  const fmt = (row: readonly string[]): string =>
    row
      .map((cell, i) => (i >= 1 && i <= 3 ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const lines = ['', c('1', `${cmp.head.label} against ${cmp.base.label} (${modeText(cmp)})`), c('2', `  ${fmt(HEADERS)}`)];
  cmp.cases.forEach((x, i) => {
    const gating = cmp.failing.includes(x.id);
    lines.push(c(COLORS[x.verdict] ?? '0', `  ${fmt(cells[i]!)}${gating ? '  ✗' : ''}`));
    if (x.reason && (x.verdict === 'failed' || x.reason.startsWith('skipped'))) lines.push(c('2', `      ${x.reason}`));
    const why = processSpreadNote(x);
    if (why) lines.push(c('2', `      ${why}`));
  });
  const n = cmp.counts;
  lines.push(
    '',
    `${cmp.cases.length} cases: ${n.slower} slower, ${n.faster} faster, ${n.same} same, ${n.inconclusive} inconclusive, ${n.failed} failed, ${n.new} new, ${n.missing} missing` +
      ` · threshold ±${formatPercent(cmp.threshold)}` +
      (cmp.failing.length ? ` · FAIL: ${cmp.failing.length} case${cmp.failing.length === 1 ? '' : 's'} ${cmp.fail_on.join('/')}` : ' · pass'),
  );
  return lines.join('\n') + '\n';
}

/**
 * Why an inconclusive case is inconclusive, when its processes disagreed: each
 * one's change, so a reader sees code whose speed depends on the process (a
 * GC-heavy function, JIT luck) rather than a measurement short of samples.
 */
function processSpreadNote(x: Comparison['cases'][number]): string | null {
  if (x.verdict !== 'inconclusive' || !x.per_process || x.per_process.length < 2) return null;
  const lo = Math.min(...x.per_process);
  const hi = Math.max(...x.per_process);
  if (hi / lo - 1 < 0.02) return null;
  const each = x.per_process.map(changeText).join(', ');
  return `the processes disagree: their changes are ${each}; this code runs at a different speed in each process, so more processes (--processes), not more time, narrow it`;
}
