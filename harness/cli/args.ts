// Argument-parsing helpers shared by the commands.
import { UsageError } from '../core/errors.ts';

/** Runs node's parseArgs and turns its errors into usage errors naming the command. */
export function parseOrUsage<T>(parse: () => T, command: string): T {
  try {
    return parse();
  } catch (e) {
    throw new UsageError(`${command}: ${e instanceof Error ? e.message : String(e)}; run \`assay help\` for the options`);
  }
}

/** Flattens repeated and comma-separated option values: ['a,b', 'c'] -> ['a', 'b', 'c']. */
export function listOption(values: string[] | undefined): string[] {
  return (values ?? []).flatMap((v) => v.split(',')).map((s) => s.trim()).filter(Boolean);
}
