// The options every command that gives verdicts shares (compare, run --baseline,
// ab): the threshold, what fails the comparison, and where the report goes;
// and the one function that reports a comparison and maps it to an exit code.
import { appendFileSync } from 'node:fs';
import { UsageError } from '../model/errors.ts';
import { githubAnnotations, githubSummary } from '../report/github.ts';
import { renderVerdictsConsole } from '../report/verdict-console.ts';
import { renderVerdictsMarkdown } from '../report/verdict-markdown.ts';
import { VERDICTS, type Comparison, type Verdict } from '../stats/compare.ts';
import { listOption } from './args.ts';
import { writeOutput } from './output.ts';

/** parseArgs option specs of the verdict options. */
export const VERDICT_OPTIONS = {
  threshold: { type: 'string' },
  'fail-on': { type: 'string', multiple: true },
  json: { type: 'string' },
  markdown: { type: 'string' },
  github: { type: 'boolean' },
  'allow-machine-mismatch': { type: 'boolean' },
} as const;

export interface VerdictSettings {
  threshold?: number;
  failOn: Verdict[];
  json?: string;
  markdown?: string;
  github: boolean;
  allowMismatch: boolean;
  /** Stdout already carries a document (run --json -): the table and annotations go to stderr. */
  stdoutTaken?: boolean;
}

export function verdictSettings(values: { threshold?: string; 'fail-on'?: string[]; json?: string; markdown?: string; github?: boolean; 'allow-machine-mismatch'?: boolean }): VerdictSettings {
  const out: VerdictSettings = {
    failOn: parseFailOn(values['fail-on']),
    github: Boolean(values.github) || process.env.GITHUB_ACTIONS === 'true',
    allowMismatch: Boolean(values['allow-machine-mismatch']),
  };
  if (values.threshold !== undefined) out.threshold = parseThreshold(values.threshold);
  if (values.json !== undefined) out.json = values.json;
  if (values.markdown !== undefined) out.markdown = values.markdown;
  return out;
}

/** `2%` or `0.02`: a fraction between 0 and 1. */
export function parseThreshold(text: string): number {
  const pct = text.trim().endsWith('%');
  const v = Number(pct ? text.trim().slice(0, -1) : text);
  const t = pct ? v / 100 : v;
  if (!Number.isFinite(t) || t <= 0 || t >= 1) {
    throw new UsageError(`--threshold takes a fraction or a percentage between 0 and 100%, such as 0.02 or 2%, not "${text}"`);
  }
  return t;
}

function parseFailOn(values: string[] | undefined): Verdict[] {
  const list = listOption(values);
  if (list.length === 0) return ['slower'];
  const bad = list.filter((v) => !VERDICTS.includes(v as Verdict));
  if (bad.length) throw new UsageError(`--fail-on: unknown verdict ${bad.map((b) => `"${b}"`).join(', ')}; the verdicts are ${VERDICTS.join(', ')}`);
  return [...new Set(list)] as Verdict[];
}

/** Prints and writes a comparison as the settings ask; cli/exit.ts judges it. */
export function reportComparison(cmp: Comparison, s: VerdictSettings): void {
  const toStdout = s.json === '-' || s.markdown === '-' || Boolean(s.stdoutTaken);
  const stream = toStdout ? process.stderr : process.stdout;
  stream.write(renderVerdictsConsole(cmp, { color: Boolean(stream.isTTY) && !process.env.NO_COLOR }));
  if (s.json !== undefined) writeOutput(s.json, `${JSON.stringify(cmp, null, 2)}\n`);
  if (s.markdown !== undefined) writeOutput(s.markdown, renderVerdictsMarkdown(cmp));
  if (s.github) {
    const annotations = githubAnnotations(cmp);
    if (annotations.length) stream.write(`${annotations.join('\n')}\n`);
    const summary = process.env.GITHUB_STEP_SUMMARY;
    if (summary) {
      try {
        appendFileSync(summary, githubSummary(cmp));
      } catch (e) {
        process.stderr.write(`assay: cannot append to GITHUB_STEP_SUMMARY (${summary}): ${(e as Error).message}\n`);
      }
    }
  }
}
