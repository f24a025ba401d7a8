// `assay compare BASE [HEAD]`: verdicts for HEAD against BASE, each a baseline
// name or a result file; without HEAD, a RunResult read from stdin
// (`assay run --json - | assay compare main`).
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { UsageError } from '../../model/errors.ts';
import { captureMachine } from '../../env/machine.ts';
import { compareCases, makeComparison } from '../../stats/compare.ts';
import { baselinesRoot } from '../../store/baselines.ts';
import { checkSameMachine } from '../../store/machine-check.ts';
import { parseRunResult } from '../../store/read-result.ts';
import { loadSide, type LoadedSide } from '../../store/resolve.ts';
import { parseOrUsage } from '../args.ts';
import { reportComparison, VERDICT_OPTIONS, verdictSettings } from '../verdict-options.ts';

export async function compareCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseOrUsage(() => parseArgs({ args, allowPositionals: true, options: { ...VERDICT_OPTIONS } }), 'compare');
  if (positionals.length < 1 || positionals.length > 2) throw new UsageError('compare takes BASE and optionally HEAD: baseline names or result files (HEAD from stdin when omitted)');
  const s = verdictSettings(values);
  const root = baselinesRoot();
  const machine = captureMachine();
  const opts = { root, machine, allowMismatch: s.allowMismatch };
  const base = loadSide(positionals[0]!, opts);
  const head: LoadedSide = positionals[1] !== undefined ? loadSide(positionals[1], opts) : await stdinSide();
  // baselines were checked against this machine as they loaded; two files are checked against each other
  checkSameMachine(`${base.isBaseline ? 'baseline' : 'result file'} ${base.label}`, base.run.machine, head.run.machine, s.allowMismatch);
  const cases = compareCases(base.run.cases, head.run.cases, s.threshold !== undefined ? { threshold: s.threshold } : {});
  const cmp = makeComparison(cases, {
    mode: 'stored',
    base: { label: base.label, machine: base.run.machine.id, git: base.run.git?.sha ?? null },
    head: { label: head.label, machine: head.run.machine.id, git: head.run.git?.sha ?? null },
    failOn: s.failOn,
    ...(s.threshold !== undefined ? { threshold: s.threshold } : {}),
  });
  return reportComparison(cmp, s);
}

async function stdinSide(): Promise<LoadedSide> {
  if (process.stdin.isTTY) throw new UsageError('compare: give HEAD (a baseline name or result file), or pipe a RunResult into stdin (assay run --json - | assay compare BASE)');
  const text = readFileSync(0, 'utf8');
  return { run: parseRunResult(text, '(stdin)', 'the run on stdin'), label: 'stdin', file: '(stdin)', isBaseline: false };
}
