// The run loop: plan the cases, run each one (case-runner.ts), and collect the
// outcomes into one RunResult with the environment it was taken in.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { availabilityOf } from '../backends/registry.ts';
import { captureGit } from '../env/git.ts';
import { captureMachine } from '../env/machine.ts';
import { resolveMeasureOptions, type MeasureOptions } from '../measure/measure.ts';
import type { RunEvent } from './events.ts';
import { resolveSelection, type ResolvedSelection, type Selection } from './selection.ts';
import { CaseRunner, defaultMeasurer } from './case-runner.ts';
import { BackendUnavailableError, UsageError } from '../model/errors.ts';
import { applyFilters, findBenchFiles, loadProblems, planBenchCases, planProblemCases, withCandidate, type PlannedCase } from './suite.ts';
import type { ArtifactKind, CaseRef, CaseResult, RunConfig, RunResult } from '../model/types.ts';
import { TOOL_VERSION } from '../model/version.ts';

/** What a run is asked to do: a selection of cases, and how to measure and report them. */
export interface RunOptions extends Selection {
  measure?: Partial<MeasureOptions>;
  /** Where relative paths and case ids are resolved; the process's cwd by default. */
  cwd?: string;
  onEvent?: (e: RunEvent) => void;
  /** Called after every case with the run so far (cases finished up to now), e.g. to save it as it goes. */
  onProgress?: (soFar: RunResult) => void;
  /** Aborting lets the case in hand finish; the cases after it are recorded as skipped. */
  signal?: AbortSignal;
}

/** Runs the suite and returns its RunResult. Throws only for usage errors (exit 2) or unavailable backends (exit 3). */
export async function run(opts: RunOptions = {}): Promise<RunResult> {
  if (opts.measure?.mode === 'instructions') {
    throw new UsageError('run() measures in this process, which does not run under valgrind; count instructions with runCounted() (assay run --measure instructions), which starts a runner under callgrind');
  }
  const started = new Date();
  const sel = resolveSelection(opts, opts.cwd ?? process.cwd());
  // the environment is read first: a problem with it is reported before any time is spent measuring
  const machine = captureMachine();
  const git = captureGit(sel.cwd);
  const mopts = resolveMeasureOptions(opts.measure);
  const emit = opts.onEvent ?? (() => {});

  await requireSomeBackend(sel.asked);
  const planned = await planRun(sel);
  emit({ type: 'plan', cases: planned.map((c) => c.ref) });

  const header = (): Omit<RunResult, 'cases'> => resultHeader(started, { machine, git }, mopts, selectionConfig(sel));

  const ctx = new CaseRunner(defaultMeasurer(mopts), emit, planned.length);
  let results: CaseResult[];
  try {
    results = await runLoop(planned, (pc, i) => ctx.runCase(pc, i), { emit, header, ...(opts.signal ? { signal: opts.signal } : {}), ...(opts.onProgress ? { onProgress: opts.onProgress } : {}) });
  } finally {
    await ctx.dispose();
  }
  addSpeedups(results, referenceIds(planned));
  return { ...header(), cases: results };
}

/**
 * The run loop, one for `assay run` and `assay model`: each case in order,
 * skipped once the run is aborted, with its end announced and the run so far
 * handed on after it.
 */
export async function runLoop<T extends { ref: CaseRef }>(
  items: T[],
  runOne: (item: T, index: number) => Promise<CaseResult>,
  o: { emit: (e: RunEvent) => void; header: () => Omit<RunResult, 'cases'>; signal?: AbortSignal; onProgress?: (soFar: RunResult) => void },
): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  for (const [i, item] of items.entries()) {
    const r: CaseResult = o.signal?.aborted ? { ...item.ref, state: 'skipped', reason: 'the run was interrupted before this case' } : await runOne(item, i);
    results.push(r);
    o.emit({ type: 'case-end', result: r, index: i, total: items.length });
    o.onProgress?.({ ...o.header(), cases: [...results] });
  }
  return results;
}

/** What a run's config records of its selection. */
export function selectionConfig(sel: ResolvedSelection): Omit<RunConfig, 'budget_s' | 'warmup_s' | 'target_rel_ci' | 'min_samples' | 'measure'> {
  return {
    backends: sel.kinds,
    problems: sel.problems ?? null,
    paths: sel.paths.map((p) => path.relative(sel.cwd, p) || '.'),
    filters: sel.filters,
    ...(sel.candidates.length ? { candidates: sel.candidates.map((c) => path.basename(c)) } : {}),
  };
}

/** Everything of a RunResult but its cases, finished now: shared by `assay run`, its instruction-count form and `assay model`. */
export function resultHeader(
  started: Date,
  env: Pick<RunResult, 'machine' | 'git'>,
  mopts: MeasureOptions,
  what: Omit<RunConfig, 'budget_s' | 'warmup_s' | 'target_rel_ci' | 'min_samples' | 'measure'>,
): Omit<RunResult, 'cases'> {
  return {
    schema: 1,
    tool: { name: 'assay', version: TOOL_VERSION },
    started_at: started.toISOString(),
    finished_at: new Date().toISOString(),
    ...env,
    config: { budget_s: mopts.budgetS, warmup_s: mopts.warmupS, target_rel_ci: mopts.targetRelCI, min_samples: mopts.minSamples, ...what, measure: mopts.mode },
  };
}

/** Resolves what to run into an ordered list of cases. */
export async function planRun(p: ResolvedSelection): Promise<PlannedCase[]> {
  const wantProblems = p.problems !== undefined || p.paths.length === 0;
  let cases: PlannedCase[] = [];
  if (wantProblems) {
    if (p.kernelsDir && !existsSync(p.kernelsDir)) throw new UsageError(`no such kernels folder: ${p.kernelsDir}`);
    let problems = await loadProblems(p.kernelsDir);
    if (p.problems?.length) {
      const known = problems.map((x) => x.problem.name);
      const unknown = p.problems.filter((n) => !known.includes(n));
      if (unknown.length) throw new UsageError(`unknown problem ${unknown.map((u) => `"${u}"`).join(', ')}; known problems: ${known.join(', ')}`);
      problems = problems.filter((x) => p.problems!.includes(x.problem.name));
    }
    if (p.candidates.length) {
      if (problems.length !== 1) throw new UsageError('--candidate needs exactly one --problem, the problem the candidate solves');
      let lp = problems[0]!;
      for (const c of p.candidates) lp = await withCandidate(lp, c);
      problems = [lp];
    }
    cases = planProblemCases(problems, p.kinds);
  }
  if (p.paths.length) {
    if (!p.kinds.includes('js')) throw new UsageError('bench files are JS artifacts, but --backend excludes js');
    const files = findBenchFiles(p.paths);
    if (files.length === 0) throw new UsageError(`no bench files (*.bench.ts, *.bench.js) under ${p.paths.map((x) => path.relative(p.cwd, x) || '.').join(', ')}`);
    cases.push(...(await planBenchCases(files, p.cwd)));
  }
  const kept = applyFilters(cases, p.filters);
  if (kept.length === 0) {
    const why = p.filters.length ? ` match ${p.filters.map((f) => `"${f}"`).join(', ')} (and no such file or folder exists)` : ' were found';
    throw new UsageError(`no cases${why}; \`assay list\` shows the cases there are`);
  }
  return kept;
}

/** When the user named backends and none of them can run here, that is exit 3, not a run of skips. */
export async function requireSomeBackend(asked: ArtifactKind[] | undefined): Promise<void> {
  if (!asked?.length) return;
  const reasons: string[] = [];
  for (const k of asked) {
    const a = await availabilityOf(k);
    if (a.ok) return;
    reasons.push(`${k}: ${a.detail}`);
  }
  throw new BackendUnavailableError(`no requested backend can run on this machine:\n  ${reasons.join('\n  ')}`);
}

/** The ids of the planned cases that are a problem's reference variant. */
export function referenceIds(planned: PlannedCase[]): string[] {
  return planned.filter((pc) => pc.source === 'variant' && pc.variant.isReference).map((pc) => pc.ref.id);
}

/** Speedup of each measured variant over its problem's reference variant (a case in `references`) at the same point. */
export function addSpeedups(results: CaseResult[], references: Iterable<string>): void {
  const refs = new Set(references);
  const refMedian = new Map<string, number>();
  for (const r of results) if (refs.has(r.id) && r.state === 'measured') refMedian.set(pointKey(r), r.stats.median);
  for (const r of results) {
    if (r.state !== 'measured') continue;
    const base = refMedian.get(pointKey(r));
    if (base !== undefined) r.speedup = base / r.stats.median;
  }
}

function pointKey(r: CaseRef): string {
  return `${r.problem}|${JSON.stringify(r.params)}`;
}

