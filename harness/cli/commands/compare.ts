// `assay compare BASE [HEAD]`: verdicts for HEAD against BASE, each a baseline
// name or a result file; without HEAD, a RunResult read from stdin
// (`assay run --json - | assay compare main`).
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { UsageError } from '../../model/errors.ts';
import { captureMachine } from '../../env/machine.ts';
import { baselinesRoot } from '../../store/baselines.ts';
import { compare } from '../../store/compare-runs.ts';
import { parseRunResult } from '../../store/read-result.ts';
import { loadSide, type LoadedSide } from '../../store/resolve.ts';
import { parseOrUsage } from '../args.ts';
import type { Outcome } from '../exit.ts';
import { reportComparison, VERDICT_OPTIONS, verdictSettings } from '../verdict-options.ts';
import { MEASURE_OPTION, measureOption } from '../measure-option.ts';

export async function compareCommand(args: string[]): Promise<Outcome> {
  const { values, positionals } = parseOrUsage(() => parseArgs({ args, allowPositionals: true, options: { ...VERDICT_OPTIONS, ...MEASURE_OPTION } }), 'compare');
  if (positionals.length < 1 || positionals.length > 2) throw new UsageError('compare takes BASE and optionally HEAD: baseline names or result files (HEAD from stdin when omitted)');
  const s = verdictSettings(values);
  const measure = measureOption(values.measure);
  const root = baselinesRoot();
  const machine = captureMachine();
  const opts = { root, machine, allowMismatch: s.allowMismatch };
  const base = loadSide(positionals[0]!, opts);
  const head: LoadedSide = positionals[1] !== undefined ? loadSide(positionals[1], opts) : await stdinSide();
  // baselines were checked against this machine as they loaded; two files are checked against each other
  const cmp = compare(base.run, head.run, {
    baseLabel: base.label,
    baseDescription: `${base.isBaseline ? 'baseline' : 'result file'} ${base.label}`,
    headLabel: head.label,
    headDescription: `${head.isBaseline ? 'baseline' : 'result file'} ${head.label}`,
    ...(measure ? { measure } : {}),
    failOn: s.failOn,
    allowMachineMismatch: s.allowMismatch,
    ...(s.threshold !== undefined ? { threshold: s.threshold } : {}),
  });
  reportComparison(cmp, s);
  return { kind: 'comparison', comparison: cmp };
}

async function stdinSide(): Promise<LoadedSide> {
  if (process.stdin.isTTY) throw new UsageError('compare: give HEAD (a baseline name or result file), or pipe a RunResult into stdin (assay run --json - | assay compare BASE)');
  const text = readFileSync(0, 'utf8');
  return { run: parseRunResult(text, '(stdin)', 'the run on stdin'), label: 'stdin', file: '(stdin)', isBaseline: false };
}
