// Argument-parsing helpers shared by the commands.
import { parseKinds } from '../backends/registry.ts';
import { UsageError } from '../model/errors.ts';
import type { ArtifactKind } from '../model/types.ts';
import { QUICK_BUDGET_S } from '../measure/measure.ts';

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

/** `--backend js,wgsl`: the kinds named, or undefined when the option is absent. */
export function backendsOption(value: string | undefined): ArtifactKind[] | undefined {
  if (value === undefined) return undefined;
  try {
    return parseKinds(value);
  } catch (e) {
    throw new UsageError(`--backend: ${(e as Error).message}`);
  }
}

/** `--time SECONDS` or `--quick`: the sampling budget per case, or undefined for the default. */
export function budgetOption(values: { time?: string | undefined; quick?: boolean | undefined }): number | undefined {
  if (values.time !== undefined) {
    const s = Number(values.time);
    if (!(s > 0) || !Number.isFinite(s)) throw new UsageError(`--time takes a positive number of seconds, not "${values.time}"`);
    return s;
  }
  return values.quick ? QUICK_BUDGET_S : undefined;
}

/** `--processes K`: how many runner processes measure each case (1 to 16), or the default. */
export function processesOption(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const k = Number(value);
  if (!Number.isInteger(k) || k < 1 || k > 16) throw new UsageError(`--processes takes a whole number of processes from 1 to 16, not "${value}"`);
  return k;
}
