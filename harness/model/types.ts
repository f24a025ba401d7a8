// The shared vocabulary of Assay: problems, artifacts, cases and run results.
// Every other module speaks in these types; nothing here does any work.

/** Element types a tensor may hold. Only f32 is used by the built-in problems. */
export type DType = 'f32' | 'i32' | 'u32';

/** The typed array that holds a tensor of each dtype. */
export interface TypedArrayOf {
  f32: Float32Array;
  i32: Int32Array;
  u32: Uint32Array;
}
export type TensorArray = Float32Array | Int32Array | Uint32Array;

/** Axis values of one case, such as `{ n: 512 }`. Every axis value is a non-negative integer. */
export type Params = Record<string, number>;

/** Named tensors passed to a variant, in the order the problem declares them. */
export type Tensors = Record<string, TensorArray>;

/** A tensor of a problem's signature. Shapes are written with axis names or numbers: `['n', 'n']`, `[1]`. */
export interface TensorSpec {
  name: string;
  role: 'input' | 'output';
  dtype: DType;
  shape: Array<string | number>;
}

/**
 * How close a variant's output must be to the reference's.
 * An element passes when |got - want| <= atol + rtol * |want|.
 * `atol` and `rtol` are numbers or expressions over the axes (`'4e-8 * n'`).
 */
export interface Tolerance {
  atol: number | string;
  rtol: number | string;
  /** Why the tolerance is this value, for a reader of `assay problem show`. */
  reason: string;
}

/** The work one call does, as expressions over the axes, used for GFLOP/s and GB/s. */
export interface WorkModel {
  flops: string | number;
  bytes: string | number;
}

/** The signature every problem variant (and js candidate) implements. It may be async. */
export type KernelFn = (inputs: Tensors, outputs: Tensors, params: Params) => void | Promise<void>;

/** Seeded random source handed to input generators. */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform in [lo, hi). */
  uniform(lo: number, hi: number): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
}

/** What `defineProblem` takes. */
export interface ProblemSpec {
  name: string;
  description: string;
  /** The parameter grid; the cases are its cartesian product. */
  axes: Record<string, number[]>;
  tensors: TensorSpec[];
  /** Seeded, deterministic inputs for one axis point. Must fill every input tensor. */
  generate: (params: Params, rng: Rng) => Tensors;
  tolerance: Tolerance;
  work: WorkModel;
  /** File name of the sibling variant that is the reference (the oracle), e.g. `reference.ts`. */
  reference: string;
}

/** A problem after validation, with the folder it was loaded from. */
export interface Problem extends ProblemSpec {
  dir: string;
}

export type ArtifactKind = 'js' | 'native' | 'wgsl' | 'onnx';

/** One case: an artifact at one axis point, the unit that is measured and compared. */
export interface CaseRef {
  /** Stable id, e.g. `matmul/blocked.ts[n=512]` or `bench/json.bench.ts/parse small`. */
  id: string;
  /** Problem name, or the bench file's path for plain benchmarks. */
  problem: string;
  variant: string;
  kind: ArtifactKind;
  params: Params;
  /**
   * The variant's own settings at this case, beyond the problem's axes: a thread
   * count, an execution provider. Absent when the variant has none.
   */
  settings?: Settings;
}

/** Values of a variant's own setting axes, such as `{ threads: 2, ep: 'cpu' }`. */
export type Settings = Record<string, string | number>;

/** Why sampling stopped: the CI was tight enough, the time budget ran out, or the sample cap was reached. */
export type StopReason = 'converged' | 'budget' | 'max-samples';

/** The location and spread of a sample set, as the statistics module computes them. */
export interface Summary {
  /** Number of samples. */
  n: number;
  median: number;
  mean: number;
  min: number;
  max: number;
  p99: number;
  /** Median absolute deviation (unscaled). */
  mad: number;
  /** Bootstrap 95% confidence interval of the median. */
  ci: [number, number];
  /** Half the CI's width divided by the median. */
  rel_ci_half_width: number;
  outliers: OutlierCounts;
}

/**
 * How a run measures: `time` per call, in ns (wall time, or the device's own
 * timer); or `instructions` per call, counted under valgrind's callgrind (unit
 * `instr`). Runs of different modes are never compared.
 */
export type MeasureMode = 'time' | 'instructions';

/** Summary statistics of one measurement, per iteration: ns in time mode, instructions in instruction mode. */
export interface SampleStats extends Summary {
  unit: 'ns' | 'instr';
  /** Iterations timed together in each sample. */
  batch: number;
  /** Why sampling stopped: the CI was tight enough, the time budget ran out, or the sample cap was reached. */
  stop: StopReason;
  /** True when sampling stopped before the CI reached the target width. */
  noisy: boolean;
  throughput?: Throughput;
  verify?: VerifyReport;
  /** The raw samples in the order taken (per iteration, in `unit`), kept when asked for. */
  samples?: number[];
  /**
   * When the case was measured in several processes (`--processes K`): each
   * process's own summary, in the order they ran, so that a comparison sees the
   * spread between processes and not only within one. The fields above pool
   * every process's samples.
   */
  processes?: ProcessSummary[];
}

/** One process's share of a case measured in several processes. */
export interface ProcessSummary {
  n: number;
  median: number;
  ci: [number, number];
  mad: number;
}

/** Tukey-fence outlier counts. Outliers are counted, never dropped. */
export interface OutlierCounts {
  low_severe: number;
  low_mild: number;
  high_mild: number;
  high_severe: number;
}

export interface Throughput {
  gflops?: number;
  gbps?: number;
}

/** The outcome of comparing a variant's outputs with the reference's. */
export interface VerifyReport {
  passed: boolean;
  max_abs_err: number;
  /** Largest relative error among elements whose expected magnitude exceeds atol. */
  max_rel_err: number;
  /** The first failing element, when there is one. */
  first_bad?: { tensor: string; index: number; got: number; want: number };
  /** Axis points checked. */
  points: number;
}

interface CaseBase extends CaseRef {
  /** Which timer produced the samples. */
  timer?: string;
  /**
   * What the backend reports beside the timing: build or session-creation time
   * (`compile_ms`, `session_ms`), transfer time, compiler flags, cache hits.
   * None of it is inside the measured samples.
   */
  details?: Record<string, string | number | boolean>;
}
/** A case that verified and was measured. */
export interface MeasuredCase extends CaseBase {
  state: 'measured';
  stats: SampleStats;
  /** Median speedup over the problem's reference variant at the same point, when both were measured. */
  speedup?: number;
}
/** A case that could not be prepared, failed verification, or threw while measured. */
export interface FailedCase extends CaseBase {
  state: 'failed';
  error: string;
  /** The stage that failed: building or loading the artifact, verifying it, or measuring it. */
  stage?: 'build' | 'verify' | 'measure';
  /** Where in the user's file the fault lies, when it is known (a compiler error, a syntax error). */
  location?: { file: string; line?: number; column?: number };
  verify?: VerifyReport;
}
/** A case that was not run, with the reason (its backend is unavailable, say). */
export interface SkippedCase extends CaseBase {
  state: 'skipped';
  reason: string;
}
export type CaseResult = MeasuredCase | FailedCase | SkippedCase;

/** The machine and software a run was taken on. */
export interface MachineInfo {
  /** Stable on one machine, different between machines. */
  id: string;
  hostname: string;
  cpu: { model: string; cores: number; speed_mhz: number; flags?: string[] };
  memory_bytes: number;
  os: { platform: string; release: string; arch: string; distro?: string };
  node: string;
  v8: string;
  /** Versions of the packages whose behaviour the numbers depend on. */
  packages: Record<string, string | null>;
  /** GPU adapter, when the WebGPU backend found one. */
  gpu?: Record<string, unknown> | null;
  /** The clock the measuring loop used. */
  clock: string;
  /** Whether hardware counters (cycles, instructions) can be read here, and why not. */
  counters?: { available: boolean; events: string[]; reason?: string };
}

export interface GitInfo {
  sha: string | null;
  dirty: boolean | null;
  branch?: string | null;
}

/** Resolved options of a run. */
export interface RunConfig {
  budget_s: number;
  warmup_s: number;
  target_rel_ci: number;
  min_samples: number;
  backends: ArtifactKind[];
  problems: string[] | null;
  paths: string[];
  filters: string[];
  /** Variant names of candidates given on the command line (`--candidate`). */
  candidates?: string[];
  /** Processes each case was measured in, when more than one (`--processes K`). */
  processes?: number;
  /** How the cases were measured; absent in runs written before instruction counts existed, which were timed. */
  measure?: MeasureMode;
}

/** One invocation over many cases, written as one JSON document. */
export interface RunResult {
  schema: 1;
  tool: { name: 'assay'; version: string };
  started_at: string;
  finished_at: string;
  machine: MachineInfo;
  git: GitInfo;
  config: RunConfig;
  cases: CaseResult[];
}

/** One check of a score: what was checked, whether it passed, and what was found. */
export interface ScoreCheck {
  name: string;
  passed: boolean;
  detail: string;
  /** An isolation layer this machine lacks: reported, not held against the candidate. */
  unavailable?: boolean;
  /** Not run, because an earlier stage stopped the scoring. */
  skipped?: boolean;
}

/** A speedup of the candidate over another variant: the ratio of medians with its 95% CI. */
export interface ScoreSpeedup {
  /** The variant it is over, as a case id without the point: `matmul/reference.ts`. */
  vs: string;
  point: number;
  ci: [number, number];
}

/** The candidate at one measured axis point. */
export interface ScoreCase {
  params: Params;
  median_ns: number;
  ci_ns: [number, number];
  /** Over the reference at this point. */
  speedup: number;
  speedup_ci: [number, number];
  /** Over the best built-in variant of the candidate's kind at this point, when there is one. */
  speedup_best?: number;
  speedup_best_ci?: [number, number];
  /** The paired samples per side, and the calls per sample of the candidate. */
  samples: number;
  batch: number;
  reference_median_ns: number;
  best_median_ns?: number;
  /** What timed each side. */
  timers: { candidate: string; reference: string; best?: string };
  throughput?: Throughput;
  /** The CI did not reach its target width before the budget ran out. */
  noisy: boolean;
}

/** Wall and CPU seconds of one stage; `started_at`/`finished_at` are epoch ms. */
export interface StageCost {
  wall_s: number;
  cpu_s: number;
  started_at: number;
  finished_at: number;
  /** The measure stage only: seconds spent waiting for the machine-wide measure lock, before `started_at`. */
  lock_wait_s?: number;
}

/** The verdict on one candidate (`assay score --json`); the contract is in DESIGN.md. */
export interface Score {
  schema: 1;
  problem: string;
  candidate: string;
  kind: ArtifactKind | null;
  verdict: 'accepted' | 'rejected' | 'error';
  /** The last stage reached. */
  stage: 'build' | 'verify' | 'measure' | 'done';
  /** Why, when not accepted. */
  reason?: string;
  /** Where in the candidate the fault lies, when known (a compile error). */
  location?: { file: string; line?: number; column?: number };
  checks: ScoreCheck[];
  speedup: ScoreSpeedup | null;
  speedup_best: ScoreSpeedup | null;
  cases: ScoreCase[];
  flags: string[];
  cost: { wall_s: number; cpu_s: number; stages: Partial<Record<'build' | 'verify' | 'measure', StageCost>> };
  /** How the scoring was drawn: the session's seed, and the points verified and measured. */
  plan?: { seed: number; verified: Array<{ params: Params; inputs: 'public' | 'fresh' | 'held-out' }>; measured: Params[]; settings?: Settings };
  machine?: string;
  tool?: string;
}

/** Scores of every candidate in a folder, with the KernelBench-style summary. */
export interface FolderScore {
  schema: 1;
  problem: string;
  folder: string;
  scores: Score[];
  /** The share of candidates that are correct and faster than p times the reference, at p = 1 and p = 1.5. */
  fast_p: { '1': number; '1.5': number };
  /** The geometric mean of the speedups of the accepted candidates, null when none was. */
  geomean_speedup: number | null;
  counts: { accepted: number; rejected: number; error: number };
  cost: { wall_s: number; cpu_s: number };
}
