// Baseline files: a RunResult with its raw samples, kept per machine under
// `baselines/<machine-id>/<NAME>.json`, written atomically.
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { InputError, UsageError } from '../model/errors.ts';
import type { MachineInfo, RunResult } from '../model/types.ts';
import { writeFileAtomic } from '../model/files.ts';
import { checkSameMachine } from './machine-check.ts';
import { readRunResult } from './read-result.ts';

/** A baseline file is a RunResult with this record of when and under which name it was saved. */
export interface BaselineRecord {
  name: string;
  saved_at: string;
}
export type BaselineResult = RunResult & { baseline?: BaselineRecord };

/** Where baselines live: `baselines/` in the working folder, or ASSAY_BASELINES_DIR. */
export function baselinesRoot(cwd = process.cwd()): string {
  return path.resolve(cwd, process.env.ASSAY_BASELINES_DIR || 'baselines');
}

/** Baseline names name files, so they are kept to safe characters. */
export function checkBaselineName(name: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(name)) {
    throw new UsageError(`"${name}" is not a valid baseline name: use letters, digits, dots, dashes and underscores, starting with a letter or digit`);
  }
  return name;
}

export function baselineFile(root: string, machineId: string, name: string): string {
  return path.join(root, machineId, `${checkBaselineName(name)}.json`);
}

/** Saves a run as baseline NAME of its machine, replacing any earlier one. Returns the file. */
export function saveBaseline(run: RunResult, name: string, root: string): string {
  if (run.cases.some((c) => c.state === 'measured' && !c.stats.samples?.length)) {
    throw new UsageError('a baseline needs the raw samples; run without --no-samples');
  }
  const file = baselineFile(root, run.machine.id, name);
  const doc: BaselineResult = { ...run, baseline: { name, saved_at: new Date().toISOString() } };
  writeFileAtomic(file, `${JSON.stringify(doc)}\n`);
  return file;
}

/**
 * Loads baseline NAME for this machine. A baseline of that name saved only on
 * other machines is refused (MachineMismatchError) unless `allowMismatch`.
 */
export function loadBaseline(name: string, opts: { root: string; machine: MachineInfo; allowMismatch?: boolean }): { run: BaselineResult; file: string } {
  const own = baselineFile(opts.root, opts.machine.id, name);
  let file = own;
  if (!existsSync(own)) {
    const elsewhere = machineDirs(opts.root)
      .map((m) => path.join(opts.root, m, `${name}.json`))
      .filter((f) => existsSync(f));
    if (elsewhere.length === 0) {
      throw new InputError(
        `no baseline "${name}" for this machine (${opts.machine.id}): ${rel(own)} does not exist. ` +
          '`assay baseline list` shows the saved baselines; `assay run --save-baseline NAME` saves one.',
        own,
      );
    }
    file = elsewhere[0]!;
  }
  const run = readRunResult(file, `baseline "${name}"`) as BaselineResult;
  checkSameMachine(`baseline "${name}" (${rel(file)})`, run.machine, opts.machine, Boolean(opts.allowMismatch));
  return { run, file };
}

export interface BaselineEntry {
  name: string;
  machine: string;
  file: string;
  /** Null when the file cannot be read as a run result; `error` says why. */
  saved_at: string | null;
  git: string | null;
  cases: number | null;
  error?: string;
}

/** Every baseline under the root, of every machine. Unreadable files are listed with their error. */
export function listBaselines(root: string): BaselineEntry[] {
  const out: BaselineEntry[] = [];
  for (const m of machineDirs(root)) {
    for (const f of readdirSync(path.join(root, m)).sort()) {
      if (!f.endsWith('.json')) continue;
      const file = path.join(root, m, f);
      const name = f.slice(0, -'.json'.length);
      try {
        const run = readRunResult(file, `baseline "${name}"`) as BaselineResult;
        out.push({ name, machine: m, file, saved_at: run.baseline?.saved_at ?? run.finished_at ?? null, git: run.git?.sha ?? null, cases: run.cases.length });
      } catch (e) {
        out.push({ name, machine: m, file, saved_at: null, git: null, cases: null, error: (e as Error).message });
      }
    }
  }
  return out;
}

/** Deletes baseline NAME of a machine. Returns the file removed. */
export function deleteBaseline(name: string, root: string, machineId: string): string {
  const file = baselineFile(root, machineId, name);
  if (!existsSync(file)) throw new InputError(`no baseline "${name}" for machine ${machineId}: ${rel(file)} does not exist`, file);
  rmSync(file);
  return file;
}

function machineDirs(root: string): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .filter((d) => !d.startsWith('.') && statSync(path.join(root, d)).isDirectory())
    .sort();
}

/** A path as the user would write it from the working folder. */
export function rel(file: string): string {
  const r = path.relative(process.cwd(), file);
  return r && !r.startsWith('..') ? r : file;
}
