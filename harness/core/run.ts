// The run loop: plan the cases, then for each one prepare it with its backend,
// verify it, measure it, and collect everything into one RunResult. A failure of
// one artifact is an outcome recorded in its case, never the end of the run.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { availabilityOf, backendFor, ALL_KINDS } from '../backends/registry.ts';
import type { PreparedKernel } from '../backends/backend.ts';
import { captureGit } from '../env/git.ts';
import { captureMachine } from '../env/machine.ts';
import { measuringClock } from '../measure/clock.ts';
import { measure, resolveMeasureOptions, type MeasureOptions } from '../measure/measure.ts';
import type { SamplingProgress } from '../measure/sample-loop.ts';
import { verifyAll, verifyAt, runOnce, type Expectation, type VerifyOutcome } from '../verify/verify.ts';
import { BackendUnavailableError, describeError, UsageError } from './errors.ts';
import { allocateTensors, axisPoints, generateInputs, publicSeed, throughputAt } from './problem.ts';
import { applyFilters, findBenchFiles, loadErrorDetail, loadProblems, planBenchCases, planProblemCases, type LoadedProblem, type PlannedCase } from './suite.ts';
import type { ArtifactKind, CaseRef, CaseResult, MeasuredCase, RunResult, VerifyReport } from './types.ts';
import { TOOL_VERSION } from './version.ts';

/** What a run is asked to do. Everything is optional; the defaults run the built-in suite. */
export interface RunOptions {
  /** Files or folders to search for bench files. When given, only their benchmarks run (plus `problems`, if named). */
  paths?: string[];
  /** Substrings of case ids to keep. */
  filters?: string[];
  /** Built-in problems to run; all when neither this nor `paths` is given. */
  problems?: string[];
  /** Artifact kinds to run; all by default. */
  backends?: ArtifactKind[];
  measure?: Partial<MeasureOptions>;
  /** Where relative paths and case ids are resolved; the process's cwd by default. */
  cwd?: string;
  /** A folder of problems to use instead of the built-in `kernels/`. */
  kernelsDir?: string;
  onEvent?: (e: RunEvent) => void;
  /** Aborting lets the case in hand finish; the cases after it are recorded as skipped. */
  signal?: AbortSignal;
}

/** Progress of a run, for reporters and progress bars. */
export type RunEvent =
  | { type: 'plan'; cases: CaseRef[] }
  | { type: 'case-start'; ref: CaseRef; index: number; total: number; phase: 'verify' | 'measure' }
  | { type: 'case-progress'; ref: CaseRef; progress: SamplingProgress }
  | { type: 'case-end'; result: CaseResult; index: number; total: number };

/** Runs the suite and returns its RunResult. Throws only for usage errors (exit 2) or unavailable backends (exit 3). */
export async function run(opts: RunOptions = {}): Promise<RunResult> {
  const started = new Date();
  const cwd = opts.cwd ?? process.cwd();
  const mopts = resolveMeasureOptions(opts.measure);
  const kinds = opts.backends?.length ? opts.backends : ALL_KINDS;
  const paths = (opts.paths ?? []).map((p) => path.resolve(cwd, p));
  const filters = opts.filters ?? [];
  const emit = opts.onEvent ?? (() => {});

  await requireSomeBackend(opts.backends);
  const planned = await planRun({ ...opts, cwd, paths, kinds, filters });
  emit({ type: 'plan', cases: planned.map((c) => c.ref) });

  const results: CaseResult[] = [];
  const ctx = new RunContext(mopts, emit, planned.length);
  for (const [i, pc] of planned.entries()) {
    const r: CaseResult = opts.signal?.aborted ? { ...pc.ref, state: 'skipped', reason: 'the run was interrupted before this case' } : await ctx.runCase(pc, i);
    results.push(r);
    emit({ type: 'case-end', result: r, index: i, total: planned.length });
  }
  await ctx.dispose();
  addSpeedups(results, planned);

  return {
    schema: 1,
    tool: { name: 'assay', version: TOOL_VERSION },
    started_at: started.toISOString(),
    finished_at: new Date().toISOString(),
    machine: captureMachine(),
    git: captureGit(cwd),
    config: {
      budget_s: mopts.budgetS,
      warmup_s: mopts.warmupS,
      target_rel_ci: mopts.targetRelCI,
      min_samples: mopts.minSamples,
      backends: kinds,
      problems: opts.problems ?? null,
      paths: paths.map((p) => path.relative(cwd, p) || '.'),
      filters,
    },
    cases: results,
  };
}

interface Plan {
  cwd: string;
  paths: string[];
  kinds: ArtifactKind[];
  filters: string[];
  problems?: string[];
  kernelsDir?: string;
}

/** Resolves what to run into an ordered list of cases. */
export async function planRun(p: Plan): Promise<PlannedCase[]> {
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
async function requireSomeBackend(asked: ArtifactKind[] | undefined): Promise<void> {
  if (!asked?.length) return;
  const reasons: string[] = [];
  for (const k of asked) {
    const a = await availabilityOf(k);
    if (a.ok) return;
    reasons.push(`${k}: ${a.detail}`);
  }
  throw new BackendUnavailableError(`no requested backend can run on this machine:\n  ${reasons.join('\n  ')}`);
}

/** Per-run caches: loaded kernels, their verification, and each problem's expected outputs. */
class RunContext {
  private kernels = new Map<string, Promise<PreparedKernel>>();
  private verified = new Map<string, Promise<VerifyOutcome>>();
  private expectations = new Map<string, Promise<Expectation[]>>();
  private availability = new Map<ArtifactKind, Promise<{ ok: boolean; detail: string }>>();

  constructor(
    private readonly mopts: MeasureOptions,
    private readonly emit: (e: RunEvent) => void,
    private readonly total: number,
  ) {}

  async runCase(pc: PlannedCase, index: number): Promise<CaseResult> {
    this.emit({ type: 'case-start', ref: pc.ref, index, total: this.total, phase: 'verify' });
    return pc.source === 'bench' ? this.runBench(pc, index) : this.runVariant(pc, index);
  }

  private async runBench(pc: Extract<PlannedCase, { source: 'bench' }>, index: number): Promise<CaseResult> {
    const { decl, ref } = pc;
    let result: unknown;
    let async: boolean;
    try {
      const first = decl.fn();
      async = isThenable(first);
      result = async ? await first : first;
    } catch (e) {
      return { ...ref, state: 'failed', error: `threw before it was measured: ${loadErrorDetail(e, decl.file).message}` };
    }
    if (decl.options.check) {
      let verdict: boolean | string | void;
      try {
        verdict = decl.options.check(result);
      } catch (e) {
        return { ...ref, state: 'failed', error: `check threw: ${describeError(e)}` };
      }
      if (verdict === false || typeof verdict === 'string') {
        return { ...ref, state: 'failed', error: `check failed${typeof verdict === 'string' ? `: ${verdict}` : ''} (result: ${preview(result)})` };
      }
    }
    return this.measureCase(ref, { fn: decl.fn, async }, index);
  }

  private async runVariant(pc: Extract<PlannedCase, { source: 'variant' }>, index: number): Promise<CaseResult> {
    const { ref, problem: lp, variant } = pc;
    const avail = await this.availabilityOf(variant.kind);
    if (!avail.ok) return { ...ref, state: 'skipped', reason: avail.detail };
    try {
      const shared = await step('', () => this.kernel(variant.file, variant.kind), (e) => loadErrorDetail(e, variant.file).message);
      const exps = await step(`the reference of "${lp.problem.name}" failed`, () => this.expectationsOf(lp));
      const outcome = await step('threw during verification', () => this.verification(variant.file, lp, shared, exps));
      if (!outcome.report.passed) throw new CaseFailure(outcome.message ?? 'verification failed', outcome.report);
      const exp = exps.find((x) => sameParams(x.params, ref.params))!;

      // The timed instance is a fresh copy of the variant, so that its optimized
      // code is shaped by this point's inputs alone, not by the other points'.
      const timed = await step('', () => backendFor(variant.kind)!.prepare(variant.file, ref.id), (e) => loadErrorDetail(e, variant.file).message);
      try {
        const before = await step('threw during verification', () => verifyAt(lp.problem, timed.run, exp));
        if (!before.report.passed) throw new CaseFailure(before.message!, before.report);
        const outputs = allocateTensors(lp.problem, exp.params, 'output');
        const first = timed.run(exp.inputs, outputs, exp.params);
        const async = isThenable(first);
        if (async) await first;
        const r = await this.measureCase(ref, { fn: () => timed.run(exp.inputs, outputs, exp.params), async }, index);
        if (r.state !== 'measured') return r;
        // check again after the timed runs, on freshly poisoned outputs: a kernel
        // whose results change once it has been called many times is caught here
        const after = await step('threw after the timed runs', () => verifyAt(lp.problem, timed.run, exp));
        if (!after.report.passed) throw new CaseFailure(`after the timed runs: ${after.message}`, after.report);
        r.stats.throughput = throughputAt(lp.problem, ref.params, r.stats.median);
        r.stats.verify = outcome.report;
        return r;
      } finally {
        await timed.dispose?.();
      }
    } catch (e) {
      if (!(e instanceof CaseFailure)) throw e;
      return { ...ref, state: 'failed', error: e.message, ...(e.verify ? { verify: e.verify } : {}) };
    }
  }

  private async measureCase(ref: CaseRef, inv: { fn: () => unknown; async: boolean }, index: number): Promise<CaseResult> {
    this.emit({ type: 'case-start', ref, index, total: this.total, phase: 'measure' });
    try {
      const m = await measure(ref.id, inv, this.mopts, measuringClock(), (progress) => this.emit({ type: 'case-progress', ref, progress }));
      const out: MeasuredCase = { ...ref, state: 'measured', timer: m.timer, stats: m.stats };
      return out;
    } catch (e) {
      return { ...ref, state: 'failed', error: `threw while measured: ${describeError(e)}` };
    }
  }

  private availabilityOf(kind: ArtifactKind): Promise<{ ok: boolean; detail: string }> {
    let a = this.availability.get(kind);
    if (!a) this.availability.set(kind, (a = availabilityOf(kind)));
    return a;
  }

  private kernel(file: string, kind: ArtifactKind): Promise<PreparedKernel> {
    let k = this.kernels.get(file);
    if (!k) {
      const backend = backendFor(kind)!;
      this.kernels.set(file, (k = backend.prepare(file)));
    }
    return k;
  }

  /** The seeded inputs and the reference's outputs at every axis point of a problem. */
  private expectationsOf(lp: LoadedProblem): Promise<Expectation[]> {
    let e = this.expectations.get(lp.problem.name);
    if (!e) {
      e = (async () => {
        const refVariant = lp.variants.find((v) => v.isReference)!;
        const ref = await this.kernel(refVariant.file, refVariant.kind);
        const out: Expectation[] = [];
        for (const params of axisPoints(lp.problem.axes)) {
          const inputs = generateInputs(lp.problem, params, publicSeed(lp.problem.name, params));
          const expected = await runOnce(lp.problem, ref.run, inputs, params);
          for (const [name, t] of Object.entries(expected)) {
            if (t.some((x) => Number.isNaN(x))) throw new Error(`the reference left NaN in "${name}" at ${JSON.stringify(params)}`);
          }
          out.push({ params, inputs, expected });
        }
        return out;
      })();
      this.expectations.set(lp.problem.name, e);
    }
    return e;
  }

  /** Verifies a variant at every axis point, once per run. */
  private verification(file: string, lp: LoadedProblem, kernel: PreparedKernel, exps: Expectation[]): Promise<VerifyOutcome> {
    let v = this.verified.get(file);
    if (!v) this.verified.set(file, (v = verifyAll(lp.problem, kernel.run, exps)));
    return v;
  }

  async dispose(): Promise<void> {
    for (const k of this.kernels.values()) {
      try {
        await (await k).dispose?.();
      } catch {
        /* a kernel that failed to load has nothing to release */
      }
    }
  }
}

/** Why a case failed; thrown inside a case's steps and turned into its `failed` result. */
class CaseFailure extends Error {
  constructor(
    message: string,
    readonly verify?: VerifyReport,
  ) {
    super(message);
  }
}

/** Runs one step of a case; anything it throws becomes a CaseFailure with a message saying which step. */
async function step<T>(what: string, f: () => T | Promise<T>, describe?: (e: unknown) => string): Promise<T> {
  try {
    return await f();
  } catch (e) {
    if (e instanceof CaseFailure) throw e;
    throw new CaseFailure(describe ? describe(e) : `${what}: ${describeError(e)}`);
  }
}

/** Speedup of each measured variant over its problem's reference variant at the same point. */
function addSpeedups(results: CaseResult[], planned: PlannedCase[]): void {
  const refMedian = new Map<string, number>();
  planned.forEach((pc, i) => {
    const r = results[i];
    if (pc.source === 'variant' && pc.variant.isReference && r?.state === 'measured') refMedian.set(pointKey(r), r.stats.median);
  });
  for (const r of results) {
    if (r.state !== 'measured') continue;
    const base = refMedian.get(pointKey(r));
    if (base !== undefined) r.speedup = base / r.stats.median;
  }
}

function pointKey(r: CaseRef): string {
  return `${r.problem}|${JSON.stringify(r.params)}`;
}

function sameParams(a: Record<string, number>, b: Record<string, number>): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function isThenable(x: unknown): x is PromiseLike<unknown> {
  return typeof x === 'object' && x !== null && typeof (x as { then?: unknown }).then === 'function';
}

function preview(x: unknown): string {
  let s: string;
  try {
    s = typeof x === 'string' ? JSON.stringify(x) : (JSON.stringify(x) ?? String(x));
  } catch {
    s = String(x);
  }
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}
