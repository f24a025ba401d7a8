// The embedded history store: a SQLite file through better-sqlite3 and Kysely.
// Before anything is written, the file is opened read-only and checked: a file
// that is not a sound SQLite database, a database of something else, or one of
// a newer schema is refused (exit 2) and left exactly as it was. Then it runs
// in WAL mode with a busy timeout, and every transaction begins IMMEDIATE,
// because a transaction that reads before it writes would otherwise fail with
// SQLITE_BUSY when another process writes at the same time.
import { existsSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { CompiledQuery, Kysely, SqliteDialect, SqliteDriver, type DatabaseConnection, type Driver, type SqliteDialectConfig } from 'kysely';
import { BackendUnavailableError, InputError } from '../../model/errors.ts';
import { displayPath } from '../../model/files.ts';
import { KyselyHistoryStore } from './kysely-store.ts';
import { migrate, NewerSchemaError, SCHEMA_VERSION } from './migrations.ts';
import { openSqliteFile, pragmaRows, type SqliteHandle } from './sqlite-handle.ts';
import type { HistoryDatabase } from './schema.ts';

/** How long a writer waits for another process's transaction before giving up. */
const BUSY_TIMEOUT_MS = 20_000;

class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

/** Kysely's SQLite dialect, with every transaction taking the write lock when it begins. */
class ImmediateSqliteDialect extends SqliteDialect {
  constructor(private readonly cfg: SqliteDialectConfig) {
    super(cfg);
  }
  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.cfg);
  }
}

const CORRUPT = new Set(['SQLITE_CORRUPT', 'SQLITE_NOTADB', 'SQLITE_CORRUPT_VTAB', 'SQLITE_CORRUPT_SEQUENCE', 'SQLITE_CORRUPT_INDEX']);

function refused(file: string, why: string, fix: string): InputError {
  return new InputError(`history store ${displayPath(file)}: ${why}; it was left as it is. ${fix}`, file);
}

const corrupt = (file: string, detail: string): InputError =>
  refused(file, `the file is not a sound SQLite database (${detail})`, 'Restore it from a backup, or move it away to start a new history, or give another --db (or ASSAY_DB).');

/** Turns an error of better-sqlite3 into the one the user should see. */
export function sqliteError(file: string): (e: unknown) => unknown {
  return (e) => {
    const code = (e as { code?: unknown })?.code;
    if (typeof code !== 'string') return e;
    const msg = (e as Error).message;
    if (CORRUPT.has(code)) return corrupt(file, msg);
    if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
      return new BackendUnavailableError(`history store ${displayPath(file)} stayed locked by another process for ${BUSY_TIMEOUT_MS / 1000} s (${msg}); try again when it has finished`);
    }
    if (code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_CANTOPEN') || code.startsWith('SQLITE_PERM') || code.startsWith('SQLITE_IOERR')) {
      return new InputError(`history store ${displayPath(file)}: cannot be written (${msg}); check the file's permissions, or give another --db (or ASSAY_DB)`, file);
    }
    return e;
  };
}

/**
 * Checks an existing file read-only: a sound SQLite database that is empty or
 * an Assay history store no newer than this Assay. Throws InputError otherwise.
 */
function preflight(file: string): void {
  let db: SqliteHandle | undefined;
  try {
    db = openSqliteFile(file, { readonly: true, fileMustExist: true });
    const check = pragmaRows<{ quick_check: string }>(db, 'quick_check');
    const problems = check.map((r) => r.quick_check).filter((r) => r !== 'ok');
    if (problems.length) throw corrupt(file, `quick_check: ${problems.slice(0, 3).join('; ')}`);
    const tables = (db.prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name").all() as Array<{ name: string }>).map((r) => r.name);
    if (tables.length === 0) return;
    if (!tables.includes('assay_schema')) {
      throw refused(file, `it is a SQLite database, but not an Assay history store (its tables: ${tables.slice(0, 6).join(', ')}${tables.length > 6 ? ', …' : ''})`, 'Give another --db (or ASSAY_DB).');
    }
    const v = (db.prepare('select max(version) as v from assay_schema').get() as { v: number | null }).v ?? 0;
    if (v > SCHEMA_VERSION) {
      throw refused(file, `its schema is version ${v}, newer than this Assay's (version ${SCHEMA_VERSION})`, 'Use it with the newer Assay that wrote it, or give another --db (or ASSAY_DB).');
    }
  } catch (e) {
    throw sqliteError(file)(e);
  } finally {
    db?.close();
  }
}

export interface OpenSqliteOptions {
  /** Migrate up to this version instead of the newest (for testing upgrades from an older schema). */
  targetVersion?: number;
}

/** Opens (creating and migrating as needed) the SQLite history store in `file`. */
export async function openSqliteStore(file: string, o: OpenSqliteOptions = {}): Promise<KyselyHistoryStore> {
  const abs = path.resolve(file);
  if (existsSync(abs)) {
    if (statSync(abs).isDirectory()) throw new InputError(`history store ${displayPath(abs)} is a folder; give the path of a database file (such as ${displayPath(path.join(abs, 'history.sqlite'))})`, abs);
    if (statSync(abs).size > 0) preflight(abs);
  } else {
    try {
      mkdirSync(path.dirname(abs), { recursive: true });
    } catch (e) {
      throw new InputError(`history store ${displayPath(abs)}: cannot make its folder (${(e as Error).message}); give another --db (or ASSAY_DB)`, abs);
    }
  }
  const translate = sqliteError(abs);
  let raw: SqliteHandle;
  try {
    raw = openSqliteFile(abs, { timeout: BUSY_TIMEOUT_MS });
    if (pragmaRows<{ journal_mode: string }>(raw, 'journal_mode')[0]?.journal_mode !== 'wal') raw.exec('pragma journal_mode = WAL');
    // in WAL mode, NORMAL loses no committed transaction when a process dies; only a power cut can lose the last one
    raw.exec('pragma synchronous = NORMAL');
    raw.exec('pragma foreign_keys = ON');
    // a year of a hundred cases' rows stays in memory while the dashboard reads it
    raw.exec('pragma cache_size = -32000');
  } catch (e) {
    throw translate(e);
  }
  const db = new Kysely<HistoryDatabase>({ dialect: new ImmediateSqliteDialect({ database: raw }) });
  try {
    await migrate(db, 'sqlite', o.targetVersion);
  } catch (e) {
    await db.destroy();
    if (e instanceof NewerSchemaError) throw refused(abs, e.message, 'Use it with the newer Assay that wrote it, or give another --db (or ASSAY_DB).');
    throw translate(e);
  }
  return new KyselyHistoryStore(db, { location: abs, translateError: translate });
}
