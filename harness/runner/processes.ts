// Measuring a run in several processes: K runner processes plan the same cases,
// and each case is measured in every one of them in turn (p1, p2, ... pK, then
// the next case), so that drift of the machine lands on all alike. A case's
// result pools the samples and keeps each process's own summary, because code
// can run at a different speed in each process (the JIT's choices, the heap's
// state, code placement), and a stored comparison must see that spread, not
// only the spread within one process.
import { captureGit } from '../env/git.ts';
import { captureMachine } from '../env/machine.ts';
import { resolveMeasureOptions, statsOf } from '../measure/measure.ts';
import { InternalError, UsageError } from '../model/errors.ts';
import type { CaseRef, CaseResult, MeasuredCase, ProcessSummary, RunResult } from '../model/types.ts';
import { addSpeedups, requireSomeBackend, resultHeader, runLoop, selectionConfig, type RunOptions } from '../run/run.ts';
import { resolveSelection } from '../run/selection.ts';
import { RunnerClient } from './client.ts';

/** Processes per case when a run is saved as a baseline or compared with one. */
export const DEFAULT_BASELINE_PROCESSES = 3;
export const MAX_PROCESSES = 16;

export interface ProcessRunOptions extends RunOptions {
  /** How many runner processes measure each case; the case's budget is shared among them. */
  processes: number;
  /** Node flags for the runner processes. */
  execArgv?: string[];
}

/**
 * Runs the selection with each case measured in `processes` runner processes.
 * The per-case budget (`measure.budgetS`) is split among them, so the run takes
 * about as long as an in-process one. Returns one RunResult, whose measured
 * cases carry `stats.processes`.
 */
export async function runInProcesses(opts: ProcessRunOptions): Promise<RunResult> {
  const k = opts.processes;
  if (!Number.isInteger(k) || k < 1 || k > MAX_PROCESSES) throw new UsageError(`--processes takes a whole number from 1 to ${MAX_PROCESSES}, not ${k}`);
  const started = new Date();
  const sel = resolveSelection(opts, opts.cwd ?? process.cwd());
  const machine = captureMachine();
  const git = captureGit(sel.cwd);
  const mopts = resolveMeasureOptions(opts.measure);
  const perProcess = { ...opts.measure, budgetS: mopts.budgetS / k, keepSamples: true };
  const emit = opts.onEvent ?? (() => {});
  await requireSomeBackend(sel.asked);

  const runners = await startRunners(sel.cwd, k, opts.execArgv);
  try {
    const plans = await Promise.all(runners.map((r) => r.planned({ ...opts, measure: perProcess })));
    const { cases, references } = plans[0]!;
    const ids = cases.map((c) => c.id).join('\n');
    if (plans.some((p) => p.cases.map((c) => c.id).join('\n') !== ids)) throw new InternalError('the runner processes planned different cases from the same selection');
    emit({ type: 'plan', cases });
    const header = (): Omit<RunResult, 'cases'> => resultHeader(started, { machine, git }, mopts, { ...selectionConfig(sel), processes: k });
    const results = await runLoop(
      cases.map((ref) => ({ ref })),
      async ({ ref }, index) => {
        emit({ type: 'case-start', ref, index, total: cases.length, phase: 'measure' });
        const each: CaseResult[] = [];
        for (const r of runners) {
          each.push(
            await r.run(ref.id, (p) => emit({ type: 'case-progress', ref, progress: { samples: p.samples, relCI: p.rel_ci, elapsedNs: 0 } })).catch(
              (e: Error): CaseResult => ({ ...ref, state: 'failed', stage: 'measure', error: `the runner process died while measuring this case: ${e.message}` }),
            ),
          );
        }
        return mergeProcesses(ref, each, opts.measure?.keepSamples ?? true);
      },
      { emit, header, ...(opts.signal ? { signal: opts.signal } : {}), ...(opts.onProgress ? { onProgress: opts.onProgress } : {}) },
    );
    addSpeedups(results, references);
    return { ...header(), cases: results };
  } finally {
    await Promise.all(runners.map((r) => r.shutdown()));
  }
}

async function startRunners(cwd: string, k: number, execArgv: string[] | undefined): Promise<RunnerClient[]> {
  const started = await Promise.allSettled(Array.from({ length: k }, (_, i) => RunnerClient.start({ cwd, label: `P${i + 1}`, ...(execArgv ? { execArgv } : {}) })));
  const ok = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    for (const r of ok) r.kill();
    throw failed.reason;
  }
  return ok;
}

/**
 * One case's result from its processes' results: the first that is not
 * measured, if any (a case fails when it fails anywhere); else the pooled
 * samples, with each process's summary beside them.
 */
export function mergeProcesses(ref: CaseRef, each: CaseResult[], keepSamples: boolean): CaseResult {
  const bad = each.find((r) => r.state !== 'measured');
  if (bad) return { ...bad, ...ref };
  const measured = each as MeasuredCase[];
  const first = measured[0]!;
  const samples = measured.flatMap((r) => r.stats.samples ?? []);
  const stop = measured.every((r) => r.stats.stop === 'converged') ? 'converged' : measured.some((r) => r.stats.stop === 'budget') ? 'budget' : 'max-samples';
  const processes: ProcessSummary[] = measured.map((r) => ({ n: r.stats.n, median: r.stats.median, ci: r.stats.ci, mad: r.stats.mad }));
  const stats = { ...statsOf(samples, stop, first.stats.batch, keepSamples), processes };
  if (first.stats.throughput) stats.throughput = scaleThroughput(first, stats.median);
  if (first.stats.verify) stats.verify = first.stats.verify;
  return { ...first, ...ref, stats };
}

/** The first process's throughput, rescaled to the pooled median. */
function scaleThroughput(first: MeasuredCase, median: number): NonNullable<MeasuredCase['stats']['throughput']> {
  const f = first.stats.median / median;
  const t = first.stats.throughput!;
  return { ...(t.gflops !== undefined ? { gflops: t.gflops * f } : {}), ...(t.gbps !== undefined ? { gbps: t.gbps * f } : {}) };
}
