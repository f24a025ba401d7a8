// The vocabulary of the history store: a recorded run, one point of a case's
// time series, the cases the store holds, and a recorded score. The store
// (store/history/) writes and reads these shapes, the statistics find change
// points in them, and the dashboard (report/html/) renders them; nothing here
// does any work.
import type { ArtifactKind, Params, Settings } from './types.ts';

/**
 * How a run was measured: wall or GPU time (unit `ns`), or instruction counts
 * (unit `instr`). Series of two modes are never mixed; the unit is data, read
 * from each case's stats.
 */
export type MeasureMode = 'time' | 'instructions' | (string & {});

/** Where a recorded run came from. */
export type RunSource = 'nightly' | 'import' | 'run' | (string & {});

/** A run as the store holds it, without its cases. */
export interface RecordedRun {
  /** The store's id of the run. */
  id: number;
  /** What makes the run unique: a retry with the same key is not stored twice. */
  key: string;
  machine: string;
  sha: string | null;
  branch: string | null;
  dirty: boolean | null;
  started_at: string;
  finished_at: string;
  recorded_at: string;
  mode: MeasureMode;
  source: RunSource;
  /** Node version of the run, for reading a change that came with an upgrade. */
  node: string | null;
  tool_version: string;
  /** How many cases the run holds, of each state. */
  cases: { measured: number; failed: number; skipped: number };
}

/** A case the store holds, with the machines and modes it was measured on. */
export interface HistoryCase {
  id: string;
  problem: string;
  variant: string;
  kind: ArtifactKind | (string & {});
  params: Params;
  settings?: Settings;
  /** One entry per machine and mode the case has points for. */
  series: Array<{ machine: string; mode: MeasureMode; points: number }>;
}

/** One night (one run) of one case: the point of its time series. */
export interface HistoryPoint {
  run: number;
  /** When the run started (ISO 8601, UTC). */
  at: string;
  sha: string | null;
  branch: string | null;
  mode: MeasureMode;
  node: string | null;
  state: 'measured' | 'failed' | 'skipped';
  /** `ns` or `instr`; null when the case was not measured. */
  unit: string | null;
  median: number | null;
  /** The 95% CI of the median, when measured. */
  ci: [number, number] | null;
  /** Samples behind the median. */
  n: number | null;
  /** True when the run's stopping rule gave up before the CI was tight. */
  noisy: boolean;
  /** The failure or skip reason, when not measured. */
  note?: string;
}

/** A case's series on one machine in one mode, oldest first. */
export interface HistorySeries {
  case: Omit<HistoryCase, 'series'>;
  machine: string;
  mode: MeasureMode;
  points: HistoryPoint[];
}

/** The Score JSON of `assay score --json` (DESIGN.md's contract), as the store keeps it. */
export interface ScoreDoc {
  schema: 1;
  problem: string;
  candidate: string;
  kind: string;
  verdict: 'accepted' | 'rejected' | 'error';
  stage: 'build' | 'verify' | 'measure' | 'done';
  reason?: string;
  checks: Array<{ name: string; passed: boolean; detail?: string }>;
  speedup?: { vs: string; point: number; ci: [number, number] } | null;
  cases?: Array<{ params: Params; median_ns: number; ci_ns: [number, number]; speedup: number }>;
  flags?: string[];
  cost?: { wall_s: number; cpu_s: number };
  [more: string]: unknown;
}

/** A recorded score: the Score JSON with where and when it was taken. */
export interface ScoreRecord {
  id: number;
  key: string;
  machine: string | null;
  sha: string | null;
  mode: MeasureMode;
  recorded_at: string;
  score: ScoreDoc;
}

/** What a fleet's finished jobs took and cost, per host and kind of job (the dashboard's fleet panel). */
export interface FleetCost {
  host: string;
  kind: string;
  jobs: number;
  /** Wall and CPU seconds of the jobs on their workers, summed. */
  wall_s: number;
  cpu_s: number;
  /** The worker's price per hour, when one was configured (`assay worker --price-per-hour`). */
  price_per_hour: number | null;
  /** The jobs' cost at that price; null when no price was configured. */
  cost: number | null;
}
