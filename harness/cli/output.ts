// Writing a report to a file or stdout. Files are written to a temporary name
// and renamed, so an interrupted write never leaves half a report behind.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../core/errors.ts';

export function writeOutput(target: string, text: string): void {
  if (target === '-') {
    process.stdout.write(text);
    return;
  }
  const file = path.resolve(target);
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(tmp, text);
    renameSync(tmp, file);
  } catch (e) {
    throw new UsageError(`cannot write ${target}: ${(e as Error).message}`);
  }
}
