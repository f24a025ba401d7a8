// Writing a report to a file or stdout. Files are written to a temporary name
// and renamed, so an interrupted write never leaves half a report behind.
import { UsageError } from '../model/errors.ts';
import { writeFileAtomic } from '../model/files.ts';

export function writeOutput(target: string, text: string): void {
  if (target === '-') {
    process.stdout.write(text);
    return;
  }
  try {
    writeFileAtomic(target, text);
  } catch (e) {
    throw new UsageError(`cannot write ${target}: ${(e as Error).message}`);
  }
}
