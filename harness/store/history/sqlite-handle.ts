// Opening a SQLite file with better-sqlite3 so that its objects are never
// garbage-collected. better-sqlite3 12 (the newest that runs on Node 20) wraps
// its databases and statements in node::ObjectWrap, whose destructor on Node 24
// asserts that a Node environment is current; when the garbage collector
// destroys one at a moment when none is (a collection started from native
// code, or the process's teardown), the process aborts. So every database
// opened here, and every statement it prepares, stays reachable until the
// process ends: statements are prepared once per SQL text and reused (Kysely
// would otherwise prepare one per query and drop it), and pragmas go through
// the same cache instead of `db.pragma()`, which prepares a statement of its own.
import Database from 'better-sqlite3';

const kept: Database.Database[] = [];

export type SqliteHandle = Database.Database;

/** Opens `file`; the handle and its statements live as long as the process. */
export function openSqliteFile(file: string, options?: Database.Options): SqliteHandle {
  const db = new Database(file, options);
  kept.push(db);
  const statements = new Map<string, Database.Statement>();
  const prepare = db.prepare.bind(db);
  db.prepare = ((sql: string) => {
    let s = statements.get(sql);
    if (!s) statements.set(sql, (s = prepare(sql)));
    return s;
  }) as typeof db.prepare;
  return db;
}

/** The rows of a pragma, read through the statement cache. */
export function pragmaRows<T>(db: SqliteHandle, pragma: string): T[] {
  return db.prepare(`pragma ${pragma}`).all() as T[];
}
