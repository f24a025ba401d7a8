// Scoring candidates: a session holds what candidates of one problem share (the
// problem, the trusted runner with the reference and the built-in variants, the
// draws of the plan, the reference's outputs on them, the best built-in and the
// roofline), and scores each candidate in stages: build, verify, measure, each
// stopping the score at its first failure with the check that failed. A fault
// of the candidate is a verdict (`rejected`); a fault of Assay is `error`.
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { availabilityOf, kindOfFile, variantExtensions } from '../backends/registry.ts';
import { captureMachine } from '../env/machine.ts';
import { BackendUnavailableError, describeError, InputError, UsageError } from '../model/errors.ts';
import { displayPath } from '../model/files.ts';
import type { ArtifactKind, Params, Score, ScoreCase, ScoreCheck, Settings } from '../model/types.ts';
import { TOOL_VERSION } from '../model/version.ts';
import { axisPoints, formatParams } from '../problem/define.ts';
import { loadProblems, variantFile, type LoadedProblem } from '../run/suite.ts';
import { bestBuiltIn, type BuiltIn } from './best.ts';
import { buildStage, startSandboxedRunner, stopSandboxedRunner, type RunnerOptions, type SandboxedRunner } from './build.ts';
import { CheckList, type Stage } from './checks.ts';
import { CostMeter } from './cost.ts';
import { measureStage } from './measure-run.ts';
import { drawPlan, type ScoringPlan } from './plan.ts';
import { machineRoofline, type Roofline } from './roofline.ts';
import { DEFAULT_MEMORY_MB } from './sandbox.ts';
import { TrustedRunner } from './trusted.ts';
import { auditStage, verifyStage } from './verify-stage.ts';

/** The measure budget per point, in seconds (interleaved sampling of all sides, after their warm-up). */
export const DEFAULT_SCORE_BUDGET_S = 1;
/** The time limit of each stage, in seconds; in the measure stage, of each request. */
export const DEFAULT_STAGE_TIMEOUT_S = 60;
/** By default, points where one call of the reference takes longer than this are verified but not measured. */
export const MAX_MEASURED_REFERENCE_NS = 50e6;

export interface ScoreOptions {
  /** Measure budget per point, in seconds. */
  budgetS?: number;
  /** Held-out shapes to draw. */
  heldOut?: number;
  /** The session's seed; fresh by default. */
  seed?: number;
  /** The candidate's runner's address-space limit, in MiB, beyond what a bare Node process reserves (sandbox.ts). */
  memoryMb?: number;
  stageTimeoutS?: number;
  /** The points to measure; by default every public point whose reference call takes at most 50 ms (at least one). */
  points?: Params[];
  /** The candidate's own settings (`threads`, `ep`); by default the first `ep` and the last value of every other setting. */
  settings?: Settings;
  /** Where the scored project lives (native builds are cached in its data folder); the working folder by default. */
  cwd?: string;
  /** A folder of problems to take the problem from instead of the built-in `kernels/` (a test's smaller copy, say). */
  kernelsDir?: string;
  /** Progress, one line at a time (the CLI prints it to stderr). */
  onLog?: (line: string) => void;
}

export class ScoringSession {
  plan: ScoringPlan;
  private best = new Map<string, Promise<BuiltIn | null>>();
  private roofline: Promise<Roofline> | null = null;
  /** A runner started for the next candidate while the current one is verified (a folder's), and what it was started for. */
  private spare: { kind: ArtifactKind; runner: Promise<SandboxedRunner> } | null = null;
  readonly machine: string;

  private constructor(
    readonly lp: LoadedProblem,
    readonly trusted: TrustedRunner,
    private readonly o: ScoreOptions,
  ) {
    this.plan = drawPlan(lp.problem, { ...(o.seed !== undefined ? { seed: o.seed } : {}), ...(o.heldOut !== undefined ? { heldOut: o.heldOut } : {}) });
    this.machine = captureMachine().id;
    // the reference's outputs on the plan's points, computed while the first candidate builds
    trusted.prefetch(planPoints(this.plan));
  }

  /** Loads the problem and starts the trusted runner. An unknown problem is a UsageError. */
  static async open(problem: string, o: ScoreOptions = {}): Promise<ScoringSession> {
    const problems = await loadProblems(o.kernelsDir);
    const lp = problems.find((p) => p.problem.name === problem);
    if (!lp) throw new UsageError(`unknown problem "${problem}"; known problems: ${problems.map((p) => p.problem.name).join(', ')}`);
    const trusted = await TrustedRunner.start(lp, o.cwd ?? process.cwd());
    return new ScoringSession(lp, trusted, o);
  }

  /** Draws a new plan (seeds and held-out shapes): each score an agent asks for separately gets its own. */
  redraw(seed?: number): void {
    this.plan = drawPlan(this.lp.problem, { ...(seed !== undefined ? { seed } : {}), ...(this.o.heldOut !== undefined ? { heldOut: this.o.heldOut } : {}) });
    // the last plan's draws are never asked for again (the public seeds are the same)
    this.trusted.keepOnly(planPoints(this.plan));
    this.trusted.prefetch(planPoints(this.plan));
  }

  async close(): Promise<void> {
    await this.dropSpare();
    await this.trusted.shutdown().catch(() => {});
  }

  private async dropSpare(): Promise<void> {
    const s = this.spare;
    this.spare = null;
    const r = await s?.runner.catch(() => null);
    if (r) await stopSandboxedRunner(r);
  }

  /** The runner for a candidate of this kind: the one started ahead for it, else a new one. */
  private runnerFor(o: RunnerOptions): Promise<SandboxedRunner> {
    const s = this.spare;
    if (s?.kind !== o.kind) return startSandboxedRunner(o);
    this.spare = null;
    // one that failed to start, or died while it waited, is Assay's loss, not the candidate's: a new one instead
    return s.runner.then(
      async (r) => {
        if (!r.client.exitReason) return r;
        await stopSandboxedRunner(r);
        return startSandboxedRunner(o);
      },
      () => startSandboxedRunner(o),
    );
  }

  private log(line: string): void {
    this.o.onLog?.(line);
  }

  /**
   * Scores one candidate file. A file that is not a candidate is a UsageError,
   * a missing one an InputError, a kind this machine cannot run a
   * BackendUnavailableError; everything else is a Score, `error` included.
   */
  async score(file: string, o: { next?: string } = {}): Promise<Score> {
    return this.scoreKind(path.resolve(file), await checkCandidate(file), o.next ? kindOfFile(o.next) : null);
  }

  /** `next`: the kind of the candidate that comes next (a folder's), whose runner starts while this one is verified. */
  private async scoreKind(file: string, kind: ArtifactKind, next: ArtifactKind | null): Promise<Score> {
    const cost = new CostMeter();
    const checks = new CheckList(kind);
    const score: Score = {
      schema: 1,
      problem: this.lp.problem.name,
      candidate: displayPath(file),
      kind,
      verdict: 'rejected',
      stage: 'build',
      checks: checks.list,
      speedup: null,
      speedup_best: null,
      cases: [],
      flags: [],
      cost: { wall_s: 0, cpu_s: 0, stages: {} },
      machine: this.machine,
      tool: TOOL_VERSION,
    };
    const settings = await this.settingsOf(file, kind);
    const cwd = this.o.cwd ?? process.cwd();
    const timeoutMs = (this.o.stageTimeoutS ?? DEFAULT_STAGE_TIMEOUT_S) * 1000;
    const reject = (stage: Stage, reason: string): Score => {
      score.stage = stage;
      score.reason = reason;
      checks.skipRest(stage, `scoring stopped at the ${stage} stage`);
      return score;
    };
    let built: Awaited<ReturnType<typeof buildStage>> | null = null;
    const runners = (): Array<{ audit(t?: number): Promise<{ cpu_s: number }> }> => [this.trusted.client, ...(built && 'client' in built ? [built.client] : [])];
    try {
      this.log(`${score.candidate}: build`);
      await cost.start('build', runners());
      const runner: RunnerOptions = { kind, memoryMb: this.o.memoryMb ?? DEFAULT_MEMORY_MB, timeoutMs, project: cwd };
      built = await buildStage(this.lp, { ...runner, file, settings, runner: () => this.runnerFor(runner) }, checks);
      await cost.stop(runners());
      if (!('client' in built)) {
        if (built.location) score.location = built.location;
        return reject('build', built.reason);
      }
      const client = built.client;

      if (next && !this.spare) {
        // the next candidate's runner starts beside this one's verify stage, and is ready before anything is measured
        const spare = startSandboxedRunner({ ...runner, kind: next }, true);
        spare.catch(() => {});
        this.spare = { kind: next, runner: spare };
      }

      score.stage = 'verify';
      this.log(`${score.candidate}: verify (${this.plan.verify.length} points and a reuse of buffers)`);
      await cost.start('verify', runners());
      let v = await verifyStage(client, this.trusted, this.plan, checks, Date.now() + timeoutMs);
      if (v.ok && kind === 'js') v = await auditStage(client, checks, { globals: 'globals untouched', sandbox: 'stays in its sandbox' });
      await cost.stop(runners());
      if (!v.ok) return reject('verify', v.reason!);

      score.stage = 'measure';
      await this.spare?.runner.catch(() => {});
      const measured = await measureStage({
        score,
        client,
        kind,
        settings,
        checks,
        cost,
        runners,
        trusted: this.trusted,
        rng: this.plan.rng,
        points: this.o.points ?? this.defaultPoints(),
        budgetNs: (this.o.budgetS ?? DEFAULT_SCORE_BUDGET_S) * 1e9,
        sampleTimeoutMs: timeoutMs,
        log: (line) => this.log(line),
        bestAt: (k, params) => this.bestAt(k, params),
        roofline: () => (this.roofline ??= machineRoofline(this.trusted, this.machine, cwd)).catch(() => null),
      });
      if (!measured.ok) return reject('measure', measured.reason!);
      score.stage = 'done';
      score.verdict = 'accepted';
      return score;
    } catch (e) {
      score.verdict = 'error';
      score.reason = `Assay failed while scoring (not a fault of the candidate): ${describeError(e)}`;
      checks.skipRest(score.stage === 'done' ? 'measure' : score.stage, 'Assay failed');
      return score;
    } finally {
      await cost.stop(runners()).catch(() => {});
      if (built && 'client' in built) await built.cleanup().catch(() => {});
      Object.assign(score.cost, cost.total());
      score.plan = {
        seed: this.plan.seed,
        verified: this.plan.verify.map((x) => ({ params: x.params, inputs: x.inputs })),
        measured: score.cases.map((c) => c.params),
        ...(Object.keys(settings).length ? { settings } : {}),
      };
    }
  }

  /** The best built-in of a kind at a point, found once per session (and kept per machine). */
  private bestAt(kind: ArtifactKind, params: Params): Promise<BuiltIn | null> {
    const key = `${kind}|${formatParams(params)}`;
    let p = this.best.get(key);
    if (!p) {
      p = bestBuiltIn(this.trusted, kind, params, this.plan.rng, { machine: this.machine, cwd: this.o.cwd ?? process.cwd(), onLog: (s) => this.log(s) });
      this.best.set(key, p);
    }
    return p;
  }

  /** Public points whose reference call (timed while verifying) fits the budget; the quickest one at least. */
  private defaultPoints(): Params[] {
    const points = axisPoints(this.lp.problem.axes);
    const ns = (p: Params): number => this.trusted.referenceNs.get(formatParams(p)) ?? Infinity;
    const quick = points.filter((p) => ns(p) <= MAX_MEASURED_REFERENCE_NS);
    return quick.length ? quick : [[...points].sort((a, b) => ns(a) - ns(b))[0]!];
  }

  /** The settings the candidate is scored at: as given, else the first `ep` and the last value of every other setting it declares. */
  private async settingsOf(file: string, kind: ArtifactKind): Promise<Settings> {
    const v = await variantFile(file, kind, false, this.lp.problem);
    const out: Settings = {};
    for (const [k, values] of Object.entries(v.settings)) {
      const given = this.o.settings?.[k];
      if (given !== undefined) {
        const match = values.find((x) => String(x) === String(given));
        if (match === undefined) throw new UsageError(`--setting ${k}=${given}: ${displayPath(file)} declares ${k} = ${values.join(', ')}`);
        out[k] = match;
      } else out[k] = (k === 'ep' ? values[0] : values[values.length - 1])!;
    }
    return out;
  }
}

/** The points a plan verifies at, each with its seed: those whose reference outputs the session keeps. */
function planPoints(plan: ScoringPlan): Array<{ params: Params; seed: number }> {
  return [...plan.verify, ...plan.reuse.seeds.map((seed) => ({ params: plan.reuse.params, seed }))];
}

/**
 * The kind of a candidate file, checked before anything starts: a file that is
 * not a candidate is a UsageError, a missing one an InputError, a kind this
 * machine cannot run a BackendUnavailableError.
 */
export async function checkCandidate(file: string): Promise<ArtifactKind> {
  const kind = kindOfFile(file);
  if (!kind) throw new UsageError(`${displayPath(file)}: not a candidate file; candidates end in ${variantExtensions().join(', ')}`);
  if (!existsSync(file) || !statSync(file).isFile()) throw new InputError(`no such candidate file: ${displayPath(file)}`, file);
  const avail = await availabilityOf(kind);
  if (!avail.ok) throw new BackendUnavailableError(`${displayPath(file)}: the ${kind} backend is unavailable here: ${avail.detail}`);
  return kind;
}

/** Scores one candidate in a session of its own. */
export async function scoreCandidate(problem: string, file: string, o: ScoreOptions = {}): Promise<Score> {
  await checkCandidate(file);
  const session = await ScoringSession.open(problem, o);
  try {
    return await session.score(file);
  } finally {
    await session.close();
  }
}

export type { ScoreCase, ScoreCheck };
