// Whether two runs were taken on the same machine, and if not, how the machines
// differ: numbers from different machines are not comparable, so a comparison
// across machines is refused unless the user says otherwise.
import { UsageError } from '../model/errors.ts';
import type { MachineInfo } from '../model/types.ts';

/** The ways two machine fingerprints differ, in words; empty when they agree on everything shown. */
export function machineDifferences(a: MachineInfo, b: MachineInfo): string[] {
  const out: string[] = [];
  const diff = (what: string, x: unknown, y: unknown): void => {
    if (JSON.stringify(x) !== JSON.stringify(y)) out.push(`${what}: ${show(x)} vs ${show(y)}`);
  };
  diff('cpu model', a.cpu?.model, b.cpu?.model);
  diff('cores', a.cpu?.cores, b.cpu?.cores);
  diff('memory', gib(a.memory_bytes), gib(b.memory_bytes));
  diff('os', osText(a), osText(b));
  diff('node', a.node, b.node);
  diff('v8', a.v8, b.v8);
  diff('hostname', a.hostname, b.hostname);
  for (const p of new Set([...Object.keys(a.packages ?? {}), ...Object.keys(b.packages ?? {})])) diff(`package ${p}`, a.packages?.[p] ?? null, b.packages?.[p] ?? null);
  return out;
}

/** Refused: a comparison of runs from two machines. Exit 2, with what differs and how to override. */
export class MachineMismatchError extends UsageError {
  constructor(what: string, base: MachineInfo, head: MachineInfo) {
    const diffs = machineDifferences(base, head);
    super(
      `${what} was taken on machine ${base.id}, and this comparison is against machine ${head.id}; ` +
        `numbers from different machines are not comparable.\n  The machines differ in:\n    ` +
        (diffs.length ? diffs.join('\n    ') : 'their identity only (the same hardware and software, another host)') +
        `\n  Take the baseline on this machine (assay run --save-baseline NAME), or pass --allow-machine-mismatch to compare anyway.`,
    );
    this.name = 'MachineMismatchError';
  }
}

/** Throws MachineMismatchError unless the machine ids agree or the mismatch is allowed. */
export function checkSameMachine(what: string, base: MachineInfo, head: MachineInfo, allow: boolean): void {
  if (base.id !== head.id && !allow) throw new MachineMismatchError(what, base, head);
}

function gib(bytes: number | undefined): string | undefined {
  return bytes === undefined ? undefined : `${Math.round(bytes / 2 ** 30)} GiB`;
}

function osText(m: MachineInfo): string | undefined {
  return m.os ? `${m.os.distro ?? m.os.platform} ${m.os.release} ${m.os.arch}` : undefined;
}

function show(x: unknown): string {
  return x === undefined || x === null ? '(none)' : typeof x === 'string' ? `"${x}"` : String(x);
}
