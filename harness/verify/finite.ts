// NaN and Inf in an output are a failure of their own, whatever the tolerance
// says: a loose comparison (or one written as "not beyond") lets NaN through, and
// no problem's reference produces either.
import type { Tensors } from '../model/types.ts';

/** The first NaN or ±Inf in any float output, or null. */
export function firstNonFinite(outputs: Tensors): { tensor: string; index: number; value: number; count: number } | null {
  for (const [name, t] of Object.entries(outputs)) {
    if (!(t instanceof Float32Array)) continue;
    let first = -1;
    let count = 0;
    for (let i = 0; i < t.length; i++) {
      if (!Number.isFinite(t[i]!)) {
        if (first < 0) first = i;
        count++;
      }
    }
    if (first >= 0) return { tensor: name, index: first, value: t[first]!, count };
  }
  return null;
}
