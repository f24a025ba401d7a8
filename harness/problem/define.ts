// Declaring problems: validation of a ProblemSpec, and the helpers that turn its
// declarative parts (shapes, axes, work model, tolerance) into numbers.
import { compileExpr, evalQuantity, ExprError } from './expr.ts';
import type { DType, Params, ProblemSpec, Rng, TensorArray, TensorSpec, Tensors, Throughput } from '../model/types.ts';
import { createRng, hashSeed } from '../stats/random.ts';

/** Thrown when a problem declaration is inconsistent: a harness misuse, reported with the problem's name. */
export class ProblemDefinitionError extends Error {
  constructor(problem: string, message: string) {
    super(`problem "${problem}": ${message}`);
    this.name = 'ProblemDefinitionError';
  }
}

/**
 * Declares a problem. Validates it eagerly, so that a mistake in `problem.ts`
 * is reported when the file loads, not halfway through a run.
 */
export function defineProblem(spec: ProblemSpec): ProblemSpec {
  const fail = (msg: string): never => {
    throw new ProblemDefinitionError(spec.name || '(unnamed)', msg);
  };
  if (!/^[a-z][a-z0-9-]*$/.test(spec.name)) fail('name must be lower-case letters, digits and dashes');
  const axisNames = Object.keys(spec.axes);
  for (const [axis, values] of Object.entries(spec.axes)) {
    if (!/^[A-Za-z_][A-Za-z_0-9]*$/.test(axis)) fail(`axis "${axis}" is not a valid identifier`);
    if (values.length === 0) fail(`axis "${axis}" has no values`);
    for (const v of values) if (!Number.isInteger(v) || v < 0) fail(`axis "${axis}" has value ${v}; axis values are non-negative integers`);
  }
  const seen = new Set<string>();
  for (const t of spec.tensors) {
    if (seen.has(t.name)) fail(`tensor "${t.name}" is declared twice`);
    seen.add(t.name);
    for (const d of t.shape) {
      if (typeof d === 'string' && !axisNames.includes(d)) fail(`tensor "${t.name}" has dimension "${d}", which is not an axis`);
    }
  }
  const roles = spec.tensors.map((t) => t.role);
  if (!roles.includes('input') || !roles.includes('output')) fail('needs at least one input and one output tensor');
  if (roles.lastIndexOf('input') > roles.indexOf('output')) fail('inputs must be declared before outputs');
  if (!spec.tolerance.reason.trim()) fail('tolerance needs a reason');
  if (!spec.reference) fail('needs a reference variant file');
  for (const [what, q] of [
    ['work.flops', spec.work.flops],
    ['work.bytes', spec.work.bytes],
    ['tolerance.atol', spec.tolerance.atol],
    ['tolerance.rtol', spec.tolerance.rtol],
  ] as const) {
    if (typeof q !== 'string') continue;
    try {
      const unknown = compileExpr(q).names.filter((n) => !axisNames.includes(n));
      if (unknown.length) fail(`${what} names ${unknown.join(', ')}, which are not axes`);
    } catch (e) {
      if (e instanceof ExprError) fail(`${what}: ${e.message}`);
      throw e;
    }
  }
  return spec;
}

/** Every point of the axis grid, in declaration order (the last axis varies fastest). */
export function axisPoints(axes: Record<string, number[]>): Params[] {
  let points: Params[] = [{}];
  for (const [axis, values] of Object.entries(axes)) {
    points = points.flatMap((p) => values.map((v) => ({ ...p, [axis]: v })));
  }
  return points;
}

/** `n=512,k=3`: the compact form used in case ids. */
export function formatParams(params: Record<string, string | number>): string {
  return Object.entries(params)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

/** The number of elements of a tensor at one axis point. */
export function tensorLength(t: TensorSpec, params: Params): number {
  return t.shape.reduce<number>((acc, d) => acc * (typeof d === 'number' ? d : (params[d] ?? NaN)), 1);
}

const ARRAY_OF: Record<DType, new (n: number) => TensorArray> = {
  f32: Float32Array,
  i32: Int32Array,
  u32: Uint32Array,
};

/** Allocates zeroed tensors of the given role at one axis point. */
export function allocateTensors(spec: ProblemSpec, params: Params, role: 'input' | 'output'): Tensors {
  const out: Tensors = {};
  for (const t of spec.tensors) if (t.role === role) out[t.name] = new ARRAY_OF[t.dtype](tensorLength(t, params));
  return out;
}

/** The seed of the public inputs at one axis point: derived from the problem and the point. */
export function publicSeed(problem: string, params: Params): number {
  return hashSeed(`${problem}[${formatParams(params)}]`);
}

/**
 * Runs the problem's generator with a seeded RNG and checks that it produced
 * every input tensor with the declared type and length.
 */
export function generateInputs(spec: ProblemSpec, params: Params, seed: number): Tensors {
  const inputs = spec.generate(params, createRng(seed));
  for (const t of spec.tensors) {
    if (t.role !== 'input') continue;
    const arr = inputs[t.name];
    const want = tensorLength(t, params);
    if (!(arr instanceof ARRAY_OF[t.dtype])) {
      throw new ProblemDefinitionError(spec.name, `generate() did not return input "${t.name}" as a ${ARRAY_OF[t.dtype].name}`);
    }
    if (arr.length !== want) {
      throw new ProblemDefinitionError(spec.name, `generate() returned "${t.name}" with ${arr.length} elements; its shape needs ${want}`);
    }
  }
  return inputs;
}

/** The tolerance at one axis point, with expressions evaluated. */
export function toleranceAt(spec: ProblemSpec, params: Params): { atol: number; rtol: number } {
  return { atol: evalQuantity(spec.tolerance.atol, params), rtol: evalQuantity(spec.tolerance.rtol, params) };
}

/** GFLOP/s and GB/s of one call that took `ns` nanoseconds, from the work model. */
export function throughputAt(spec: ProblemSpec, params: Params, ns: number): Throughput {
  const flops = evalQuantity(spec.work.flops, params);
  const bytes = evalQuantity(spec.work.bytes, params);
  const out: Throughput = {};
  if (flops > 0) out.gflops = flops / ns;
  if (bytes > 0) out.gbps = bytes / ns;
  return out;
}

/**
 * Float inputs in [-1, 1) with a sprinkling of exact zeros, the usual fill for
 * the built-in problems: negatives, zeros and non-round values in one array.
 */
export function mixedFloats(rng: Rng, length: number, zeroEvery = 29): Float32Array {
  const a = new Float32Array(length);
  for (let i = 0; i < length; i++) a[i] = rng.int(zeroEvery) === 0 ? 0 : rng.uniform(-1, 1);
  return a;
}
