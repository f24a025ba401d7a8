// `assay nightly [PATHS/FILTERS] [options]`: runs the suite, records the run in
// the history store, looks for change points in each case's history on this
// machine, and reports those that are new with tonight's run. Exit 1 when one
// of them is a regression beyond the threshold, or a case failed.
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { UsageError } from '../../model/errors.ts';
import { displayPath } from '../../model/files.ts';
import type { RunResult } from '../../model/types.ts';
import { run } from '../../run/run.ts';
import { requireValgrind } from '../../runner/callgrind.ts';
import { defaultThreshold } from '../../stats/compare.ts';
import { changesNewWith } from '../../stats/series-changes.ts';
import { historyLocation, openHistoryStore } from '../../store/history/open.ts';
import { modeOf } from '../../store/history/rows.ts';
import type { HistoryStore } from '../../store/history/store.ts';
import { renderNightlyConsole, renderNightlyMarkdown, type NightlyChange, type NightlySummary } from '../../report/nightly.ts';
import { backendsOption, budgetOption, listOption, parseOrUsage } from '../args.ts';
import type { Outcome } from '../exit.ts';
import { listenForInterrupt } from '../interrupt.ts';
import { writeOutput } from '../output.ts';
import { createProgress } from '../progress.ts';
import { parseThreshold } from '../verdict-options.ts';
import { measureOption } from '../measure-option.ts';
import { runCounted } from '../../runner/counted-run.ts';

export async function nightlyCommand(args: string[]): Promise<Outcome> {
  const { values, positionals } = parseOrUsage(
    () =>
      parseArgs({
        args,
        allowPositionals: true,
        options: {
          db: { type: 'string' },
          problem: { type: 'string', multiple: true },
          backend: { type: 'string' },
          time: { type: 'string' },
          quick: { type: 'boolean' },
          measure: { type: 'string' },
          threshold: { type: 'string' },
          markdown: { type: 'string' },
          json: { type: 'string' },
        },
      }),
    'nightly',
  );
  const backends = backendsOption(values.backend);
  const budgetS = budgetOption(values);
  const mode = measureOption(values.measure) ?? 'time';
  // valgrind is looked for before the store is opened or anything measured (exit 3 without it)
  if (mode === 'instructions') requireValgrind();
  const threshold = values.threshold !== undefined ? parseThreshold(values.threshold) : defaultThreshold(mode);
  // the store is opened (and a bad one refused) before any time is spent measuring
  const store = await openHistoryStore(historyLocation(values.db));
  try {
    const paths = positionals.filter((p) => existsSync(p));
    const filters = positionals.filter((p) => !existsSync(p));
    const problems = listOption(values.problem);
    const interrupt = listenForInterrupt();
    const progress = createProgress();
    let result: RunResult;
    try {
      // instruction counts come from a runner under callgrind
      result = await (mode === 'instructions' ? runCounted : run)({
        signal: interrupt.signal,
        paths,
        filters,
        ...(problems.length ? { problems } : {}),
        ...(backends ? { backends } : {}),
        measure: { ...(budgetS !== undefined ? { budgetS } : {}), keepSamples: true },
        onEvent: (e) => progress.onEvent(e),
      });
    } finally {
      progress.stop();
      interrupt.release();
    }
    if (interrupt.signal.aborted) {
      process.stderr.write('nightly: interrupted, so nothing was recorded: a night cut short would read as a change\n');
      return { kind: 'nightly', regressions: 0, failed: 0, interrupted: true };
    }
    const summary = await recordNight(store, result, { mode, threshold });
    const toStdout = values.json === '-' || values.markdown === '-';
    (toStdout ? process.stderr : process.stdout).write(renderNightlyConsole(summary));
    if (values.markdown !== undefined) writeOutput(values.markdown, renderNightlyMarkdown(summary));
    if (values.json !== undefined) writeOutput(values.json, `${JSON.stringify(summary, null, 2)}\n`);
    return { kind: 'nightly', regressions: summary.regressions, failed: summary.failed.length };
  } finally {
    await store.close();
  }
}

/** Records a run and finds the change points that are new with it, in every case it measured. */
export async function recordNight(store: HistoryStore, result: RunResult, o: { mode: string; threshold: number }): Promise<NightlySummary> {
  if (modeOf(result, o.mode) !== o.mode) throw new UsageError(`the run was measured in mode ${modeOf(result)}, not ${o.mode}`);
  // a fleet job's night is keyed by its job id, so that a retried job records it once
  const key = process.env.ASSAY_FLEET_JOB ? { key: `fleet:${process.env.ASSAY_FLEET_JOB}` } : {};
  const rec = await store.recordRun(result, { source: 'nightly', mode: o.mode, ...key });
  const summary: NightlySummary = {
    schema: 1,
    store: displayPath(store.location),
    run: { id: rec.id, created: rec.created, sha: result.git.sha, branch: result.git.branch ?? null, started_at: result.started_at, machine: result.machine.id, mode: o.mode },
    threshold: o.threshold,
    cases: { measured: 0, failed: 0, skipped: 0 },
    failed: [],
    too_short: [],
    minimum_points: 0,
    changes: [],
    regressions: 0,
  };
  for (const c of result.cases) {
    summary.cases[c.state]++;
    if (c.state === 'failed') summary.failed.push({ case: c.id, error: c.error });
    if (c.state !== 'measured') continue;
    const points = await store.series(c.id, { machine: result.machine.id, mode: o.mode });
    const { analysis, fresh } = changesNewWith(points, rec.id);
    summary.minimum_points = analysis.minimum;
    if (analysis.tooShort) summary.too_short.push({ case: c.id, points: analysis.measured.length });
    for (const ch of fresh) {
      const kind = ch.magnitude > o.threshold ? 'regression' : ch.magnitude < -o.threshold ? 'improvement' : 'change';
      summary.changes.push({ ...ch, case: c.id, unit: c.stats.unit, kind } satisfies NightlyChange);
    }
  }
  const order = { regression: 0, improvement: 1, change: 2 };
  summary.changes.sort((a, b) => order[a.kind] - order[b.kind] || Math.abs(b.magnitude) - Math.abs(a.magnitude));
  summary.regressions = summary.changes.filter((c) => c.kind === 'regression').length;
  return summary;
}
