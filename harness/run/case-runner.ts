// Running one planned case: prepare it with its backend, verify it, measure it,
// verify it again. A failure of the artifact is the case's outcome, never an
// exception out of the run. Caches what several cases of a run share.
import { availabilityOf, backendFor } from '../backends/registry.ts';
import { type BoundKernel, type Details, type PreparedKernel } from '../backends/backend.ts';
import { measuringClock } from '../measure/clock.ts';
import { freshFunction } from '../measure/batching.ts';
import { measureWork, type MeasureOptions, type Measurement } from '../measure/measure.ts';
import { countInstructions } from '../measure/instructions.ts';
import type { MeasurableWork } from '../measure/sampler.ts';
import type { SamplingProgress } from '../measure/sample-loop.ts';
import { verifyAll, verifyAt, runOnce, type Expectation, type VerifyOutcome } from '../verify/verify.ts';
import { ArtifactError, describeError, type Location } from '../model/errors.ts';
import { displayPath } from '../model/files.ts';
import { allocateTensors, axisPoints, generateInputs, publicSeed, throughputAt } from '../problem/define.ts';
import type { RunEvent } from './events.ts';
import { loadErrorDetail, type LoadedProblem, type PlannedCase, type VariantFile } from './suite.ts';
import type { ArtifactKind, CaseRef, CaseResult, FailedCase, MeasuredCase, Problem, Settings, Tensors, VerifyReport } from '../model/types.ts';

export type { MeasurableWork };

/**
 * Measures one case's work once it is verified and bound. The default takes all
 * the samples at once; the runner process (harness/runner/) passes one that
 * takes them when its parent asks, so two runners can be interleaved.
 */
export type Measurer = (ref: CaseRef, work: MeasurableWork, onProgress: (p: SamplingProgress) => void) => Promise<Measurement>;

/** Measures in one go, with the measuring clock (what `assay run` does), or counts instructions when the options say so. */
export function defaultMeasurer(mopts: MeasureOptions): Measurer {
  if (mopts.mode === 'instructions') return (_ref, work, onProgress) => countInstructions(work, measuringClock(), mopts.keepSamples, onProgress);
  return (ref, work, onProgress) => measureWork(ref.id, work, mopts, measuringClock(), onProgress);
}

/** Runs the cases of one run, caching what they share: loaded kernels, their verification, and each problem's expected outputs. */
export class CaseRunner {
  private kernels = new Map<string, Promise<PreparedKernel>>();
  private verified = new Map<string, Promise<VerifyOutcome>>();
  private expectations = new Map<string, Promise<Expectation[]>>();
  private availability = new Map<ArtifactKind, Promise<{ ok: boolean; detail: string }>>();

  constructor(
    private readonly measurer: Measurer,
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
      return { ...ref, state: 'failed', stage: 'verify', error: `threw before it was measured: ${loadErrorDetail(e, decl.file).message}` };
    }
    if (decl.options.check) {
      let verdict: boolean | string | void;
      try {
        verdict = decl.options.check(result);
      } catch (e) {
        return { ...ref, state: 'failed', stage: 'verify', error: `check threw: ${describeError(e)}` };
      }
      if (verdict === false || typeof verdict === 'string') {
        return { ...ref, state: 'failed', stage: 'verify', error: `check failed${typeof verdict === 'string' ? `: ${verdict}` : ''} (result: ${preview(result)})` };
      }
    }
    return this.measureWork(ref, { mode: 'call', fn: decl.fn, async }, index);
  }

  private async runVariant(pc: Extract<PlannedCase, { source: 'variant' }>, index: number): Promise<CaseResult> {
    const { ref, problem: lp, variant } = pc;
    const avail = await this.availabilityOf(variant.kind);
    if (!avail.ok) return { ...ref, state: 'skipped', reason: avail.detail };
    const settings = ref.settings ?? {};
    let details: Details = {};
    try {
      const loadFailure = (e: unknown): string => artifactErrorMessage(e, variant.file);
      const shared = await step('build', loadFailure, () => this.kernel(variant, lp.problem, settings));
      details = { ...shared.details };
      const exps = await step('verify', `the reference of "${lp.problem.name}" failed`, () => this.expectationsOf(lp));
      const outcome = await step('verify', 'threw during verification', () => this.verification(variant, settings, lp, shared, exps));
      if (!outcome.report.passed) throw new CaseFailure('verify', outcome.message ?? 'verification failed', outcome.report);
      const exp = exps.find((x) => sameParams(x.params, ref.params))!;

      // The timed instance is a fresh copy of the variant, so that its optimized
      // code is shaped by this point's inputs alone, not by the other points'.
      const timed = await step('build', loadFailure, () => backendFor(variant.kind)!.prepare(variant.file, { instance: ref.id, settings, problem: lp.problem }));
      try {
        const before = await step('verify', 'threw during verification', () => verifyAt(lp.problem, timed.run, exp));
        if (!before.report.passed) throw new CaseFailure('verify', before.message!, before.report);
        const outputs = allocateTensors(lp.problem, exp.params, 'output');
        const bound = await step('measure', 'could not be bound to its inputs', () => bindKernel(timed, exp, outputs));
        let r: CaseResult;
        try {
          r = await this.measureWork(ref, bound, index);
          details = { ...details, ...r.details, ...bound.details?.() };
        } finally {
          await bound.release?.();
        }
        if (r.state !== 'measured') return { ...r, ...nonEmpty(details) };
        // check again after the timed runs, on freshly poisoned outputs: a kernel
        // whose results change once it has been called many times is caught here
        const after = await step('verify', 'threw after the timed runs', () => verifyAt(lp.problem, timed.run, exp));
        if (!after.report.passed) throw new CaseFailure('verify', `after the timed runs: ${after.message}`, after.report);
        r.stats.throughput = throughputAt(lp.problem, ref.params, r.stats.median);
        r.stats.verify = outcome.report;
        return { ...r, ...nonEmpty(details) };
      } finally {
        await timed.dispose?.();
      }
    } catch (e) {
      if (!(e instanceof CaseFailure)) throw e;
      return { ...ref, state: 'failed', stage: e.stage, error: e.message, ...(e.location ? { location: e.location } : {}), ...(e.verify ? { verify: e.verify } : {}), ...nonEmpty(details) };
    }
  }

  /** Measures bound work: with the loop's own clock (`call`), or with the timer the backend brings (`timed`). */
  private async measureWork(ref: CaseRef, work: MeasurableWork, index: number): Promise<CaseResult> {
    this.emit({ type: 'case-start', ref, index, total: this.total, phase: 'measure' });
    try {
      const m = await this.measurer(ref, work, (progress) => this.emit({ type: 'case-progress', ref, progress }));
      const out: MeasuredCase = { ...ref, state: 'measured', timer: m.timer, stats: m.stats, ...(m.details && Object.keys(m.details).length ? { details: m.details } : {}) };
      return out;
    } catch (e) {
      return { ...ref, state: 'failed', stage: 'measure', error: `threw while measured: ${describeError(e)}` };
    }
  }

  private availabilityOf(kind: ArtifactKind): Promise<{ ok: boolean; detail: string }> {
    return memo(this.availability, kind, () => availabilityOf(kind));
  }

  /** The shared instance of a variant with given settings, loaded once per run. */
  private kernel(v: VariantFile, problem: Problem, settings: Settings = {}): Promise<PreparedKernel> {
    return memo(this.kernels, variantKey(v, settings), () => backendFor(v.kind)!.prepare(v.file, { settings, problem }));
  }

  /** The seeded inputs and the reference's outputs at every axis point of a problem. */
  private expectationsOf(lp: LoadedProblem): Promise<Expectation[]> {
    return memo(this.expectations, lp.problem.name, async () => {
      const refVariant = lp.variants.find((v) => v.isReference)!;
      const ref = await this.kernel(refVariant, lp.problem);
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
    });
  }

  /** Verifies a variant at every axis point, once per run. */
  private verification(v: VariantFile, settings: Settings, lp: LoadedProblem, kernel: PreparedKernel, exps: Expectation[]): Promise<VerifyOutcome> {
    return memo(this.verified, variantKey(v, settings), () => verifyAll(lp.problem, kernel.run, exps));
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
    readonly stage: Stage,
    message: string,
    readonly verify?: VerifyReport,
    readonly location?: Location,
  ) {
    super(message);
  }
}

/**
 * Runs one step of a case; anything it throws becomes a CaseFailure, its message
 * prefixed with `what` (or written by `what` from the error).
 */
async function step<T>(stage: Stage, what: string | ((e: unknown) => string), f: () => T | Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    if (e instanceof CaseFailure) throw e;
    throw new CaseFailure(stage, typeof what === 'function' ? what(e) : `${what}: ${describeError(e)}`, undefined, locationOf(e));
  }
}

type Stage = NonNullable<FailedCase['stage']>;

/** Binds a prepared kernel to one case's tensors; a kernel without `bind` is timed calling `run`. */
async function bindKernel(k: PreparedKernel, exp: Expectation, outputs: Tensors): Promise<BoundKernel> {
  if (k.bind) return k.bind(exp.inputs, outputs, exp.params);
  const first = k.run(exp.inputs, outputs, exp.params);
  const async = isThenable(first);
  if (async) await first;
  // the call is compiled from a source of its own, so that its feedback and optimized code are this case's alone (freshFunction)
  const fn = freshFunction(['k', 'inputs', 'outputs', 'params'], 'return () => k.run(inputs, outputs, params);')(k, exp.inputs, outputs, exp.params) as () => unknown;
  return { mode: 'call', fn, async };
}

/** Where an artifact's own error points, when it says. */
function locationOf(e: unknown): Location | undefined {
  if (!(e instanceof ArtifactError)) return undefined;
  return { file: displayPath(e.file), ...(e.line !== undefined ? { line: e.line } : {}), ...(e.column !== undefined ? { column: e.column } : {}) };
}

/** The message for a variant that could not be built or loaded, pointing at its file and line. */
function artifactErrorMessage(e: unknown, file: string): string {
  if (e instanceof ArtifactError) return e.message;
  return loadErrorDetail(e, file).message;
}

function variantKey(v: VariantFile, settings: Settings): string {
  return `${v.file}|${JSON.stringify(settings)}`;
}

function nonEmpty(details: Details): { details?: Details } {
  return Object.keys(details).length ? { details } : {};
}

/** The cached value for `key`, made (once) by `make` when absent. */
function memo<K, V>(cache: Map<K, V>, key: K, make: () => V): V {
  let v = cache.get(key);
  if (v === undefined) cache.set(key, (v = make()));
  return v;
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
    s = JSON.stringify(x) ?? String(x);
  } catch {
    s = String(x);
  }
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}
