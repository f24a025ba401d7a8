// Small file helpers every part of Assay uses: paths shown as the user would
// write them, and writes that never leave half a file behind. Imports nothing
// of the project, so backends, the store and the CLI can all use it.
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** A path as the user would write it: relative to the working folder when it lies inside it. */
export function displayPath(file: string): string {
  // a URL (the PostgreSQL history store) is no path
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(file)) return file;
  const rel = path.relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

/**
 * Writes a file atomically: the text goes to a temporary name beside it and is
 * renamed into place, so a crash, a Ctrl-C or a concurrent reader never sees half
 * a file. Creates the folder when needed.
 */
export function writeFileAtomic(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  mkdirSync(path.dirname(file), { recursive: true });
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}
