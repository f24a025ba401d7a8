// `assay run`: verify and measure cases, print the table, write JSON/markdown.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { unbuiltCandidates, type Outcome } from '../exit.ts';
import { run, type RunOptions } from '../../run/run.ts';
import type { RunEvent } from '../../run/events.ts';
import { DEFAULT_BASELINE_PROCESSES, runInProcesses } from '../../runner/processes.ts';
import { runCounted } from '../../runner/counted-run.ts';
import { MEASURE_OPTION, measureOption } from '../measure-option.ts';
import { checkSameMode, measureModeOf } from '../../store/mode-check.ts';
import { renderConsole } from '../../report/console.ts';
import { renderJson } from '../../report/json.ts';
import { renderMarkdown } from '../../report/markdown.ts';
import { writeOutput } from '../output.ts';
import { backendsOption, budgetOption, listOption, parseOrUsage, processesOption } from '../args.ts';
import { progressiveJson } from '../partial.ts';
import { listenForInterrupt } from '../interrupt.ts';
import { createProgress } from '../progress.ts';
import { reportComparison, VERDICT_OPTIONS, verdictSettings } from '../verdict-options.ts';
import { captureMachine } from '../../env/machine.ts';
import { compare } from '../../store/compare-runs.ts';
import { baselinesRoot, checkBaselineName, loadBaseline, rel, saveBaseline } from '../../store/baselines.ts';
import type { RunResult } from '../../model/types.ts';
import { UsageError } from '../../model/errors.ts';

export async function runCommand(args: string[]): Promise<Outcome> {
  const { values, positionals } = parseOrUsage(
    () =>
      parseArgs({
        args,
        allowPositionals: true,
        options: {
          problem: { type: 'string', multiple: true },
          candidate: { type: 'string', multiple: true },
          backend: { type: 'string' },
          time: { type: 'string' },
          quick: { type: 'boolean' },
          json: { type: 'string' },
          markdown: { type: 'string' },
          'no-samples': { type: 'boolean' },
          'save-baseline': { type: 'string' },
          processes: { type: 'string' },
          baseline: { type: 'string' },
          threshold: VERDICT_OPTIONS.threshold,
          'fail-on': VERDICT_OPTIONS['fail-on'],
          github: VERDICT_OPTIONS.github,
          'allow-machine-mismatch': VERDICT_OPTIONS['allow-machine-mismatch'],
          ...MEASURE_OPTION,
        },
      }),
    'run',
  );
  const backends = backendsOption(values.backend);
  const budgetS = budgetOption(values);
  const mode = measureOption(values.measure) ?? 'time';

  // the baseline is read before anything is measured: a missing or corrupt one costs no time
  const verdicts = verdictSettings({ ...values, json: undefined, markdown: undefined });
  const root = baselinesRoot();
  if (values['save-baseline'] !== undefined) checkBaselineName(values['save-baseline']);
  const baseline = values.baseline !== undefined ? loadBaseline(values.baseline, { root, machine: captureMachine(), allowMismatch: verdicts.allowMismatch }) : null;
  if (baseline) checkSameMode(`baseline "${values.baseline}"`, measureModeOf(baseline.run), 'this run', mode);

  const paths = positionals.filter((p) => existsSync(p));
  const filters = positionals.filter((p) => !existsSync(p));
  const problems = listOption(values.problem);
  const progress = createProgress();
  const jsonToStdout = values.json === '-';
  const mdToStdout = values.markdown === '-';

  // a stored baseline must show how much a case moves between processes, so saving or comparing measures in several
  const storing = values['save-baseline'] !== undefined || baseline !== null;
  // counts repeat from one process to the next: one counting runner is enough
  if (mode === 'instructions' && values.processes !== undefined) throw new UsageError('--processes does not apply to --measure instructions: counts repeat from one process to the next, and one runner counts every case');
  const processes = mode === 'instructions' ? 1 : processesOption(values.processes, storing ? DEFAULT_BASELINE_PROCESSES : 1);
  const interrupt = listenForInterrupt();
  // --json FILE is rewritten after every case (marked partial), so a crash in a native runtime loses only the case in hand
  const saved = progressiveJson(values.json);
  let result;
  try {
    const runOpts = {
      signal: interrupt.signal,
      paths,
      filters,
      ...(problems.length ? { problems } : {}),
      ...(values.candidate?.length ? { candidates: values.candidate } : {}),
      ...(backends ? { backends } : {}),
      // a baseline keeps the raw samples even when the JSON report leaves them out
      measure: { ...(budgetS !== undefined ? { budgetS } : {}), keepSamples: !values['no-samples'] || values['save-baseline'] !== undefined || baseline !== null },
      onEvent: (e: RunEvent) => progress.onEvent(e),
      onProgress: (soFar: RunResult) => saved.update(soFar),
    } satisfies RunOptions;
    // instruction counts come from a runner under callgrind; time is measured here, or in K runner processes
    if (mode === 'instructions') result = await runCounted(runOpts);
    else result = processes > 1 ? await runInProcesses({ ...runOpts, processes }) : await run(runOpts);
  } finally {
    progress.stop();
    interrupt.release();
  }

  // the table goes to stdout unless stdout already carries JSON or markdown
  const tableStream = jsonToStdout || mdToStdout ? process.stderr : process.stdout;
  tableStream.write(renderConsole(result, { color: Boolean(tableStream.isTTY) && !process.env.NO_COLOR }));
  if (values.json !== undefined) writeOutput(values.json, renderJson(values['no-samples'] ? withoutSamples(result) : result));
  if (values.markdown !== undefined) writeOutput(values.markdown, renderMarkdown(result));
  for (const [flag, file] of [['json', values.json], ['markdown', values.markdown]] as const) {
    if (file !== undefined && file !== '-') process.stderr.write(`wrote ${flag} to ${path.relative(process.cwd(), path.resolve(file))}\n`);
  }
  let comparison;
  if (baseline) {
    const cmp = compare(baseline.run, result, {
      baseLabel: `baseline ${values.baseline}`,
      headLabel: 'this run',
      headDescription: 'this run',
      failOn: verdicts.failOn,
      allowMachineMismatch: verdicts.allowMismatch,
      ...(verdicts.threshold !== undefined ? { threshold: verdicts.threshold } : {}),
    });
    reportComparison(cmp, { ...verdicts, stdoutTaken: jsonToStdout || mdToStdout });
    comparison = cmp;
  }
  if (interrupt.signal.aborted) return { kind: 'run', result, interrupted: true };
  if (values['save-baseline'] !== undefined) {
    const file = saveBaseline(result, values['save-baseline'], root);
    process.stderr.write(`saved baseline "${values['save-baseline']}" to ${rel(file)}\n`);
  }
  const unbuilt = unbuiltCandidates(result)[0];
  if (unbuilt) process.stderr.write(`assay: the candidate did not build:\n${unbuilt.error}\n`);
  return { kind: 'run', result, ...(comparison ? { comparison } : {}) };
}

/** The run without raw samples, for `--json` with `--no-samples` when a baseline kept them. */
function withoutSamples(run: RunResult): RunResult {
  return { ...run, cases: run.cases.map((c) => (c.state === 'measured' && c.stats.samples ? { ...c, stats: { ...c.stats, samples: undefined } } : c)) };
}
