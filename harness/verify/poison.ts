// Output poisoning and input snapshots. Outputs are filled with a poison pattern
// before every run, so a variant that writes nothing (or leaves stale results)
// fails, and inputs are compared with a snapshot after the run, so mutating them
// fails too. Float outputs are poisoned with a NaN of a payload no arithmetic
// produces (a computed NaN carries the default payload), so an element still
// holding it was never written, and one holding another NaN was computed so.
import type { TensorArray, Tensors } from '../model/types.ts';

/** A bit pattern for integer outputs that no honest kernel is likely to produce. */
const INT_POISON = 0x7fc0dead;
/** The bits of the float poison: a quiet NaN with a payload (0xa55a) that arithmetic never makes. */
export const F32_POISON_BITS = 0x7fc0a55a;

function bitsOf(t: TensorArray): Uint32Array | Int32Array {
  return t instanceof Float32Array ? new Uint32Array(t.buffer, t.byteOffset, t.length) : t;
}

const poisonOf = (t: TensorArray): number => (t instanceof Float32Array ? F32_POISON_BITS : INT_POISON);

export function poison(outputs: Tensors): void {
  for (const t of Object.values(outputs)) bitsOf(t).fill(poisonOf(t));
}

/** The first element of any output that still holds the poison, with how many do; null when every element was written. */
export function firstUnwritten(outputs: Tensors): { tensor: string; index: number; count: number } | null {
  for (const [name, t] of Object.entries(outputs)) {
    const bits = bitsOf(t);
    const p = poisonOf(t);
    let first = -1;
    let count = 0;
    for (let i = 0; i < bits.length; i++) {
      if (bits[i] === p) {
        if (first < 0) first = i;
        count++;
      }
    }
    if (first >= 0) return { tensor: name, index: first, count };
  }
  return null;
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

/**
 * A digest of tensors' bytes (a multiplicative hash over their 32-bit words).
 * A runner puts it in the reply to a timed request, so the reply cannot come
 * before the outputs it vouches for exist: a reply forged early by code in the
 * runner's process (a listener on its IPC channel) does not match the outputs.
 */
export function digest(tensors: Tensors): number {
  let h = 0x811c9dc5;
  for (const k of Object.keys(tensors).sort()) {
    const t = tensors[k]!;
    const w = new Uint32Array(t.buffer, t.byteOffset, t.length);
    for (let i = 0; i < w.length; i++) h = Math.imul(h ^ w[i]!, 0x01000193);
    h = Math.imul(h ^ w.length, 0x01000193);
  }
  return h >>> 0;
}
