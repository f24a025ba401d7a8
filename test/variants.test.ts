// Every optimized variant of the built-in problems agrees with its reference within
// the problem's tolerance at small, awkward sizes, and leaves its inputs alone; the
// tolerances admit a plain fp32 implementation yet reject kernels with a real bug.
import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { allocateTensors, axisPoints, formatParams, generateInputs, publicSeed, toleranceAt } from '../harness/problem/define.ts';
import type { KernelFn, Params, ProblemSpec, Tensors } from '../harness/model/types.ts';
import { compareOutputs } from '../harness/verify/compare.ts';
import { poison } from '../harness/verify/poison.ts';

const KERNELS = fileURLToPath(new URL('../kernels/', import.meta.url));
const f = Math.fround;

type Kernel = (inputs: Tensors, outputs: Tensors, params: Params) => void;
const f32 = (t: Tensors, name: string): Float32Array => t[name] as Float32Array;

/** Small points off and on the multiples of every unroll and block size, and degenerate ones. */
const AWKWARD: Record<string, Params[]> = {
  saxpy: [{ n: 129 }, { n: 1 }],
  'reduce-sum': [{ n: 129 }, { n: 8 }, { n: 3 }, { n: 1 }],
  'prefix-sum': [{ n: 129 }, { n: 8 }, { n: 6 }, { n: 1 }],
  softmax: [{ rows: 7, cols: 33 }, { rows: 2, cols: 1 }],
  matmul: [{ n: 129 }, { n: 67 }, { n: 8 }, { n: 6 }, { n: 2 }, { n: 1 }],
  sort: [{ n: 129 }, { n: 2 }, { n: 1 }],
};

async function load(problem: string, file: string): Promise<KernelFn> {
  const mod = (await import(pathToFileURL(`${KERNELS}${problem}/${file}`).href)) as { default: KernelFn };
  return mod.default;
}

async function loadProblem(problem: string): Promise<ProblemSpec> {
  const mod = (await import(pathToFileURL(`${KERNELS}${problem}/problem.ts`).href)) as { default: ProblemSpec };
  return mod.default;
}

/** The first element outside the harness's pass rule, or null. */
function firstOutside(got: Tensors, want: Tensors, tol: { atol: number; rtol: number }): string | null {
  const b = compareOutputs(got, want, tol).first_bad;
  return b ? `${b.tensor}[${b.index}] = ${b.got}, want ${b.want}` : null;
}

interface Outcome {
  inputs: Tensors;
  want: Tensors;
  got: Tensors;
  /** Inputs as they were before the kernel ran. */
  before: Tensors;
}

/** Runs the reference and `kernel` on the same seeded inputs, outputs poisoned with NaN as the harness does. */
async function runBoth(spec: ProblemSpec, reference: KernelFn, kernel: KernelFn | Kernel, params: Params, seed?: number): Promise<Outcome> {
  const inputs = generateInputs(spec, params, seed ?? publicSeed(spec.name, params));
  const before: Tensors = {};
  for (const [k, v] of Object.entries(inputs)) before[k] = v.slice();
  const want = allocateTensors(spec, params, 'output');
  await reference(inputs, want, params);
  const got = allocateTensors(spec, params, 'output');
  poison(got);
  await kernel(inputs, got, params);
  return { inputs, want, got, before };
}

const PROBLEMS = readdirSync(KERNELS, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

describe('built-in variants', () => {
  it('covers every problem folder with awkward test points', () => {
    expect(PROBLEMS).toEqual(Object.keys(AWKWARD).sort());
  });

  for (const problem of PROBLEMS) {
    const variants = readdirSync(`${KERNELS}${problem}`).filter((f) => f.endsWith('.ts') && f !== 'problem.ts' && f !== 'reference.ts');

    it(`${problem} has at least one optimized variant`, () => {
      expect(variants.length).toBeGreaterThan(0);
    });

    for (const variant of variants) {
      it(`${problem}/${variant} matches the reference within tolerance and leaves inputs unchanged`, async () => {
        const spec = await loadProblem(problem);
        const reference = await load(problem, spec.reference);
        const kernel = await load(problem, variant);
        for (const params of AWKWARD[problem] ?? []) {
          for (const seed of [publicSeed(problem, params), 7, 8]) {
            const { inputs, want, got, before } = await runBoth(spec, reference, kernel, params, seed);
            const where = `${problem}/${variant}[${formatParams(params)}] seed ${seed}`;
            expect(firstOutside(got, want, toleranceAt(spec, params)), where).toBeNull();
            for (const [k, v] of Object.entries(before)) expect(inputs[k], `${where}: input ${k}`).toEqual(v);
          }
        }
      });
    }
  }
});

/**
 * Plain fp32 implementations that a fair candidate might write: every sum rounded
 * to fp32 at each step. The tolerance must let these through at every public point.
 */
const FP32: Record<string, Kernel> = {
  'reduce-sum': (i, o) => {
    const x = f32(i, 'x');
    let s = 0;
    for (let k = 0; k < x.length; k++) s = f(s + x[k]!);
    f32(o, 'out')[0] = s;
  },
  'prefix-sum': (i, o) => {
    const x = f32(i, 'x');
    const out = f32(o, 'out');
    let s = 0;
    for (let k = 0; k < x.length; k++) out[k] = s = f(s + x[k]!);
  },
  saxpy: (i, o) => {
    const a = f32(i, 'a')[0]!;
    const x = f32(i, 'x');
    const y = f32(i, 'y');
    const out = f32(o, 'out');
    for (let k = 0; k < x.length; k++) out[k] = f(f(a * x[k]!) + y[k]!);
  },
  softmax: (i, o, p) => {
    const x = f32(i, 'x');
    const out = f32(o, 'out');
    const cols = p.cols!;
    for (let start = 0; start < x.length; start += cols) {
      let max = -Infinity;
      for (let j = start; j < start + cols; j++) max = Math.max(max, x[j]!);
      let sum = 0;
      for (let j = start; j < start + cols; j++) sum = f(sum + (out[j] = f(Math.exp(f(x[j]! - max)))));
      for (let j = start; j < start + cols; j++) out[j] = f(out[j]! / sum);
    }
  },
  matmul: (i, o, p) => {
    const a = f32(i, 'a');
    const b = f32(i, 'b');
    const c = f32(o, 'c');
    const n = p.n!;
    c.fill(0);
    for (let r = 0; r < n; r++) {
      for (let k = 0; k < n; k++) {
        const v = a[r * n + k]!;
        for (let j = 0; j < n; j++) c[r * n + j] = f(c[r * n + j]! + f(v * b[k * n + j]!));
      }
    }
  },
};

describe('tolerances admit a plain fp32 implementation', () => {
  for (const [problem, kernel] of Object.entries(FP32)) {
    it(`${problem}, at every public axis point`, async () => {
      const spec = await loadProblem(problem);
      const reference = await load(problem, spec.reference);
      // n=512 matmul in fp32 emulation takes seconds; the error per n is the same at n=128
      const points = axisPoints(spec.axes).filter((p) => problem !== 'matmul' || p.n! <= 128);
      for (const params of points) {
        const { want, got } = await runBoth(spec, reference, kernel, params);
        expect(firstOutside(got, want, toleranceAt(spec, params)), `${problem}[${formatParams(params)}]`).toBeNull();
      }
    });
  }
});

/** Kernels with one realistic bug each; every one writes all of its outputs. */
const WRONG: Record<string, Record<string, Kernel>> = {
  saxpy: {
    'forgets a·x in the last element': (i, o) => {
      const a = f32(i, 'a')[0]!;
      const x = f32(i, 'x');
      const y = f32(i, 'y');
      const out = f32(o, 'out');
      for (let k = 0; k < x.length - 1; k++) out[k] = a * x[k]! + y[k]!;
      out[x.length - 1] = y[x.length - 1]!;
    },
  },
  'reduce-sum': {
    'drops the last element': (i, o) => {
      const x = f32(i, 'x');
      let s = 0;
      for (let k = 0; k < x.length - 1; k++) s += x[k]!;
      f32(o, 'out')[0] = s;
    },
  },
  'prefix-sum': {
    'is exclusive (off by one)': (i, o) => {
      const x = f32(i, 'x');
      const out = f32(o, 'out');
      let s = 0;
      for (let k = 0; k < x.length; k++) {
        out[k] = s;
        s += x[k]!;
      }
    },
    'drops the last element': (i, o) => {
      const x = f32(i, 'x');
      const out = f32(o, 'out');
      let s = 0;
      for (let k = 0; k < x.length; k++) out[k] = s += k < x.length - 1 ? x[k]! : 0;
    },
  },
  softmax: {
    'leaves the last column out of the sum': (i, o, p) => {
      const x = f32(i, 'x');
      const out = f32(o, 'out');
      const cols = p.cols!;
      for (let start = 0; start < x.length; start += cols) {
        let max = -Infinity;
        for (let j = start; j < start + cols; j++) max = Math.max(max, x[j]!);
        let sum = 0;
        for (let j = start; j < start + cols - 1; j++) sum += Math.exp(x[j]! - max);
        for (let j = start; j < start + cols; j++) out[j] = Math.exp(x[j]! - max) / sum;
      }
    },
    'skips the max subtraction': (i, o, p) => {
      const x = f32(i, 'x');
      const out = f32(o, 'out');
      const cols = p.cols!;
      for (let start = 0; start < x.length; start += cols) {
        let sum = 0;
        for (let j = start; j < start + cols; j++) sum += Math.exp(x[j]!);
        for (let j = start; j < start + cols; j++) out[j] = Math.exp(x[j]!) / sum;
      }
    },
  },
  matmul: {
    'multiplies by b transposed': (i, o, p) => {
      const a = f32(i, 'a');
      const b = f32(i, 'b');
      const c = f32(o, 'c');
      const n = p.n!;
      for (let r = 0; r < n; r++) {
        for (let j = 0; j < n; j++) {
          let s = 0;
          for (let k = 0; k < n; k++) s += a[r * n + k]! * b[j * n + k]!;
          c[r * n + j] = s;
        }
      }
    },
    'drops the last k': (i, o, p) => {
      const a = f32(i, 'a');
      const b = f32(i, 'b');
      const c = f32(o, 'c');
      const n = p.n!;
      for (let r = 0; r < n; r++) {
        for (let j = 0; j < n; j++) {
          let s = 0;
          for (let k = 0; k < n - 1; k++) s += a[r * n + k]! * b[k * n + j]!;
          c[r * n + j] = s;
        }
      }
    },
  },
  sort: {
    'leaves the last element where it was': (i, o) => {
      const x = f32(i, 'x');
      const out = f32(o, 'out');
      out.set(x.subarray(0, x.length - 1).slice().sort());
      out[x.length - 1] = x[x.length - 1]!;
    },
    'sorts by magnitude, so negatives are misplaced': (i, o) => {
      const out = f32(o, 'out');
      out.set(Array.from(f32(i, 'x')).sort((p, q) => Math.abs(p) - Math.abs(q)));
    },
  },
};

describe('tolerances reject a wrong kernel', () => {
  for (const [problem, wrongs] of Object.entries(WRONG)) {
    for (const [bug, kernel] of Object.entries(wrongs)) {
      it(`${problem}: one that ${bug}`, async () => {
        const spec = await loadProblem(problem);
        const reference = await load(problem, spec.reference);
        const params = AWKWARD[problem]![0]!;
        const { got, want } = await runBoth(spec, reference, kernel, params);
        expect(firstOutside(got, want, toleranceAt(spec, params))).not.toBeNull();
      });
    }
  }
});
