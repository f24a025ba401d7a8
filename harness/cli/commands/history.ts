// `assay history [CASE] [--json]`: a case's time series with its change points,
// or the cases the store holds; `assay history import FILE...`: existing
// RunResult files and baselines into the store.
import { parseArgs } from 'node:util';
import { captureMachine } from '../../env/machine.ts';
import type { HistoryCase } from '../../model/history.ts';
import { UsageError } from '../../model/errors.ts';
import { displayPath } from '../../model/files.ts';
import { renderCaseList, renderHistoryConsole } from '../../report/history-console.ts';
import { analyzeSeries } from '../../stats/series-changes.ts';
import { importRuns } from '../../store/history/import.ts';
import { historyLocation, openHistoryStore } from '../../store/history/open.ts';
import type { HistoryStore } from '../../store/history/store.ts';
import { DONE, type Outcome } from '../exit.ts';
import { parseOrUsage } from '../args.ts';
import { measureOption } from '../measure-option.ts';
import { writeOutput } from '../output.ts';

export async function historyCommand(args: string[]): Promise<Outcome> {
  const { values, positionals } = parseOrUsage(
    () =>
      parseArgs({
        args,
        allowPositionals: true,
        options: { db: { type: 'string' }, json: { type: 'boolean' }, machine: { type: 'string' }, measure: { type: 'string' }, last: { type: 'string' } },
      }),
    'history',
  );
  const store = await openHistoryStore(historyLocation(values.db));
  try {
    if (positionals[0] === 'import') return await importCommand(store, positionals.slice(1), Boolean(values.json));
    if (positionals.length > 1) throw new UsageError(`history takes one case id, not ${positionals.length}: assay history CASE [--json]`);
    const cases = await store.cases();
    const caseId = positionals[0];
    if (caseId === undefined) {
      writeOutput('-', values.json ? `${JSON.stringify(cases, null, 2)}\n` : renderCaseList(cases, displayPath(store.location)));
      return DONE;
    }
    const mode = measureOption(values.measure) ?? 'time';
    const last = values.last === undefined ? undefined : Number(values.last);
    if (last !== undefined && !(Number.isInteger(last) && last > 0)) throw new UsageError(`--last takes a whole number of nights, not "${values.last}"`);
    const c = findCase(cases, caseId, displayPath(store.location));
    const machine = pickMachine(c, values.machine, mode);
    // change points come from the whole history; --last only shortens what is shown
    const all = await store.series(c.id, { machine, mode });
    const analysis = analyzeSeries(all);
    const points = last !== undefined ? all.slice(-last) : all;
    const { series: _s, ...ref } = c;
    if (values.json) {
      const doc = { schema: 1, case: ref, machine, mode, unit: analysis.measured[0]?.unit ?? null, too_short: analysis.tooShort, minimum_points: analysis.minimum, points, change_points: analysis.changes };
      writeOutput('-', `${JSON.stringify(doc, null, 2)}\n`);
    } else {
      writeOutput('-', renderHistoryConsole({ case: ref, machine, mode, points }, analysis));
    }
    return DONE;
  } finally {
    await store.close();
  }
}

async function importCommand(store: HistoryStore, files: string[], json: boolean): Promise<Outcome> {
  if (files.length === 0) throw new UsageError('history import takes RunResult or baseline files, or folders of them: assay history import FILE...');
  const done = await importRuns(store, files);
  if (json) {
    writeOutput('-', `${JSON.stringify(done, null, 2)}\n`);
  } else {
    for (const d of done) process.stdout.write(`${d.created ? 'imported' : 'already there'}: ${displayPath(d.file)} (run ${d.id}, ${d.cases} case${d.cases === 1 ? '' : 's'})\n`);
    const n = done.filter((d) => d.created).length;
    process.stdout.write(`history import: ${n} run${n === 1 ? '' : 's'} recorded, ${done.length - n} already in ${displayPath(store.location)}\n`);
  }
  return DONE;
}

function findCase(cases: HistoryCase[], id: string, where: string): HistoryCase {
  const c = cases.find((x) => x.id === id);
  if (c) return c;
  const near = cases.filter((x) => x.id.includes(id)).map((x) => x.id);
  throw new UsageError(
    `no case "${id}" in history store ${where}` +
      (near.length ? `; did you mean ${near.slice(0, 5).map((n) => `"${n}"`).join(', ')}${near.length > 5 ? ', …' : ''}?` : '; `assay history` lists the cases it holds'),
  );
}

/** The machine whose series to show: the one asked for, else this machine, else the only machine the case has. */
function pickMachine(c: HistoryCase, asked: string | undefined, mode: string): string {
  const machines = [...new Set(c.series.filter((s) => s.mode === mode).map((s) => s.machine))];
  if (asked !== undefined) {
    if (!machines.includes(asked)) throw new UsageError(`case ${c.id} has no ${mode} history on machine ${asked}; it has on: ${machines.join(', ') || 'none'}`);
    return asked;
  }
  const here = captureMachine().id;
  if (machines.includes(here) || machines.length === 0) return here;
  if (machines.length === 1) return machines[0]!;
  throw new UsageError(`case ${c.id} has no history on this machine (${here}) but on several others; pick one with --machine: ${machines.join(', ')}`);
}
