// The fleet's own tables, beside the history store's in the same PostgreSQL
// database (pg-boss keeps its queue in its own `pgboss` schema there):
// - fleet_workers: who serves jobs, on which host, with which tags, and when it
//   last said it was alive;
// - fleet_jobs: every job submitted, what it carries (arguments and files), and
//   where it stands (queued, started on HOST, case i of n);
// - fleet_results: one row per job, keyed by the job's id, written with
//   `on conflict do nothing`: however often pg-boss hands a job out (a worker
//   SIGKILLed mid-run, a job that outlived its expiry), the first finished
//   attempt is the result, and a stale one never overwrites it.
// Created idempotently under an advisory lock, so that workers and clients
// starting at once create each table once.
import type pg from 'pg';

/** Key of the advisory lock held while the fleet's tables are created. */
const SCHEMA_LOCK = 0x666c656574;

const DDL = `
create table if not exists fleet_workers (
  id text primary key,
  host text not null,
  machine_id text not null,
  pid integer not null,
  tags text[] not null,
  kinds text[] not null,
  backends jsonb not null,
  fingerprint jsonb not null,
  price_per_hour double precision,
  state text not null,
  job_id uuid,
  started_at timestamptz not null default now(),
  heartbeat_at timestamptz not null default now()
);
create table if not exists fleet_jobs (
  id uuid primary key,
  kind text not null,
  tag text not null,
  queue text not null,
  command text not null,
  spec jsonb not null,
  payload bytea,
  submitted_from text not null,
  submitted_at timestamptz not null default now(),
  state text not null default 'queued',
  worker_id text,
  host text,
  attempts integer not null default 0,
  progress text,
  started_at timestamptz,
  updated_at timestamptz not null default now()
);
create index if not exists fleet_jobs_by_time on fleet_jobs (submitted_at desc);
-- every heartbeat looks for started jobs of silent workers: a small index, however long the table grows
create index if not exists fleet_jobs_started on fleet_jobs (worker_id) where state = 'started';
create table if not exists fleet_results (
  job_id uuid primary key references fleet_jobs (id),
  worker_id text not null,
  host text not null,
  attempt integer not null,
  exit_code integer not null,
  stdout text not null,
  stderr text not null,
  outputs jsonb not null,
  history_key text,
  started_at timestamptz not null,
  finished_at timestamptz not null,
  measure_from timestamptz,
  measure_to timestamptz,
  wall_s double precision not null,
  cpu_s double precision not null,
  price_per_hour double precision,
  cost double precision
);
`;

/** Creates the fleet's tables where they are missing. */
export async function ensureFleetSchema(pool: pg.Pool): Promise<void> {
  const c = await pool.connect();
  try {
    await c.query('begin');
    await c.query('select pg_advisory_xact_lock($1)', [SCHEMA_LOCK]);
    await c.query(DDL);
    await c.query('commit');
  } catch (e) {
    await c.query('rollback').catch(() => {});
    throw e;
  } finally {
    c.release();
  }
}
