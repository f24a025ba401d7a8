// `assay model`: benchmarks any ONNX model file. Reads the model's input and
// output metadata, synthesizes seeded inputs, and measures one case per
// (execution provider, thread count, optimization level) with the same
// measuring engine as `assay run`, returning the same RunResult.
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { ArtifactError, BackendUnavailableError, describeError, InputError, UsageError } from '../model/errors.ts';
import type { RunEvent } from './events.ts';
import { resultHeader, runLoop } from './run.ts';
import { pointSuffix } from './suite.ts';
import type { CaseRef, CaseResult, RunResult, Settings } from '../model/types.ts';
import { captureGit } from '../env/git.ts';
import { captureMachine } from '../env/machine.ts';
import { measuringClock } from '../measure/clock.ts';
import { measure, resolveMeasureOptions, type MeasureOptions } from '../measure/measure.ts';
import { ioInfo, parseShapeOverrides, resolveShapes, synthesize, type IoInfo, type SynthInput } from '../backends/onnx/model-inputs.ts';
import { epAvailability, KNOWN_EPS, loadOrt } from '../backends/onnx/ort.ts';
import { OPT_LEVELS, openSession, ortMessage, type OptLevel } from '../backends/onnx/session.ts';

export interface ModelBenchOptions {
  /** The .onnx file. */
  file: string;
  /** Execution providers to measure on; `cpu` by default. */
  eps?: string[];
  /** Intra-op thread counts; 1 and 2 by default. */
  threads?: number[];
  /** Graph optimization levels; `all` by default. */
  opt?: OptLevel[];
  /** `--shape` items: `input=1x3x224x224` or `dim=128`. */
  shapes?: string[];
  /** Seed of the synthesized inputs. */
  seed?: number;
  measure?: Partial<MeasureOptions>;
  cwd?: string;
  onEvent?: (e: RunEvent) => void;
  /** Called with the run so far after every case, so a caller can save what is done. */
  onProgress?: (partial: RunResult) => void;
  signal?: AbortSignal;
}

export const DEFAULT_MODEL_THREADS = [1, 2];
export const DEFAULT_MODEL_OPT: OptLevel[] = ['all'];
export const DEFAULT_SEED = 1;
/** A target sample time below any inference's makes every sample a single inference (batch 1). */
const PER_INFERENCE_SAMPLES = 1;
/** Samples wanted for the p99 (its rank is then the 10th slowest). */
const TAIL_SAMPLES = 1000;

/** What the model takes and gives, and the inputs it will be fed. */
export interface ModelPlan {
  file: string;
  inputs: IoInfo[];
  outputs: IoInfo[];
  feeds: SynthInput[];
  params: Record<string, number>;
  /** Symbolic dimensions that took their documented default. */
  defaulted: string[];
}

/**
 * Loads the model once to read its metadata, then resolves shapes and
 * synthesizes inputs. Every input error surfaces here, before any measuring.
 */
export async function planModel(modelPath: string, shapes: string[] = [], seed = DEFAULT_SEED, shown = modelPath): Promise<ModelPlan> {
  const file = shown;
  const bytes = readModelFile(modelPath, shown);
  let session: InferenceSession;
  try {
    session = (await openSession(file, { ep: 'cpu', threads: 1, opt: 'disabled' }, bytes)).session;
  } catch (e) {
    throw new InputError(`${file}: not a loadable ONNX model: ${e instanceof ArtifactError ? e.message.replace(/^[^:]*: ONNX Runtime cannot load this model on cpu: /, '') : describeError(e)}${sniffHint(bytes)}`, file);
  }
  try {
    const inputs = ioInfo(session.inputMetadata);
    const outputs = ioInfo(session.outputMetadata);
    const { dims, params, defaulted } = resolveShapes(file, inputs, parseShapeOverrides(shapes));
    const feeds = inputs.map((i) => synthesize(file, i, dims.get(i.name)!, seed));
    return { file, inputs, outputs, feeds, params, defaulted };
  } finally {
    await session.release();
  }
}

function readModelFile(p: string, file: string): Uint8Array {
  if (!existsSync(p)) throw new InputError(`no such model file: ${file}`, file);
  if (!statSync(p).isFile()) throw new InputError(`${file}: not a file; give the path of a .onnx model`, file);
  const bytes = readFileSync(p);
  if (bytes.length === 0) throw new InputError(`${file}: the file is empty, not an ONNX model`, file);
  return bytes;
}

/** Why ORT might have refused it: an ONNX file is a protobuf ModelProto, which starts with its ir_version field (byte 0x08). */
function sniffHint(bytes: Uint8Array): string {
  if (bytes[0] !== 0x08) return ' (the file does not start like an ONNX model, a protobuf ModelProto; is it the right file?)';
  return ' (the file starts like an ONNX model, so it may be truncated or corrupt; export or download it again)';
}

/** Checks the execution providers asked for: unknown names are usage errors (2), known but unavailable ones exit 3. */
export async function checkEps(eps: string[]): Promise<void> {
  const unknown = eps.filter((e) => !(KNOWN_EPS as readonly string[]).includes(e));
  if (unknown.length) throw new UsageError(`--ep: unknown execution provider ${unknown.map((u) => `"${u}"`).join(', ')}; known: ${KNOWN_EPS.join(', ')}`);
  for (const ep of eps) {
    const a = await epAvailability(ep);
    if (!a.ok) throw new BackendUnavailableError(`--ep ${ep}: ${a.detail}`);
  }
}

/** Benchmarks one model across the settings asked for. Input errors throw before measuring; a case that fails is a failed case. */
export async function benchModel(o: ModelBenchOptions): Promise<RunResult> {
  const started = new Date();
  const cwd = o.cwd ?? process.cwd();
  const file = path.resolve(cwd, o.file);
  const rel = path.relative(cwd, file) || path.basename(file);
  const machine = captureMachine();
  const git = captureGit(cwd);
  // one inference per sample, as perf_test times them, so p99 is a per-inference tail and
  // not a percentile of batch means; the clock's ~50 ns is small beside a session.run()
  const mopts = resolveMeasureOptions({ targetSampleNs: PER_INFERENCE_SAMPLES, ...o.measure });
  const eps = o.eps?.length ? o.eps : ['cpu'];
  const threads = o.threads?.length ? o.threads : DEFAULT_MODEL_THREADS;
  const opts = o.opt?.length ? o.opt : DEFAULT_MODEL_OPT;
  const bad = opts.filter((x) => !OPT_LEVELS.includes(x));
  if (bad.length) throw new UsageError(`--opt-level: unknown level ${bad.map((b) => `"${b}"`).join(', ')}; levels: ${OPT_LEVELS.join(', ')}`);
  const badThreads = threads.filter((t) => !(Number.isInteger(t) && t >= 1));
  if (badThreads.length) throw new UsageError(`--threads takes positive integers, not ${badThreads.join(', ')}`);

  await loadOrt();
  await checkEps(eps);
  const plan = await planModel(file, o.shapes, o.seed ?? DEFAULT_SEED, o.file);
  const emit = o.onEvent ?? (() => {});

  const refs: CaseRef[] = [];
  for (const ep of eps) for (const t of threads) for (const opt of opts) refs.push(caseRef(rel, plan.params, { ep, threads: t, opt }));
  emit({ type: 'plan', cases: refs });

  const header = (): Omit<RunResult, 'cases'> => resultHeader(started, { machine, git }, mopts, { backends: ['onnx'], problems: null, paths: [rel], filters: [] });
  const cases = await runLoop(
    refs.map((ref) => ({ ref })),
    ({ ref }, i) => measureCase(file, ref, plan, mopts, emit, i, refs.length),
    { emit, header, ...(o.signal ? { signal: o.signal } : {}), ...(o.onProgress ? { onProgress: o.onProgress } : {}) },
  );
  return { ...header(), cases };
}

function caseRef(rel: string, params: Record<string, number>, settings: Settings): CaseRef {
  return { id: `${rel}${pointSuffix(params, settings)}`, problem: rel, variant: path.basename(rel), kind: 'onnx', params, settings };
}

/** One case: a fresh session with the case's settings, one cold run, then the measured runs. */
async function measureCase(file: string, ref: CaseRef, plan: ModelPlan, mopts: MeasureOptions, emit: (e: RunEvent) => void, index: number, total: number): Promise<CaseResult> {
  emit({ type: 'case-start', ref, index, total, phase: 'verify' });
  const s = ref.settings!;
  const details: Record<string, string | number | boolean> = { inputs: plan.feeds.map((f) => `${f.name}: ${f.type}[${f.dims.join('x')}]`).join(', ') };
  if (plan.defaulted.length) details.defaulted_dims = plan.defaulted.join(', ');
  let opened;
  try {
    opened = await openSession(file, { ep: String(s.ep), threads: Number(s.threads), opt: s.opt as OptLevel });
  } catch (e) {
    return { ...ref, state: 'failed', stage: 'build', error: describeError(e), details };
  }
  const { ort, session, sessionMs } = opened;
  details.session_ms = round(sessionMs);
  try {
    // tensors are made once over the synthesized arrays; ORT allocates the outputs
    // on every run, as an application calling session.run(feeds) does
    const feeds: Record<string, Tensor> = {};
    for (const f of plan.feeds) feeds[f.name] = new ort.Tensor(f.type, f.data, f.dims);
    const t0 = performance.now();
    try {
      await session.run(feeds);
    } catch (e) {
      return { ...ref, state: 'failed', stage: 'verify', error: `ONNX Runtime failed running the model on the synthesized inputs (${details.inputs}): ${ortMessage(e)}`, details };
    }
    const firstRunMs = performance.now() - t0;
    details.first_run_ms = round(firstRunMs);
    // a second, warm run estimates the steady speed better than the cold first one
    const t1 = performance.now();
    await session.run(feeds);
    const warmRunMs = performance.now() - t1;
    emit({ type: 'case-start', ref, index, total, phase: 'measure' });
    try {
      const m = await measure(ref.id, { fn: () => session.run(feeds), async: true }, { ...mopts, minSamples: minSamplesFor(mopts, Math.min(firstRunMs, warmRunMs)) }, measuringClock(), (progress) => emit({ type: 'case-progress', ref, progress }));
      details.inferences_per_s = round(1e9 / m.stats.median);
      details.peak_rss_mb = round(process.resourceUsage().maxRSS / 1024);
      return { ...ref, state: 'measured', timer: m.timer, stats: m.stats, details };
    } catch (e) {
      return { ...ref, state: 'failed', stage: 'measure', error: `threw while measured: ${ortMessage(e)}`, details };
    }
  } finally {
    await session.release();
  }
}

/**
 * Enough single-inference samples for a p99 to mean something (up to
 * TAIL_SAMPLES), as many as fit in half the budget at the speed of an
 * early run, so that a slow model is not marked noisy for want of samples alone.
 */
function minSamplesFor(mopts: MeasureOptions, runMs: number): number {
  const fit = Math.floor((0.5 * mopts.budgetS * 1e3) / Math.max(runMs, 1e-3));
  return Math.max(mopts.minSamples, Math.min(TAIL_SAMPLES, fit));
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

