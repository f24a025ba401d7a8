// A connection to a fleet: its PostgreSQL (the fleet's tables, created where
// missing), pg-boss on the same database, and the history store there, opened
// when first needed. Workers and `--remote` clients both start here. The URL
// comes from --db or ASSAY_DB and must be PostgreSQL's; it is shown only
// without its password.
import PgBoss from 'pg-boss';
import type pg from 'pg';
import { UsageError } from '../model/errors.ts';
import { isPostgresUrl, redactIn, redactUrl } from '../store/history/db-url.ts';
import { openPostgresStore, postgresError, postgresPool } from '../store/history/postgres.ts';
import type { HistoryStore } from '../store/history/store.ts';
import { ensureFleetSchema } from './schema.ts';
import { familyOf, queueName, type JobKind } from './spec.ts';

/** pg-boss's queue settings for every fleet queue. */
export interface QueueSettings {
  /** Attempts after the first, when a worker dies or a job outlives its expiry. */
  retryLimit: number;
  retryDelay: number;
  /** The longest a job may stay active before pg-boss hands it out again. */
  expireInSeconds: number;
}

/** The defaults: two retries a second apart, and four hours for one job (ASSAY_FLEET_JOB_TIMEOUT_S). */
export function queueSettings(): QueueSettings {
  const t = Number(process.env.ASSAY_FLEET_JOB_TIMEOUT_S);
  return { retryLimit: 2, retryDelay: 1, expireInSeconds: Number.isFinite(t) && t >= 1 ? Math.round(t) : 4 * 3600 };
}

export interface Fleet {
  url: string;
  /** The URL as it may be shown. */
  shown: string;
  pool: pg.Pool;
  boss: PgBoss;
  /** The shared history store on the same database. */
  history(): Promise<HistoryStore>;
  /** Creates (idempotently) the queue of a tag and kind, once per process. */
  queueFor(tag: string, kind: JobKind): Promise<string>;
  /** Says `text` in error messages without the password. */
  redact(text: string): string;
  close(): Promise<void>;
}

/** Key of the advisory lock held while a queue is created. */
const QUEUE_LOCK = 0x71756575;

/**
 * Creates a queue where it does not exist. pg-boss makes a table partition for
 * each queue, and two processes creating queues at once can deadlock in
 * PostgreSQL's catalogue; so creation takes turns under an advisory lock.
 */
async function createQueueOnce(pool: pg.Pool, boss: PgBoss, name: string): Promise<string> {
  if (await boss.getQueue(name)) return name;
  const c = await pool.connect();
  try {
    await c.query('select pg_advisory_lock($1)', [QUEUE_LOCK]);
    if (!(await boss.getQueue(name))) await boss.createQueue(name, { name, ...queueSettings() });
  } finally {
    await c.query('select pg_advisory_unlock($1)', [QUEUE_LOCK]).catch(() => {});
    c.release();
  }
  return name;
}

/** The fleet's URL: the option, else ASSAY_DB; a usage error where neither is a PostgreSQL URL. */
export function fleetUrl(db: string | undefined, what: string): string {
  const url = db || process.env.ASSAY_DB;
  if (!url) throw new UsageError(`${what} needs the fleet's PostgreSQL: --db postgres://USER@HOST/DB, or ASSAY_DB`);
  if (!isPostgresUrl(url)) throw new UsageError(`${what} needs the fleet's PostgreSQL, and ${redactUrl(url)} is not a postgres:// URL`);
  return url;
}

export interface ConnectOptions {
  /** Run pg-boss's maintenance (expiry, retries, archiving) from this process: workers do, clients do not. */
  supervise?: boolean;
}

/** Connects to the fleet at `url`, creating its tables and pg-boss's schema where missing. */
export async function connectFleet(url: string, o: ConnectOptions = {}): Promise<Fleet> {
  const translate = postgresError(url, 'fleet database');
  // a worker or client does one thing at a time, and a heartbeat beside it: two connections
  const pool = postgresPool(url, 2);
  try {
    await ensureFleetSchema(pool);
  } catch (e) {
    await pool.end().catch(() => {});
    throw translate(e);
  }
  const boss = new PgBoss({
    connectionString: url,
    max: 2,
    application_name: 'assay-fleet',
    schedule: false,
    supervise: o.supervise ?? false,
    // expiry and retries are found by this pass: every 10 s on each worker (pg-boss lets one run at a time)
    maintenanceIntervalSeconds: 10,
    monitorStateIntervalSeconds: 60,
  });
  boss.on('error', () => {});
  try {
    await boss.start();
  } catch (e) {
    await pool.end().catch(() => {});
    throw translate(e);
  }
  const queues = new Map<string, Promise<string>>();
  let store: Promise<HistoryStore> | null = null;
  return {
    url,
    shown: redactUrl(url),
    pool,
    boss,
    history: () => (store ??= openPostgresStore(url)),
    queueFor(tag, kind) {
      const name = queueName(tag, familyOf(kind));
      let q = queues.get(name);
      if (!q) {
        q = createQueueOnce(pool, boss, name);
        queues.set(name, q);
      }
      return q;
    },
    redact: (text) => redactIn(text, url),
    async close() {
      await boss.stop({ graceful: false, close: true, wait: true }).catch(() => {});
      if (store) await (await store).close().catch(() => {});
      await pool.end().catch(() => {});
    },
  };
}
