// The built-in problems' references are the oracles every variant is judged by, so each
// is checked here by a different route: hand-worked values, exact sums, algebraic
// identities and Freivalds' check, never by recomputing the same way.
import { describe, expect, it } from 'vitest';
import { allocateTensors, generateInputs, publicSeed } from '../harness/problem/define.ts';
import type { Params, ProblemSpec, Tensors } from '../harness/model/types.ts';
import { poison } from '../harness/verify/poison.ts';
import saxpy from '../kernels/saxpy/problem.ts';
import saxpyRef from '../kernels/saxpy/reference.ts';
import reduceSum from '../kernels/reduce-sum/problem.ts';
import reduceSumRef from '../kernels/reduce-sum/reference.ts';
import prefixSum from '../kernels/prefix-sum/problem.ts';
import prefixSumRef from '../kernels/prefix-sum/reference.ts';
import softmax from '../kernels/softmax/problem.ts';
import softmaxRef from '../kernels/softmax/reference.ts';
import matmul from '../kernels/matmul/problem.ts';
import matmulRef from '../kernels/matmul/reference.ts';
import sort from '../kernels/sort/problem.ts';
import sortRef from '../kernels/sort/reference.ts';

/** One fp32 rounding of a value of magnitude |v|, at most. */
const halfUlp = (v: number): number => Math.abs(v) * 2 ** -24;

type Kernel = (inputs: Tensors, outputs: Tensors, params: Params) => void;

/** Runs a reference on the problem's seeded inputs at `params`, with NaN-poisoned outputs. */
function runAt(spec: ProblemSpec, ref: Kernel, params: Params): { inputs: Tensors; outputs: Tensors } {
  const inputs = generateInputs(spec, params, publicSeed(spec.name, params));
  const outputs = allocateTensors(spec, params, 'output');
  poison(outputs);
  ref(inputs, outputs, params);
  return { inputs, outputs };
}

const f32 = (t: Tensors, name: string): Float32Array => t[name] as Float32Array;

/** The exact sum of fp32 values, as a BigInt count of 2^-149 (the smallest fp32 step), then rounded once. */
function exactSum(x: Float32Array, end = x.length): number {
  let total = 0n;
  for (let i = 0; i < end; i++) total += BigInt(x[i]! * 2 ** 149);
  return Number(total) / 2 ** 149;
}

describe('saxpy reference', () => {
  it('matches hand-worked values, negatives and exact zeros included', () => {
    const out = new Float32Array(4);
    saxpyRef({ a: Float32Array.of(2), x: Float32Array.of(1, -0.5, 0, 3), y: Float32Array.of(0.25, 1, -1, -6) }, { out }, { n: 4 });
    expect(Array.from(out)).toEqual([2.25, 0, -1, 0]);
  });

  it('writes every element at an odd size, and out - y is a times x', () => {
    const { inputs, outputs } = runAt(saxpy, saxpyRef, { n: 129 });
    const a = f32(inputs, 'a')[0]!;
    const x = f32(inputs, 'x');
    const y = f32(inputs, 'y');
    const out = f32(outputs, 'out');
    for (let i = 0; i < out.length; i++) {
      expect(Number.isFinite(out[i])).toBe(true);
      expect(Math.abs(out[i]! - y[i]! - a * x[i]!)).toBeLessThanOrEqual(halfUlp(out[i]!) + 1e-12);
    }
  });
});

describe('reduce-sum reference', () => {
  it('accumulates in float64: 2^24 + 1 + 1 - 2^24 is 2, where an fp32 running sum gives 0', () => {
    const out = new Float32Array(1);
    reduceSumRef({ x: Float32Array.of(2 ** 24, 1, 1, -(2 ** 24)) }, { out }, { n: 4 });
    expect(out[0]).toBe(2);
  });

  it.each([1, 7, 129, 4099])('equals the exact sum, rounded to fp32, at n=%i', (n) => {
    const { inputs, outputs } = runAt(reduceSum, reduceSumRef, { n });
    const exact = exactSum(f32(inputs, 'x'));
    expect(Math.abs(f32(outputs, 'out')[0]! - exact)).toBeLessThanOrEqual(halfUlp(exact) + 1e-12);
  });
});

describe('prefix-sum reference', () => {
  it('matches a hand-worked inclusive scan', () => {
    const out = new Float32Array(5);
    prefixSumRef({ x: Float32Array.of(1, 2, 3, -6, 0.5) }, { out }, { n: 5 });
    expect(Array.from(out)).toEqual([1, 3, 6, 0, 0.5]);
  });

  it('steps by x[i] from one output to the next, and ends at the exact total', () => {
    const { inputs, outputs } = runAt(prefixSum, prefixSumRef, { n: 129 });
    const x = f32(inputs, 'x');
    const out = f32(outputs, 'out');
    expect(out[0]).toBe(x[0]);
    for (let i = 1; i < out.length; i++) {
      const step = out[i]! - out[i - 1]!;
      expect(Math.abs(step - x[i]!)).toBeLessThanOrEqual(halfUlp(out[i]!) + halfUlp(out[i - 1]!) + 1e-12);
    }
    for (const i of [0, 64, 127, 128]) {
      const exact = exactSum(x, i + 1);
      expect(Math.abs(out[i]! - exact)).toBeLessThanOrEqual(halfUlp(exact) + 1e-12);
    }
  });
});

describe('softmax reference', () => {
  it('gives equal weights to equal values, and is unchanged by shifting a row by 1000', () => {
    const out = new Float32Array(8);
    softmaxRef({ x: Float32Array.of(0, 0, 0, 0, 1000, 1000, 1000, 1000) }, { out }, { rows: 2, cols: 4 });
    expect(Array.from(out)).toEqual([0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25]);
  });

  it('makes rows that sum to 1, with out[i] / out[max] = exp(x[i] - x[max]), on peaked and shifted rows too', () => {
    const params = { rows: 7, cols: 33 };
    const { inputs, outputs } = runAt(softmax, softmaxRef, params);
    const x = f32(inputs, 'x');
    const out = f32(outputs, 'out');
    let sawPeaked = false;
    let sawShifted = false;
    for (let r = 0; r < params.rows; r++) {
      const row = x.subarray(r * params.cols, (r + 1) * params.cols);
      const got = out.subarray(r * params.cols, (r + 1) * params.cols);
      let argmax = 0;
      for (let j = 1; j < row.length; j++) if (row[j]! > row[argmax]!) argmax = j;
      if (row[argmax]! > 500) sawShifted = true;
      if (row[argmax]! > 2 && row[argmax]! < 500) sawPeaked = true;
      let sum = 0;
      for (let j = 0; j < got.length; j++) {
        expect(got[j]).toBeGreaterThanOrEqual(0);
        expect(got[j]).toBeLessThanOrEqual(1);
        sum += got[j]!;
        // below ~1e-30 the fp32 output has too few significant bits for a ratio
        if (got[j]! > 1e-30) {
          const ratio = got[j]! / got[argmax]!;
          const want = Math.exp(row[j]! - row[argmax]!);
          expect(Math.abs(ratio - want)).toBeLessThanOrEqual(want * 3e-7);
        }
      }
      expect(Math.abs(sum - 1)).toBeLessThanOrEqual(1e-6);
    }
    // the generator's large-magnitude rows are part of what this checks
    expect(sawPeaked && sawShifted).toBe(true);
  });
});

describe('matmul reference', () => {
  it('matches a hand-worked 2x2 and 3x3 product', () => {
    const c2 = new Float32Array(4);
    matmulRef({ a: Float32Array.of(1, 2, 3, 4), b: Float32Array.of(5, 6, 7, 8) }, { c: c2 }, { n: 2 });
    expect(Array.from(c2)).toEqual([19, 22, 43, 50]);
    const c3 = new Float32Array(9);
    const a3 = Float32Array.of(1, 0, -2, 0.5, 3, 1, -1, 2, 0);
    const b3 = Float32Array.of(2, 1, 0, -1, 0, 4, 3, -2, 1);
    matmulRef({ a: a3, b: b3 }, { c: c3 }, { n: 3 });
    expect(Array.from(c3)).toEqual([-4, 5, -2, 1, -1.5, 13, -4, -1, 8]);
  });

  it("passes Freivalds' check at n=129: c·r = a·(b·r) for random vectors r", () => {
    const n = 129;
    const { inputs, outputs } = runAt(matmul, matmulRef, { n });
    const a = f32(inputs, 'a');
    const b = f32(inputs, 'b');
    const c = f32(outputs, 'c');
    const times = (m: Float32Array, v: Float64Array): Float64Array => {
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) out[i]! += m[i * n + k]! * v[k]!;
      return out;
    };
    let seed = 12345;
    for (let trial = 0; trial < 3; trial++) {
      const r = new Float64Array(n).map(() => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32) * 2 - 1);
      const viaC = times(c, r);
      const viaAB = times(a, times(b, r));
      for (let i = 0; i < n; i++) {
        // c holds fp32 roundings of its elements; their effect on row i of c·r is bounded by this
        let bound = 1e-9;
        for (let k = 0; k < n; k++) bound += halfUlp(c[i * n + k]!) * Math.abs(r[k]!);
        expect(Math.abs(viaC[i]! - viaAB[i]!)).toBeLessThanOrEqual(bound);
      }
    }
  });
});

describe('sort reference', () => {
  const bitsOf = (x: Float32Array): Uint32Array => new Uint32Array(x.buffer, x.byteOffset, x.length);
  const multiset = (x: Float32Array): Map<number, number> => {
    const m = new Map<number, number>();
    for (const bits of bitsOf(x)) m.set(bits, (m.get(bits) ?? 0) + 1);
    return m;
  };

  it.each([1, 2, 129, 1000])('is non-decreasing and a permutation of x, bit for bit, at n=%i', (n) => {
    const { inputs, outputs } = runAt(sort, sortRef, { n });
    const x = f32(inputs, 'x');
    const out = f32(outputs, 'out');
    for (let i = 1; i < n; i++) expect(out[i - 1]! <= out[i]!).toBe(true);
    // comparing bit patterns also checks that every -0 stays -0
    expect(multiset(out)).toEqual(multiset(x));
  });

  it('sees duplicates and both zeros in its inputs, and puts -0 before +0', () => {
    const { inputs, outputs } = runAt(sort, sortRef, { n: 1000 });
    const bits = bitsOf(f32(inputs, 'x'));
    expect(bits.includes(0x80000000)).toBe(true);
    expect(bits.includes(0)).toBe(true);
    expect(new Set(bits).size).toBeLessThan(900);
    const out = Array.from(bitsOf(f32(outputs, 'out')));
    expect(out.lastIndexOf(0x80000000)).toBeLessThan(out.indexOf(0));
  });
});
