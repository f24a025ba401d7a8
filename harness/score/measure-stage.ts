// The measure stage of a score, at one axis point: the candidate, the reference
// and the best built-in variant of the candidate's kind, each bound to the same
// few input sets (sharing one output, which every call overwrites), sampled in
// turn by the interleaved loop of harness/ab/, until the speedups' intervals are
// tight or the budget is spent. Each timed sample starts at a random set, its
// outputs are checked against the reference's, and where the code under test
// runs in its runner's own process (js, native) the sample is timed here, from
// request to reply. Then the cache probe, and the inputs checked once more.
import { interleaveSides, type SampleSide } from '../ab/interleave.ts';
import { measuringClock } from '../measure/clock.ts';
import { formatParams, generateInputs } from '../problem/define.ts';
import { pairedRatioOfMedians } from '../stats/compare.ts';
import { summarize } from '../stats/summary.ts';
import { judgeCacheProbe, type ProbePasses } from '../verify/cache-probe.ts';
import { judgeRun } from '../verify/judge.ts';
import { digest, firstChanged } from '../verify/poison.ts';
import type { Expectation } from '../verify/verify.ts';
import type { ArtifactKind, Params, Rng, ScoreCase, Tensors } from '../model/types.ts';
import type { CandidateClient } from '../runner/candidate-client.ts';
import type { CheckList } from './checks.ts';
import type { TrustedRunner } from './trusted.ts';

/** Input sets the timed calls rotate through. */
export const TIMED_SETS = 4;
/**
 * How long one sample should take. Timed from request to reply, long enough that
 * the request's own cost is a percent or so of it; timed by the backend, which
 * leaves the request out, short (on lavapipe, many dispatches in one compute pass
 * run slower each than a few).
 */
export const TARGET_SAMPLE_NS = { parent: 20e6, runner: 2e6 } as const;
/** Warm-up per side before the batch is chosen. */
const WARMUP_NS = 150e6;
/** The speedups' intervals are tight enough at ±2%. */
export const TARGET_REL_CI = 0.02;
const MIN_ROUNDS = 8;
/** Never-seen input sets in each pass of the cache probe: enough for about 10 ms of calls, within these bounds (of count, and of their inputs' bytes). */
const PROBE_MIN_SETS = 3;
const PROBE_MAX_SETS = 32;
const PROBE_MAX_BYTES = 256 * 2 ** 20;
const PROBE_PASS_NS = 10e6;
/** Passes over each probe's sets (the first and the last are compared), and probes. */
const PROBE_PASSES = 3;
const PROBE_REPEATS = 3;

/** One measured side. */
export interface MeasureSide {
  role: 'candidate' | 'reference' | 'best';
  /** As in a case id: `matmul/tiled.wgsl`. */
  id: string;
  client: CandidateClient;
  slot?: string;
  kind: ArtifactKind;
}

/** Where code under test runs in its runner's process, this process times its samples; elsewhere its backend does (GPU timestamps, say). */
export function timerOf(kind: ArtifactKind): 'parent' | 'runner' {
  return kind === 'js' || kind === 'native' ? 'parent' : 'runner';
}

function timerName(kind: ArtifactKind): string {
  if (timerOf(kind) === 'parent') return `the scoring process's clock (${measuringClock().name}), from request to reply`;
  return kind === 'wgsl' ? 'the GPU backend (timestamps where the device has them)' : "the runner's clock around ONNX Runtime's run";
}

class MeasureFailure extends Error {
  constructor(
    readonly check: string,
    message: string,
  ) {
    super(message);
  }
}

export interface PointMeasurement {
  case: ScoreCase;
  /** ns per call of each side's samples, paired by round. */
  samples: Record<MeasureSide['role'], number[]>;
}

export interface PointOptions {
  params: Params;
  budgetNs: number;
  sampleTimeoutMs: number;
  rng: Rng;
}

/** Measures one point; a fault of the candidate is a MeasureFailure naming its check. */
export async function measurePoint(sides: MeasureSide[], trusted: TrustedRunner, checks: CheckList, o: PointOptions): Promise<PointMeasurement> {
  const spec = trusted.lp.problem;
  const { params, rng } = o;
  const at = `at ${formatParams(params)}`;
  const seeds = Array.from({ length: TIMED_SETS }, () => rng.int(2 ** 31));
  const exps: Expectation[] = [];
  for (const s of seeds) exps.push(await trusted.expect(params, s, { once: true }));
  const cand = sides.find((s) => s.role === 'candidate')!;
  let timedSamples = 0;

  for (const s of sides) {
    const r = await s.client.bind(exps.map((e) => e.inputs), params, s.slot, o.sampleTimeoutMs);
    if (r.type === 'failed') throw new MeasureFailure(s.role === 'candidate' ? 'no crash or hang' : 'internal', `${s.id} ${r.message} ${at}`);
  }

  /** One timed sample of `calls` calls from a random set; its outputs checked (the candidate's). */
  const take = async (s: MeasureSide, calls: number): Promise<number> => {
    const start = rng.int(TIMED_SETS);
    const r = await s.client.time(calls, start, s.slot, o.sampleTimeoutMs);
    if (r.type === 'failed') throw new MeasureFailure(s.role === 'candidate' ? 'no crash or hang' : 'internal', `${s.id} ${r.message} ${at}`);
    if (s.role === 'candidate') {
      const outputs = await s.client.read(s.slot, o.sampleTimeoutMs);
      if (digest(outputs) !== r.digest) throw new MeasureFailure('timed outputs', `the reply to timed sample ${timedSamples + 1} ${at} vouched for other outputs than the ones it left: a reply sent before the work was done`);
      const last = exps[(start + calls - 1) % TIMED_SETS]!;
      const j = judgeRun(spec, last, { outputs }, `${at}, after timed sample ${timedSamples + 1} (${calls} calls)`);
      if (!j.passed) throw new MeasureFailure(j.check === 'matches reference' ? 'timed outputs' : j.check, j.detail);
      timedSamples++;
    }
    return (timerOf(s.kind) === 'parent' ? r.parentNs : r.ns) / calls;
  };

  // warm-up: the JIT tiers the code up, caches fill; then the batch that fills a sample. A trusted
  // side warmed up for an earlier candidate of the session needs one sample to fill the caches again.
  const batch = new Map<MeasureSide, number>();
  for (const s of sides) {
    const key = `${s.slot}|${formatParams(params)}`;
    const known = s.role === 'candidate' ? undefined : trusted.batches.get(key);
    if (known !== undefined) {
      await take(s, known);
      batch.set(s, known);
      continue;
    }
    const clock = measuringClock();
    const t0 = clock.now();
    let calls = 1;
    let perCall = Infinity;
    for (let i = 0; i < 3 || clock.now() - t0 < WARMUP_NS; i++) {
      perCall = await take(s, calls);
      calls = Math.max(1, Math.min(calls * 4, Math.round(TARGET_SAMPLE_NS[timerOf(s.kind)] / 4 / perCall)));
      if (clock.now() - t0 > 4 * WARMUP_NS) break;
    }
    batch.set(s, Math.max(1, Math.round(TARGET_SAMPLE_NS[timerOf(s.kind)] / perCall)));
    if (s.role !== 'candidate') trusted.batches.set(key, batch.get(s)!);
  }

  const sampleSides: SampleSide[] = sides.map((s) => ({ name: s.id, take: () => take(s, batch.get(s)!) }));
  const out = await interleaveSides(sampleSides, { minSamples: MIN_ROUNDS, targetRelCI: TARGET_REL_CI, budgetNs: o.budgetNs, maxSamples: 10_000 });
  const samples = Object.fromEntries(sides.map((s, i) => [s.role, out.samples[i]!])) as PointMeasurement['samples'];

  // the rotating sets must be as they were given
  const after = await cand.client.inputs(cand.slot, o.sampleTimeoutMs);
  for (const [i, e] of exps.entries()) {
    const changed = after[i] ? firstChanged(after[i]!, e.inputs) : 'all';
    if (changed) throw new MeasureFailure('inputs unchanged after timing', `modified its input "${changed}" during the timed calls ${at}`);
  }

  // the cache probe: the candidate bound to sets of its own and through them once, so that new buffers'
  // first use is behind it; then, each time over, values never shown before written into those very
  // buffers, and passes over them: the first pass meets new values, the later ones the same again
  const candStats = summarize(samples.candidate);
  const setBytes = Object.values(exps[0]!.inputs).reduce((t, a) => t + a.byteLength, 0);
  const f = Math.max(PROBE_MIN_SETS, Math.min(PROBE_MAX_SETS, Math.floor(PROBE_MAX_BYTES / setBytes), Math.ceil(PROBE_PASS_NS / candStats.median)));
  const parentTimed = timerOf(cand.kind) === 'parent';
  /** One pass of `f` calls, its outputs checked; ns on the samples' clock, and on the runner's. */
  const probePass = async (exp: Expectation, what: string): Promise<{ ns: number; runnerNs: number }> => {
    const pr = await cand.client.time(f, 0, cand.slot, o.sampleTimeoutMs);
    if (pr.type === 'failed') throw new MeasureFailure('no crash or hang', `${cand.id} ${pr.message} ${at}`);
    const probeOut = await cand.client.read(cand.slot, o.sampleTimeoutMs);
    if (digest(probeOut) !== pr.digest) throw new MeasureFailure('timed outputs', `the reply to ${what} ${at} vouched for other outputs than the ones it left: a reply sent before the work was done`);
    const pj = judgeRun(spec, exp, { outputs: probeOut }, `${at}, after ${what}`);
    if (!pj.passed) throw new MeasureFailure(pj.check === 'matches reference' ? 'timed outputs' : pj.check, pj.detail);
    return { ns: parentTimed ? pr.parentNs : pr.ns, runnerNs: pr.ns };
  };
  /** `f` sets never shown before; the expectation of the last, on which a pass of `f` calls ends. */
  const freshSets = async (): Promise<{ sets: Tensors[]; last: Expectation }> => {
    const probeSeeds = Array.from({ length: f }, () => rng.int(2 ** 31));
    const last = await trusted.expect(params, probeSeeds[f - 1]!, { once: true });
    return { sets: [...probeSeeds.slice(0, -1).map((s) => generateInputs(spec, params, s)), last.inputs], last };
  };
  const first = await freshSets();
  const bound = await cand.client.bind(first.sets, params, cand.slot, o.sampleTimeoutMs);
  if (bound.type === 'failed') throw new MeasureFailure('no crash or hang', `${cand.id} ${bound.message} ${at}`);
  await probePass(first.last, 'the first pass of the cache probe');
  const passes: ProbePasses = [];
  const runnerPasses: ProbePasses = [];
  for (let rep = 0; rep < PROBE_REPEATS; rep++) {
    const fresh = await freshSets();
    const rw = await cand.client.rewrite(fresh.sets, cand.slot, o.sampleTimeoutMs);
    if (rw.type === 'failed') throw new MeasureFailure('no crash or hang', `${cand.id} ${rw.message} ${at}`);
    const taken = [];
    for (let pass = 0; pass < PROBE_PASSES; pass++) taken.push(await probePass(fresh.last, 'a pass of the cache probe over new values in the same buffers'));
    passes.push({ firstNs: taken[0]!.ns, lastNs: taken.at(-1)!.ns });
    runnerPasses.push({ firstNs: taken[0]!.runnerNs, lastNs: taken.at(-1)!.runnerNs });
  }
  const probe = judgeCacheProbe({ passes, ...(parentTimed ? { runnerPasses } : {}), calls: f, timedPerCallNs: candStats.median });
  if (!probe.passed) throw new MeasureFailure('cache probe', `${probe.detail} ${at}`);
  checks.pass('cache probe', `${probe.detail} ${at}`);
  checks.pass('timed outputs', `the outputs of all ${timedSamples + 1} timed samples matched the reference's (each from a random one of ${TIMED_SETS} input sets, poisoned before)`);
  checks.pass('inputs unchanged after timing', `the ${TIMED_SETS} timed input sets were unchanged after ${timedSamples} samples`);

  const ref = summarize(samples.reference);
  const speed = pairedRatioOfMedians(samples.candidate, samples.reference);
  const best = sides.find((s) => s.role === 'best');
  const bestSpeed = best ? pairedRatioOfMedians(samples.candidate, samples.best) : null;
  const sc: ScoreCase = {
    params,
    median_ns: candStats.median,
    ci_ns: candStats.ci,
    speedup: speed.ratio,
    speedup_ci: speed.ci,
    ...(bestSpeed ? { speedup_best: bestSpeed.ratio, speedup_best_ci: bestSpeed.ci } : {}),
    samples: samples.candidate.length,
    batch: batch.get(cand)!,
    reference_median_ns: ref.median,
    ...(best ? { best_median_ns: summarize(samples.best).median } : {}),
    timers: {
      candidate: timerName(cand.kind),
      reference: timerName(sides.find((s) => s.role === 'reference')!.kind),
      ...(best ? { best: timerName(best.kind) } : {}),
    },
    noisy: out.stop !== 'converged',
  };
  return { case: sc, samples };
}

export { MeasureFailure };
