// Where the history store is, and opening it: `--db PATH`, else ASSAY_DB, else
// `history.sqlite` in the project's data folder (`.assay/` by default).
import { BackendUnavailableError } from '../../model/errors.ts';
import { projectDataDir } from '../../model/paths.ts';
import { openSqliteStore } from './sqlite.ts';
import type { HistoryStore } from './store.ts';

export const DEFAULT_DB_FILE = 'history.sqlite';

/** The store's location: the option, else ASSAY_DB, else the data folder's history.sqlite. */
export function historyLocation(db: string | undefined, cwd = process.cwd()): string {
  return db || process.env.ASSAY_DB || projectDataDir(cwd, DEFAULT_DB_FILE);
}

/** Opens the history store at `location` (a file path), creating and migrating it as needed. */
export async function openHistoryStore(location: string): Promise<HistoryStore> {
  if (/^postgres(ql)?:\/\//i.test(location)) {
    throw new BackendUnavailableError('a PostgreSQL history store is not part of this Assay yet; give the path of a SQLite file with --db or ASSAY_DB');
  }
  return openSqliteStore(location);
}
