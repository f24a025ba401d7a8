// The shared history store: a PostgreSQL database through `pg` and Kysely's
// PostgresDialect, with the same queries (kysely-store.ts) and the same
// migrations as the SQLite store. A team's nightly runs, its fleet's jobs and
// its agents' scores all land in one place. The URL is only ever shown without
// its password (db-url.ts), and an unreachable server is exit 3, a refused
// login or a missing database exit 2.
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { BackendUnavailableError, InputError } from '../../model/errors.ts';
import { redactIn, redactUrl } from './db-url.ts';
import { KyselyHistoryStore } from './kysely-store.ts';
import { migrate, NewerSchemaError } from './migrations.ts';
import type { HistoryDatabase } from './schema.ts';

/** Connections per store: a command reads and writes one thing at a time. */
const POOL_SIZE = 4;
/** How long to wait for the server to answer a connection, before saying it is unreachable. */
const CONNECT_TIMEOUT_MS = 10_000;

const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'ECONNRESET', 'EAI_AGAIN', '57P01', '57P03']);

/** Turns an error of `pg` into the one the user should see, with the URL's password never in it. */
export function postgresError(url: string, what = 'history store'): (e: unknown) => unknown {
  const shown = redactUrl(url);
  return (e) => {
    if (!(e instanceof Error)) return e;
    const code = (e as { code?: unknown }).code;
    const msg = redactIn(e.message || String(code ?? 'connection failed'), url);
    if (typeof code === 'string' && UNREACHABLE.has(code)) return new BackendUnavailableError(`cannot reach the PostgreSQL ${what} at ${shown} (${msg}); check that the server is running and reachable from here`);
    if (/timeout expired|Connection terminated/i.test(e.message)) return new BackendUnavailableError(`cannot reach the PostgreSQL ${what} at ${shown} (${msg}); check that the server is running and reachable from here`);
    if (typeof code === 'string' && (code.startsWith('28') || code === '3D000')) return new InputError(`${what} ${shown}: ${msg}; check the user, password and database name in --db (or ASSAY_DB)`, shown);
    if (msg !== e.message) {
      const clean = new Error(msg);
      (clean as { code?: unknown }).code = code;
      return clean;
    }
    return e;
  };
}

/** A pool of connections to `url`, with errors on idle connections kept from crashing the process. */
export function postgresPool(url: string, max = POOL_SIZE): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max, connectionTimeoutMillis: CONNECT_TIMEOUT_MS, application_name: 'assay' });
  // a server restart drops idle connections; the next query takes a new one
  pool.on('error', () => {});
  return pool;
}

export interface OpenPostgresOptions {
  /** Migrate up to this version instead of the newest (for testing upgrades from an older schema). */
  targetVersion?: number;
}

/** Opens (migrating as needed) the PostgreSQL history store at `url`. */
export async function openPostgresStore(url: string, o: OpenPostgresOptions = {}): Promise<KyselyHistoryStore> {
  const translate = postgresError(url);
  const shown = redactUrl(url);
  const pool = postgresPool(url);
  const db = new Kysely<HistoryDatabase>({ dialect: new PostgresDialect({ pool }) });
  try {
    await migrate(db, 'postgres', o.targetVersion);
  } catch (e) {
    await db.destroy();
    if (e instanceof NewerSchemaError) throw new InputError(`history store ${shown}: ${e.message}; it was left as it is. Use it with the newer Assay that wrote it, or give another --db (or ASSAY_DB).`, shown);
    throw translate(e);
  }
  return new KyselyHistoryStore(db, { location: shown, translateError: translate });
}
