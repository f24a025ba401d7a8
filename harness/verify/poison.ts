// Output poisoning and input snapshots. Outputs are filled with NaN before every
// run, so a variant that writes nothing (or leaves stale results) fails, and
// inputs are compared with a snapshot after the run, so mutating them fails too.
import type { TensorArray, Tensors } from '../model/types.ts';

/** A bit pattern for integer outputs that no honest kernel is likely to produce. */
const INT_POISON = 0x7fc0dead;

export function poison(outputs: Tensors): void {
  for (const t of Object.values(outputs)) {
    if (t instanceof Float32Array) t.fill(NaN);
    else t.fill(INT_POISON);
  }
}

export function snapshot(tensors: Tensors): Tensors {
  const out: Tensors = {};
  for (const [k, v] of Object.entries(tensors)) out[k] = v.slice() as TensorArray;
  return out;
}

/** The name of the first tensor whose bytes differ from the snapshot, or null. */
export function firstChanged(now: Tensors, before: Tensors): string | null {
  for (const [k, v] of Object.entries(before)) {
    const a = new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
    const b = now[k];
    if (!b) return k;
    const c = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    if (a.length !== c.length) return k;
    for (let i = 0; i < a.length; i++) if (a[i] !== c[i]) return k;
  }
  return null;
}
