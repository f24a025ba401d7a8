// The history store's schema, as numbered migrations that run in order, each in
// its own transaction, and the one function that brings a database up to date.
// The same migrations serve SQLite and PostgreSQL: they differ only in how an
// id column is declared, which `idColumn` says once.
import { sql, type CreateTableBuilder, type Kysely } from 'kysely';

export type SqlDialect = 'sqlite' | 'postgres';

export interface Migration {
  version: number;
  description: string;
  up(db: Kysely<any>, dialect: SqlDialect): Promise<void>;
}

/** An integer primary key the database assigns: `autoincrement` in SQLite, `serial` in PostgreSQL. */
function idColumn<T extends CreateTableBuilder<any, any>>(t: T, dialect: SqlDialect): T {
  return (dialect === 'postgres' ? t.addColumn('id', 'serial', (c) => c.primaryKey()) : t.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())) as T;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'machines, runs, cases, and per-case statistics with raw samples',
    async up(db, dialect) {
      await db.schema
        .createTable('machines')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('hostname', 'text', (c) => c.notNull())
        .addColumn('first_seen', 'text', (c) => c.notNull())
        .addColumn('last_seen', 'text', (c) => c.notNull())
        .execute();
      await idColumn(db.schema.createTable('runs'), dialect)
        .addColumn('run_key', 'text', (c) => c.notNull().unique())
        .addColumn('machine_id', 'text', (c) => c.notNull().references('machines.id'))
        .addColumn('git_sha', 'text')
        .addColumn('git_branch', 'text')
        .addColumn('git_dirty', 'integer')
        .addColumn('started_at', 'text', (c) => c.notNull())
        .addColumn('finished_at', 'text', (c) => c.notNull())
        .addColumn('recorded_at', 'text', (c) => c.notNull())
        .addColumn('mode', 'text', (c) => c.notNull().defaultTo('time'))
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('node', 'text')
        .addColumn('tool_version', 'text', (c) => c.notNull())
        .addColumn('machine', 'text', (c) => c.notNull())
        .addColumn('config', 'text', (c) => c.notNull())
        .addColumn('measured', 'integer', (c) => c.notNull())
        .addColumn('failed', 'integer', (c) => c.notNull())
        .addColumn('skipped', 'integer', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('runs_by_machine').on('runs').columns(['machine_id', 'mode', 'started_at']).execute();
      await idColumn(db.schema.createTable('cases'), dialect)
        .addColumn('case_key', 'text', (c) => c.notNull().unique())
        .addColumn('problem', 'text', (c) => c.notNull())
        .addColumn('variant', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('params', 'text', (c) => c.notNull())
        .addColumn('settings', 'text')
        .execute();
      await db.schema
        .createTable('case_results')
        .addColumn('run_id', 'integer', (c) => c.notNull().references('runs.id'))
        .addColumn('case_id', 'integer', (c) => c.notNull().references('cases.id'))
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('unit', 'text')
        .addColumn('median', 'double precision')
        .addColumn('ci_lo', 'double precision')
        .addColumn('ci_hi', 'double precision')
        .addColumn('n', 'integer')
        .addColumn('rel_ci', 'double precision')
        .addColumn('noisy', 'integer')
        .addColumn('error', 'text')
        .addColumn('reason', 'text')
        .addColumn('extra', 'text')
        .addPrimaryKeyConstraint('case_results_pk', ['run_id', 'case_id'])
        .execute();
      await db.schema.createIndex('case_results_by_case').on('case_results').columns(['case_id', 'run_id']).execute();
      // the whole stats and the raw samples (a kilobyte or more a case) apart, so that reading a series reads small rows
      await db.schema
        .createTable('case_samples')
        .addColumn('run_id', 'integer', (c) => c.notNull().references('runs.id'))
        .addColumn('case_id', 'integer', (c) => c.notNull().references('cases.id'))
        .addColumn('stats', 'text', (c) => c.notNull())
        .addColumn('samples', 'text')
        .addPrimaryKeyConstraint('case_samples_pk', ['run_id', 'case_id'])
        .execute();
    },
  },
  {
    version: 2,
    description: 'scores of candidates (assay score)',
    async up(db, dialect) {
      await idColumn(db.schema.createTable('scores'), dialect)
        .addColumn('score_key', 'text', (c) => c.notNull().unique())
        .addColumn('problem', 'text', (c) => c.notNull())
        .addColumn('candidate', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('verdict', 'text', (c) => c.notNull())
        .addColumn('stage', 'text', (c) => c.notNull())
        .addColumn('speedup', 'double precision')
        .addColumn('speedup_lo', 'double precision')
        .addColumn('speedup_hi', 'double precision')
        .addColumn('machine_id', 'text')
        .addColumn('git_sha', 'text')
        .addColumn('mode', 'text', (c) => c.notNull().defaultTo('time'))
        .addColumn('recorded_at', 'text', (c) => c.notNull())
        .addColumn('doc', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('scores_by_problem').on('scores').columns(['problem', 'recorded_at']).execute();
    },
  },
];

/** The key of the PostgreSQL advisory lock that migrations hold (any fixed number; "assay" in ASCII). */
const MIGRATION_LOCK = 0x6173736179;

/** The schema version this Assay reads and writes. */
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/** A database whose schema is newer than this Assay's: refused, never changed. */
export class NewerSchemaError extends Error {
  constructor(readonly found: number) {
    super(`its schema is version ${found}, newer than this Assay's (version ${SCHEMA_VERSION})`);
    this.name = 'NewerSchemaError';
  }
}

/** The highest migration applied, 0 for a database with the table but no rows; null when the table is absent. */
export async function schemaVersion(db: Kysely<any>): Promise<number | null> {
  const tables = await db.introspection.getTables();
  if (!tables.some((t) => t.name === 'assay_schema')) return null;
  const row = await db.selectFrom('assay_schema').select((eb) => eb.fn.max('version').as('v')).executeTakeFirst();
  return row?.v === null || row?.v === undefined ? 0 : Number(row.v);
}

/**
 * Applies the migrations above the database's version, up to `target`, each in
 * a transaction that reads the version again first: two processes that open
 * a new store at once apply each migration once. Returns the versions before
 * and after. Throws NewerSchemaError for a schema newer than this Assay's.
 */
export async function migrate(db: Kysely<any>, dialect: SqlDialect, target = SCHEMA_VERSION): Promise<{ from: number; to: number }> {
  const before = (await schemaVersion(db)) ?? 0;
  if (before > SCHEMA_VERSION) throw new NewerSchemaError(before);
  let now = before;
  for (const m of MIGRATIONS) {
    if (m.version <= now || m.version > target) continue;
    now = await db.transaction().execute(async (trx) => {
      // PostgreSQL: two processes creating the same table at once collide in its catalogue, so migrations take turns
      if (dialect === 'postgres') await sql`select pg_advisory_xact_lock(${MIGRATION_LOCK})`.execute(trx);
      await trx.schema
        .createTable('assay_schema')
        .ifNotExists()
        .addColumn('version', 'integer', (c) => c.primaryKey())
        .addColumn('description', 'text', (c) => c.notNull())
        .addColumn('applied_at', 'text', (c) => c.notNull())
        .execute();
      const row = await trx.selectFrom('assay_schema').select((eb) => eb.fn.max('version').as('v')).executeTakeFirst();
      const v = row?.v === null || row?.v === undefined ? 0 : Number(row.v);
      if (v > SCHEMA_VERSION) throw new NewerSchemaError(v);
      if (v >= m.version) return v;
      await m.up(trx, dialect);
      await trx.insertInto('assay_schema').values({ version: m.version, description: m.description, applied_at: new Date().toISOString() }).execute();
      return m.version;
    });
  }
  return { from: before, to: now };
}

