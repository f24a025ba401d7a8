// The history store over Kysely: the one implementation of HistoryStore's
// queries, written in the subset of SQL that SQLite and PostgreSQL share (ids
// read back with `returning`, `on conflict` for keys, JSON and times as text),
// so a PostgreSQL store is this class over another dialect. Every write is one
// transaction; the SQLite dialect begins them IMMEDIATE (sqlite.ts).
import type { Kysely } from 'kysely';
import type { HistoryCase, HistoryPoint, RecordedRun, ScoreDoc, ScoreRecord } from '../../model/history.ts';
import type { RunResult } from '../../model/types.ts';
import { TOOL_VERSION } from '../../model/version.ts';
import { caseRow, contentKey, isoTime, modeOf, num, pointOf, resultRows, runContentKey } from './rows.ts';
import type { HistoryDatabase } from './schema.ts';
import type { HistoryStore, Recorded, RecordRunOptions, RecordScoreOptions, SeriesQuery } from './store.ts';

/** Rows per insert statement: well under SQLite's and PostgreSQL's limits on bound parameters. */
const CHUNK = 400;

function chunks<T>(xs: T[], n = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
}

export interface KyselyStoreOptions {
  location: string;
  /** Turns a driver's error into the error a user should see (a corrupt file is an input error); rethrows by default. */
  translateError?: (e: unknown) => unknown;
}

export class KyselyHistoryStore implements HistoryStore {
  readonly location: string;
  private readonly translate: (e: unknown) => unknown;

  constructor(
    private readonly db: Kysely<HistoryDatabase>,
    o: KyselyStoreOptions,
  ) {
    this.location = o.location;
    this.translate = o.translateError ?? ((e) => e);
  }

  private async guard<T>(f: () => Promise<T>): Promise<T> {
    try {
      return await f();
    } catch (e) {
      throw this.translate(e);
    }
  }

  async recordRun(run: RunResult, o: RecordRunOptions = {}): Promise<Recorded> {
    const key = o.key ?? runContentKey(run);
    const mode = modeOf(run, o.mode);
    const seen = new Set<string>();
    for (const c of run.cases) {
      if (seen.has(c.id)) throw new RangeError(`the run holds case ${c.id} twice`);
      seen.add(c.id);
    }
    const startedAt = isoTime(run.started_at);
    const finishedAt = isoTime(run.finished_at ?? run.started_at);
    const count = (s: string): number => run.cases.filter((c) => c.state === s).length;
    return this.guard(() =>
      this.db.transaction().execute(async (trx) => {
        const existing = await trx.selectFrom('runs').select('id').where('run_key', '=', key).executeTakeFirst();
        if (existing) return { id: num(existing.id), key, created: false };
        const now = new Date().toISOString();
        const hostname = run.machine.hostname ?? '';
        await trx
          .insertInto('machines')
          .values({ id: run.machine.id, hostname, first_seen: now, last_seen: now })
          .onConflict((oc) => oc.column('id').doUpdateSet({ hostname, last_seen: now }))
          .execute();
        const inserted = await trx
          .insertInto('runs')
          .values({
            run_key: key,
            machine_id: run.machine.id,
            git_sha: run.git?.sha ?? null,
            git_branch: run.git?.branch ?? null,
            git_dirty: run.git?.dirty === null || run.git?.dirty === undefined ? null : run.git.dirty ? 1 : 0,
            started_at: startedAt,
            finished_at: finishedAt,
            recorded_at: now,
            mode,
            source: o.source ?? 'run',
            node: run.machine.node ?? null,
            tool_version: run.tool?.version ?? TOOL_VERSION,
            machine: JSON.stringify(run.machine),
            config: JSON.stringify(run.config ?? {}),
            measured: count('measured'),
            failed: count('failed'),
            skipped: count('skipped'),
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        const runId = num(inserted.id);
        const ids = new Map<string, number>();
        for (const part of chunks(run.cases)) {
          await trx.insertInto('cases').values(part.map(caseRow)).onConflict((oc) => oc.column('case_key').doNothing()).execute();
          const rows = await trx.selectFrom('cases').select(['id', 'case_key']).where('case_key', 'in', part.map((c) => c.id)).execute();
          for (const r of rows) ids.set(r.case_key, num(r.id));
        }
        for (const part of chunks(run.cases)) {
          const rows = part.map((c) => resultRows(runId, ids.get(c.id)!, c));
          await trx.insertInto('case_results').values(rows.map((r) => r.result)).execute();
          const samples = rows.flatMap((r) => (r.samples ? [r.samples] : []));
          if (samples.length) await trx.insertInto('case_samples').values(samples).execute();
        }
        return { id: runId, key, created: true };
      }),
    );
  }

  async series(caseId: string, q: SeriesQuery): Promise<HistoryPoint[]> {
    return this.guard(async () => {
      let query = this.db
        .selectFrom('case_results as r')
        .innerJoin('cases as c', 'c.id', 'r.case_id')
        .innerJoin('runs as u', 'u.id', 'r.run_id')
        .select(['r.run_id', 'u.started_at', 'u.git_sha', 'u.git_branch', 'u.mode', 'u.node', 'r.state', 'r.unit', 'r.median', 'r.ci_lo', 'r.ci_hi', 'r.n', 'r.noisy', 'r.error', 'r.reason'])
        .where('c.case_key', '=', caseId)
        .where('u.machine_id', '=', q.machine)
        .where('u.mode', '=', q.mode ?? 'time');
      if (q.last !== undefined) {
        const rows = await query.orderBy('u.started_at', 'desc').orderBy('u.id', 'desc').limit(q.last).execute();
        return rows.reverse().map(pointOf);
      }
      query = query.orderBy('u.started_at').orderBy('u.id');
      return (await query.execute()).map(pointOf);
    });
  }

  async latestRuns(o: { machine?: string; limit?: number } = {}): Promise<RecordedRun[]> {
    return this.guard(async () => {
      let q = this.db
        .selectFrom('runs')
        .select(['id', 'run_key', 'machine_id', 'git_sha', 'git_branch', 'git_dirty', 'started_at', 'finished_at', 'recorded_at', 'mode', 'source', 'node', 'tool_version', 'measured', 'failed', 'skipped'])
        .orderBy('started_at', 'desc')
        .orderBy('id', 'desc')
        .limit(o.limit ?? 20);
      if (o.machine !== undefined) q = q.where('machine_id', '=', o.machine);
      const rows = await q.execute();
      return rows.map((r) => ({
        id: num(r.id),
        key: r.run_key,
        machine: r.machine_id,
        sha: r.git_sha,
        branch: r.git_branch,
        dirty: r.git_dirty === null ? null : num(r.git_dirty) === 1,
        started_at: r.started_at,
        finished_at: r.finished_at,
        recorded_at: r.recorded_at,
        mode: r.mode,
        source: r.source,
        node: r.node,
        tool_version: r.tool_version,
        cases: { measured: num(r.measured), failed: num(r.failed), skipped: num(r.skipped) },
      }));
    });
  }

  async cases(): Promise<HistoryCase[]> {
    return this.guard(async () => {
      const rows = await this.db
        .selectFrom('case_results as r')
        .innerJoin('cases as c', 'c.id', 'r.case_id')
        .innerJoin('runs as u', 'u.id', 'r.run_id')
        .select((eb) => ['c.case_key', 'c.problem', 'c.variant', 'c.kind', 'c.params', 'c.settings', 'u.machine_id', 'u.mode', eb.fn.countAll().as('points')])
        .groupBy(['c.id', 'c.case_key', 'c.problem', 'c.variant', 'c.kind', 'c.params', 'c.settings', 'u.machine_id', 'u.mode'])
        .orderBy('c.case_key')
        .orderBy('u.machine_id')
        .orderBy('u.mode')
        .execute();
      const out = new Map<string, HistoryCase>();
      for (const r of rows) {
        let c = out.get(r.case_key);
        if (!c) {
          c = { id: r.case_key, problem: r.problem, variant: r.variant, kind: r.kind, params: JSON.parse(r.params), series: [] };
          if (r.settings) c.settings = JSON.parse(r.settings);
          out.set(r.case_key, c);
        }
        c.series.push({ machine: r.machine_id, mode: r.mode, points: num(r.points as number | string) });
      }
      return [...out.values()];
    });
  }

  async recordScore(score: ScoreDoc, o: RecordScoreOptions = {}): Promise<Recorded> {
    const machine = o.machine ?? null;
    const sha = o.sha ?? null;
    const key = o.key ?? contentKey({ score, machine, sha });
    const recordedAt = isoTime(o.recordedAt ?? new Date().toISOString());
    return this.guard(() =>
      this.db.transaction().execute(async (trx) => {
        const existing = await trx.selectFrom('scores').select('id').where('score_key', '=', key).executeTakeFirst();
        if (existing) return { id: num(existing.id), key, created: false };
        const s = score.speedup ?? null;
        const row = await trx
          .insertInto('scores')
          .values({
            score_key: key,
            problem: score.problem,
            candidate: score.candidate,
            kind: score.kind,
            verdict: score.verdict,
            stage: score.stage,
            speedup: s ? s.point : null,
            speedup_lo: s ? s.ci[0] : null,
            speedup_hi: s ? s.ci[1] : null,
            machine_id: machine,
            git_sha: sha,
            mode: o.mode ?? 'time',
            recorded_at: recordedAt,
            doc: JSON.stringify(score),
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        return { id: num(row.id), key, created: true };
      }),
    );
  }

  async scores(o: { problem?: string } = {}): Promise<ScoreRecord[]> {
    return this.guard(async () => {
      let q = this.db.selectFrom('scores').select(['id', 'score_key', 'machine_id', 'git_sha', 'mode', 'recorded_at', 'doc']).orderBy('recorded_at', 'desc').orderBy('id', 'desc');
      if (o.problem !== undefined) q = q.where('problem', '=', o.problem);
      const rows = await q.execute();
      return rows.map((r) => ({ id: num(r.id), key: r.score_key, machine: r.machine_id, sha: r.git_sha, mode: r.mode, recorded_at: r.recorded_at, score: JSON.parse(r.doc) as ScoreDoc }));
    });
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }
}
