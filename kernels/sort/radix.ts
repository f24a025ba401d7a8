// LSD radix sort on the fp32 bit patterns, three passes of 11 bits: linear time, no
// comparisons, and the bit patterns are flipped so unsigned order is numeric order.
import type { Params, Tensors } from 'assay';

const BITS = 11;
const BUCKETS = 1 << BITS;
const MASK = BUCKETS - 1;

/**
 * Negative floats (sign set) order in reverse as unsigned integers, so all their bits
 * are flipped; non-negative ones gain the sign bit so they sort above every negative.
 * -0 (0x80000000) becomes 0x7fffffff, just below +0 at 0x80000000.
 */
function toKey(bits: number): number {
  return (bits & 0x80000000) !== 0 ? ~bits >>> 0 : (bits | 0x80000000) >>> 0;
}

function fromKey(key: number): number {
  return (key & 0x80000000) !== 0 ? (key & 0x7fffffff) >>> 0 : ~key >>> 0;
}

// Scratch buffers are kept between calls and reused while n stays the same: allocating
// them per call costs page faults and GC work that would be measured too.
let keys = new Uint32Array(0);
let scratch = new Uint32Array(0);
const counts = new Uint32Array(3 * BUCKETS);

// The loops take typed arrays, not the tensors objects: their optimized code then depends
// on nothing that changes from one case to the next, which would deoptimize it.
function radixSort(x: Float32Array, out: Float32Array): void {
  const n = x.length;
  const src = new Uint32Array(x.buffer, x.byteOffset, n);
  const dst = new Uint32Array(out.buffer, out.byteOffset, n);
  if (keys.length !== n) {
    keys = new Uint32Array(n);
    scratch = new Uint32Array(n);
  }
  // one histogram per pass, all counted in a single sweep over the input
  counts.fill(0);
  for (let i = 0; i < n; i++) {
    const key = toKey(src[i]!);
    keys[i] = key;
    counts[key & MASK]!++;
    counts[BUCKETS + ((key >>> BITS) & MASK)]!++;
    counts[2 * BUCKETS + (key >>> (2 * BITS))]!++;
  }
  // counts become starting offsets
  for (let pass = 0; pass < 3; pass++) {
    let offset = 0;
    for (let b = pass * BUCKETS, end = b + BUCKETS; b < end; b++) {
      const c = counts[b]!;
      counts[b] = offset;
      offset += c;
    }
  }
  for (let i = 0; i < n; i++) {
    const key = keys[i]!;
    scratch[counts[key & MASK]!++] = key;
  }
  for (let i = 0; i < n; i++) {
    const key = scratch[i]!;
    keys[counts[BUCKETS + ((key >>> BITS) & MASK)]!++] = key;
  }
  // the last pass writes the restored bit patterns straight into out
  for (let i = 0; i < n; i++) {
    const key = keys[i]!;
    dst[counts[2 * BUCKETS + (key >>> (2 * BITS))]!++] = fromKey(key);
  }
}

export default function radix(inputs: Tensors, outputs: Tensors, _params: Params): void {
  radixSort(inputs.x as Float32Array, outputs.out as Float32Array);
}
