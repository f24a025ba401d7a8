// A file's path as the user would write it, for messages. (The same rule as the
// suite's displayPath; kept here so the backend does not import the suite, which
// imports the backend registry.)
import path from 'node:path';

export function displayPath(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}
