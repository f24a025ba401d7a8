// Where the history store is, and opening it: `--db PATH|URL`, else ASSAY_DB,
// else `history.sqlite` in the project's data folder (`.assay/` by default).
// A `postgres://` URL opens the shared PostgreSQL store; anything else is a
// SQLite file.
import { projectDataDir } from '../../model/paths.ts';
import { isPostgresUrl } from './db-url.ts';
import { openSqliteStore } from './sqlite.ts';
import type { HistoryStore } from './store.ts';

export const DEFAULT_DB_FILE = 'history.sqlite';

/** The store's location: the option, else ASSAY_DB, else the data folder's history.sqlite. */
export function historyLocation(db: string | undefined, cwd = process.cwd()): string {
  return db || process.env.ASSAY_DB || projectDataDir(cwd, DEFAULT_DB_FILE);
}

/** Opens the history store at `location` (a file path or a PostgreSQL URL), creating and migrating it as needed. */
export async function openHistoryStore(location: string): Promise<HistoryStore> {
  // pg is loaded only for a PostgreSQL store: `import … from 'assay'` in every bench file reaches this module
  if (isPostgresUrl(location)) return (await import('./postgres.ts')).openPostgresStore(location);
  return openSqliteStore(location);
}
