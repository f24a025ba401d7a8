// The history store's tables as Kysely sees them. Written so that one set of
// queries runs on SQLite and on PostgreSQL: ids are integers the database
// assigns (read back with `returning`), JSON is text, timestamps are ISO 8601
// text in UTC (so that text order is time order), booleans are 0/1 integers,
// and figures are double precision.
import type { Generated } from 'kysely';

/** One row per migration applied; the schema's version is the highest. */
export interface SchemaTable {
  version: number;
  description: string;
  applied_at: string;
}

export interface MachinesTable {
  /** The machine id of the RunResult (`machine.id`). */
  id: string;
  hostname: string;
  first_seen: string;
  last_seen: string;
}

export interface RunsTable {
  id: Generated<number>;
  run_key: string;
  machine_id: string;
  git_sha: string | null;
  git_branch: string | null;
  git_dirty: number | null;
  started_at: string;
  finished_at: string;
  recorded_at: string;
  mode: string;
  source: string;
  node: string | null;
  tool_version: string;
  /** The RunResult's `machine`, as JSON: the node version, packages and GPU of that night. */
  machine: string;
  /** The RunResult's `config`, as JSON. */
  config: string;
  measured: number;
  failed: number;
  skipped: number;
}

export interface CasesTable {
  id: Generated<number>;
  /** The case id (`matmul/blocked.ts[n=512]`). */
  case_key: string;
  problem: string;
  variant: string;
  kind: string;
  params: string;
  settings: string | null;
}

export interface CaseResultsTable {
  run_id: number;
  case_id: number;
  state: string;
  unit: string | null;
  median: number | null;
  ci_lo: number | null;
  ci_hi: number | null;
  n: number | null;
  rel_ci: number | null;
  noisy: number | null;
  error: string | null;
  reason: string | null;
  /** What else the case carried (timer, details, stage, location, speedup), as JSON. */
  extra: string | null;
}

/** A measured case's whole stats and raw samples, kept apart from the rows a series reads. */
export interface CaseSamplesTable {
  run_id: number;
  case_id: number;
  /** The whole `stats` object less the raw samples, as JSON (per-process summaries ride here). */
  stats: string;
  /** The raw samples, as a JSON array; null when the run was written without them. */
  samples: string | null;
}

export interface ScoresTable {
  id: Generated<number>;
  score_key: string;
  problem: string;
  candidate: string;
  kind: string;
  verdict: string;
  stage: string;
  speedup: number | null;
  speedup_lo: number | null;
  speedup_hi: number | null;
  machine_id: string | null;
  git_sha: string | null;
  mode: string;
  recorded_at: string;
  /** The whole Score JSON. */
  doc: string;
}

export interface HistoryDatabase {
  assay_schema: SchemaTable;
  machines: MachinesTable;
  runs: RunsTable;
  cases: CasesTable;
  case_results: CaseResultsTable;
  case_samples: CaseSamplesTable;
  scores: ScoresTable;
}
