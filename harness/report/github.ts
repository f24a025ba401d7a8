// The GitHub Actions reporter: the markdown table appended to the job summary
// ($GITHUB_STEP_SUMMARY), and workflow-command annotations for slower cases:
// `::error` when the case fails the comparison, `::warning` when it does not.
import type { Comparison } from '../stats/compare.ts';
import { outcomeText } from './verdict-format.ts';
import { renderVerdictsMarkdown } from './verdict-markdown.ts';

/** Escapes a workflow command's message as GitHub's runner expects. */
function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** The annotation lines for a comparison, one per case worth a look. */
export function githubAnnotations(cmp: Comparison): string[] {
  const lines: string[] = [];
  for (const c of cmp.cases) {
    const failing = cmp.failing.includes(c.id);
    if (c.verdict !== 'slower' && !failing) continue;
    const level = failing ? 'error' : 'warning';
    lines.push(`::${level} title=${escapeProperty(`Assay: ${c.id} ${c.verdict}`)}::${escapeData(`${c.id} ${outcomeText(c, cmp.measure)}`)}`);
  }
  return lines;
}

/** The job summary text (markdown). */
export function githubSummary(cmp: Comparison): string {
  return `${renderVerdictsMarkdown(cmp)}\n`;
}
