// `assay run`: verify and measure cases, print the table, write JSON/markdown.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ALL_KINDS, parseKinds } from '../../backends/registry.ts';
import { EXIT, UsageError } from '../../core/errors.ts';
import { run } from '../../core/run.ts';
import type { ArtifactKind } from '../../core/types.ts';
import { QUICK_BUDGET_S, resolveMeasureOptions } from '../../measure/measure.ts';
import { renderConsole } from '../../report/console.ts';
import { renderJson } from '../../report/json.ts';
import { renderMarkdown } from '../../report/markdown.ts';
import { writeOutput } from '../output.ts';
import { listOption, parseOrUsage } from '../args.ts';
import { progressiveCases } from '../partial.ts';
import { createProgress } from '../progress.ts';

/** The shell's convention for a command ended by SIGINT. */
const EXIT_INTERRUPTED = 130;

export async function runCommand(args: string[]): Promise<number> {
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
        },
      }),
    'run',
  );
  let backends: ArtifactKind[] | undefined;
  if (values.backend !== undefined) {
    try {
      backends = parseKinds(values.backend);
    } catch (e) {
      throw new UsageError(`--backend: ${(e as Error).message}`);
    }
  }
  let budgetS: number | undefined;
  if (values.time !== undefined) {
    budgetS = Number(values.time);
    if (!(budgetS > 0) || !Number.isFinite(budgetS)) throw new UsageError(`--time takes a positive number of seconds, not "${values.time}"`);
  } else if (values.quick) budgetS = QUICK_BUDGET_S;

  const paths = positionals.filter((p) => existsSync(p));
  const filters = positionals.filter((p) => !existsSync(p));
  const problems = listOption(values.problem);
  const progress = createProgress();
  const jsonToStdout = values.json === '-';
  const mdToStdout = values.markdown === '-';

  // The first Ctrl-C lets the case in hand finish and still writes the report; the second quits.
  const interrupt = new AbortController();
  const onSigint = (): void => {
    if (interrupt.signal.aborted) process.exit(EXIT_INTERRUPTED);
    interrupt.abort();
    process.stderr.write('\nassay: interrupted; finishing the case in hand, then reporting what was measured (Ctrl-C again quits now)\n');
  };
  process.on('SIGINT', onSigint);
  // --json FILE is rewritten after every case (marked partial), so a crash in a native runtime loses only the case in hand
  const saved = progressiveCases(values.json, () => {
    const m = resolveMeasureOptions(budgetS !== undefined ? { budgetS } : {});
    return { budget_s: m.budgetS, warmup_s: m.warmupS, target_rel_ci: m.targetRelCI, min_samples: m.minSamples, backends: backends ?? ALL_KINDS, problems: problems.length ? problems : null, paths, filters };
  });
  let result;
  try {
    result = await run({
      signal: interrupt.signal,
      paths,
      filters,
      ...(problems.length ? { problems } : {}),
      ...(values.candidate?.length ? { candidates: values.candidate } : {}),
      ...(backends ? { backends } : {}),
      measure: { ...(budgetS !== undefined ? { budgetS } : {}), keepSamples: !values['no-samples'] },
      onEvent: (e) => {
        progress.onEvent(e);
        if (e.type === 'case-end') saved.add(e.result);
      },
    });
  } finally {
    progress.stop();
    process.off('SIGINT', onSigint);
  }

  // the table goes to stdout unless stdout already carries JSON or markdown
  const tableStream = jsonToStdout || mdToStdout ? process.stderr : process.stdout;
  tableStream.write(renderConsole(result, { color: Boolean(tableStream.isTTY) && !process.env.NO_COLOR }));
  if (values.json !== undefined) writeOutput(values.json, renderJson(result));
  if (values.markdown !== undefined) writeOutput(values.markdown, renderMarkdown(result));
  for (const [flag, file] of [['json', values.json], ['markdown', values.markdown]] as const) {
    if (file !== undefined && file !== '-') process.stderr.write(`wrote ${flag} to ${path.relative(process.cwd(), path.resolve(file))}\n`);
  }
  if (interrupt.signal.aborted) return EXIT_INTERRUPTED;
  // a candidate that does not build is an input error (exit 2), like a bench file that does not load
  const candidates = result.config.candidates ?? [];
  const unbuilt = result.cases.filter((c) => c.state === 'failed' && c.stage === 'build' && candidates.includes(c.variant));
  if (unbuilt.length) {
    const first = unbuilt[0]!;
    process.stderr.write(`assay: the candidate did not build:\n${first.state === 'failed' ? first.error : ''}\n`);
    return EXIT.usage;
  }
  return result.cases.some((c) => c.state === 'failed') ? EXIT.regression : EXIT.ok;
}
