// `assay history import FILE...`: existing RunResult files and baselines into
// the history store, so that a team that already has results starts with
// history. Every file is read and checked before anything is recorded: one bad
// file is an input error naming it, and nothing of the others is half-done.
// Each run is keyed by its content, so importing a file twice records it once.
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { InputError } from '../../model/errors.ts';
import type { RunResult } from '../../model/types.ts';
import { readRunResult } from '../read-result.ts';
import { isoTime } from './rows.ts';
import type { HistoryStore, Recorded } from './store.ts';

/** The files to import: each file given, and every `.json` file under each folder given, in name order. */
export function importFiles(args: string[]): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      if (name.startsWith('.')) continue;
      const p = path.join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.json')) out.push(p);
    }
  };
  for (const a of args) {
    let st;
    try {
      st = statSync(a);
    } catch {
      throw new InputError(`history import: cannot read ${a}: no such file or folder`, a);
    }
    if (st.isDirectory()) walk(a);
    else out.push(a);
  }
  return out;
}

/** Reads and checks one run for the store: a RunResult (raw samples optional) with times that are times. */
export function readImport(file: string): RunResult {
  const run = readRunResult(file, 'history import', { requireSamples: false });
  for (const k of ['started_at', 'finished_at'] as const) {
    try {
      isoTime(run[k] ?? run.started_at);
    } catch {
      throw new InputError(`history import: ${file} has ${k} ${JSON.stringify(run[k])}, which is not a date and time`, file);
    }
  }
  const ids = new Set<string>();
  for (const c of run.cases) {
    if (ids.has(c.id)) throw new InputError(`history import: ${file} holds case ${c.id} twice`, file);
    ids.add(c.id);
  }
  return run;
}

export interface Imported extends Recorded {
  file: string;
  cases: number;
}

/** Imports the files (and folders of files) given, oldest run first. Throws InputError before recording anything if one is bad. */
export async function importRuns(store: HistoryStore, args: string[]): Promise<Imported[]> {
  const files = importFiles(args);
  if (files.length === 0) throw new InputError(`history import: no .json files in ${args.join(', ')}`, args[0] ?? '.');
  const runs = files.map((file) => ({ file, run: readImport(file) }));
  runs.sort((a, b) => isoTime(a.run.started_at).localeCompare(isoTime(b.run.started_at)));
  const out: Imported[] = [];
  for (const { file, run } of runs) out.push({ ...(await store.recordRun(run, { source: 'import' })), file, cases: run.cases.length });
  return out;
}
