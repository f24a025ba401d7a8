// How a RunResult becomes rows of the history store, and rows become points:
// the run's key, its measure mode, and every column's text form (JSON as text,
// times as ISO text, booleans as 0/1), in one place for both databases.
import { createHash } from 'node:crypto';
import type { HistoryPoint, MeasureMode } from '../../model/history.ts';
import type { CaseResult, RunResult } from '../../model/types.ts';
import type { CaseResultsTable, CaseSamplesTable, CasesTable } from './schema.ts';

/** JSON with object keys sorted, so that equal content gives equal text whatever the key order. */
export function canonicalJson(x: unknown): string {
  return JSON.stringify(x, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

/** The default key of a run: a hash of its content, so that the same result is stored once. */
export function contentKey(doc: unknown): string {
  return `sha256:${createHash('sha256').update(canonicalJson(doc)).digest('hex')}`;
}

/**
 * The default key of a run: its content's hash, without what saving it as a
 * baseline adds, so that a run imported from its result file and from its
 * baseline file is one run.
 */
export function runContentKey(run: RunResult): string {
  const { baseline: _b, ...rest } = run as RunResult & { baseline?: unknown };
  return contentKey(rest);
}

/**
 * The measure mode a run records (`mode` on the run, or in its config), else
 * `fallback`. Runs written before modes existed were timed.
 */
export function modeOf(run: RunResult, fallback: MeasureMode = 'time'): MeasureMode {
  const r = run as unknown as { mode?: unknown; config?: { mode?: unknown; measure?: unknown } };
  for (const m of [r.mode, r.config?.mode, r.config?.measure]) if (typeof m === 'string' && m) return m;
  return fallback;
}

/** A time as the store keeps it: ISO 8601 in UTC, whose text order is time order. Throws RangeError for a time that is not one. */
export function isoTime(t: string): string {
  const d = new Date(t);
  if (Number.isNaN(d.getTime())) throw new RangeError(`"${t}" is not a date and time`);
  return d.toISOString();
}

const bool = (b: boolean | null | undefined): number | null => (b === null || b === undefined ? null : b ? 1 : 0);
const json = (x: unknown): string | null => (x === undefined ? null : JSON.stringify(x));

export function caseRow(c: CaseResult): Omit<CasesTable, 'id'> {
  return { case_key: c.id, problem: c.problem, variant: c.variant, kind: c.kind, params: JSON.stringify(c.params ?? {}), settings: json(c.settings) };
}

/** The rows of one case of a run: its result, and for a measured case its whole stats and raw samples. */
export function resultRows(runId: number, caseId: number, c: CaseResult): { result: CaseResultsTable; samples: CaseSamplesTable | null } {
  const base = { run_id: runId, case_id: caseId, state: c.state, unit: null, median: null, ci_lo: null, ci_hi: null, n: null, rel_ci: null, noisy: null, error: null, reason: null };
  const { id: _i, problem: _p, variant: _v, kind: _k, params: _pa, settings: _s, state: _st, ...rest } = c as CaseResult & Record<string, unknown>;
  const extraOf = (x: Record<string, unknown>): string | null => json(Object.keys(x).length ? x : undefined);
  if (c.state === 'measured') {
    const { samples, ...stats } = c.stats;
    const { stats: _x, ...extra } = rest;
    return {
      result: {
        ...base,
        unit: stats.unit,
        median: stats.median,
        ci_lo: stats.ci[0],
        ci_hi: stats.ci[1],
        n: stats.n,
        rel_ci: Number.isFinite(stats.rel_ci_half_width) ? stats.rel_ci_half_width : null,
        noisy: bool(stats.noisy),
        extra: extraOf(extra),
      },
      samples: { run_id: runId, case_id: caseId, stats: JSON.stringify(stats), samples: samples ? JSON.stringify(samples) : null },
    };
  }
  if (c.state === 'failed') {
    const { error: _e, ...extra } = rest;
    return { result: { ...base, error: c.error, extra: extraOf(extra) }, samples: null };
  }
  const { reason: _r, ...extra } = rest;
  return { result: { ...base, reason: c.reason, extra: extraOf(extra) }, samples: null };
}

/** A joined row of the series query. */
export interface PointRow {
  run_id: number | string;
  started_at: string;
  git_sha: string | null;
  git_branch: string | null;
  mode: string;
  node: string | null;
  state: string;
  unit: string | null;
  median: number | string | null;
  ci_lo: number | string | null;
  ci_hi: number | string | null;
  n: number | string | null;
  noisy: number | string | null;
  error: string | null;
  reason: string | null;
}

/** A number from the database: PostgreSQL hands back bigints and numerics as strings. */
export function num(x: number | string | bigint): number {
  const v = Number(x);
  if (!Number.isFinite(v)) throw new RangeError(`the store returned ${String(x)} where a number belongs`);
  return v;
}
const numOrNull = (x: number | string | null): number | null => (x === null ? null : num(x));

export function pointOf(r: PointRow): HistoryPoint {
  const median = numOrNull(r.median);
  const lo = numOrNull(r.ci_lo);
  const hi = numOrNull(r.ci_hi);
  const p: HistoryPoint = {
    run: num(r.run_id),
    at: r.started_at,
    sha: r.git_sha,
    branch: r.git_branch,
    mode: r.mode,
    node: r.node,
    state: r.state as HistoryPoint['state'],
    unit: r.unit,
    median,
    ci: lo !== null && hi !== null ? [lo, hi] : null,
    n: numOrNull(r.n),
    noisy: r.noisy !== null && num(r.noisy) === 1,
  };
  const note = r.error ?? r.reason;
  if (note) p.note = note;
  return p;
}
