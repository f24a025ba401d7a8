// What `assay bisect` prints: each step, then the culprit with its verdict
// against its parent (or why there is none). A pure function over the result;
// the shape is declared here, as the report needs it, and ab/bisect.ts's
// result fits it.
import type { CaseComparison } from '../stats/compare.ts';
import { shortSha } from './history-format.ts';
import { changeText, ciText, medianText } from './verdict-format.ts';

interface Rev {
  sha: string;
  subject: string;
}

export interface BisectReport {
  case: string;
  good: Rev;
  bad: Rev;
  revisions: number;
  slowdown: CaseComparison;
  steps: Array<Rev & { ratio: number | null; verdict: string; judged: string }>;
  culprit: (Rev & { parent: string; comparison: CaseComparison }) | null;
  reason?: string;
}

const change = (c: CaseComparison): string => (c.ratio === null ? c.verdict : `${c.verdict}, ${changeText(c.ratio)} (95% CI ${ciText(c)})`);

export function renderBisect(r: BisectReport): string {
  const out = [`bisect ${r.case}: ${shortSha(r.good.sha)} (good) .. ${shortSha(r.bad.sha)} (bad), ${r.revisions} commit${r.revisions === 1 ? '' : 's'}`];
  out.push(`  bad against good: ${change(r.slowdown)} (${medianText(r.slowdown.base)} -> ${medianText(r.slowdown.head)})`);
  for (const [i, s] of r.steps.entries()) out.push(`  step ${i + 1}: ${shortSha(s.sha)} ${JSON.stringify(s.subject)}: ${s.ratio === null ? '?' : `${s.ratio.toFixed(3)}×`} of good -> ${s.judged}`);
  if (!r.culprit) {
    out.push(`no culprit: ${r.reason ?? 'bad is not slower than good'}`);
  } else {
    const c = r.culprit.comparison;
    out.push(`culprit: ${r.culprit.sha} ${JSON.stringify(r.culprit.subject)}`);
    out.push(`  against its parent ${shortSha(r.culprit.parent)}: ${change(c)} (${medianText(c.base)} -> ${medianText(c.head)})`);
  }
  return `${out.join('\n')}\n`;
}
