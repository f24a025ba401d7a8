// Formatting shared by the verdict reporters: changes as signed percentages and
// the order in which cases are listed.
import type { CaseComparison, Comparison } from '../stats/compare.ts';
import { formatValue, paramsText } from './format.ts';

/** A ratio as a signed change: 1.123 -> `+12.3%`, 0.9 -> `-10.0%`. */
export function changeText(ratio: number): string {
  const pct = (ratio - 1) * 100;
  const digits = Math.abs(pct) < 10 ? 1 : 0;
  const s = pct.toFixed(digits);
  return `${pct >= 0 && !s.startsWith('-') ? '+' : ''}${s === '-0.0' ? '0.0' : s}%`;
}

export function ciText(c: CaseComparison): string {
  return c.ci ? `${changeText(c.ci[0])} … ${changeText(c.ci[1])}` : '';
}

/** A side's median in the comparison's unit (ns, or instructions). */
export function medianText(side: CaseComparison['base'], measure: Comparison['measure'] = 'time'): string {
  return side ? formatValue(side.median, measure === 'instructions' ? 'instr' : 'ns') : '';
}

/** How the two sides were measured and paired, in words. */
export function modeText(cmp: Comparison): string {
  const how = cmp.mode === 'interleaved' ? 'interleaved, paired samples' : cmp.mode === 'side-by-side' ? 'each side in its own process, at the same time' : 'stored runs';
  return cmp.measure === 'instructions' ? `instruction counts, ${how}` : how;
}

/** The case's name as tables show it. */
export function caseText(c: CaseComparison): string {
  return c.id;
}

export { paramsText };

/** Cases by the size of their change, largest first; cases without a ratio after them, failed ones first. */
export function byLargestChange(cases: CaseComparison[]): CaseComparison[] {
  const rank = (c: CaseComparison): number => (c.ratio !== null ? 0 : c.verdict === 'failed' ? 1 : 2);
  return [...cases].sort((a, b) => rank(a) - rank(b) || (a.ratio !== null && b.ratio !== null ? Math.abs(Math.log(b.ratio)) - Math.abs(Math.log(a.ratio)) : 0));
}

/** A one-line description of a case's outcome, for annotations and notes. */
export function outcomeText(c: CaseComparison, measure: Comparison['measure'] = 'time'): string {
  if (c.ratio !== null) return `${c.verdict}: ${changeText(c.ratio)} (95% CI ${ciText(c)}), ${medianText(c.base, measure)} -> ${medianText(c.head, measure)}`;
  return `${c.verdict}${c.reason ? `: ${c.reason}` : ''}`;
}
