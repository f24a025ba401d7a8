// What `assay model` feeds a model it knows nothing about: each input's shape,
// with symbolic dimensions resolved from `--shape` overrides or the documented
// defaults, and seeded values of the input's element type.
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { InputError } from '../../model/errors.ts';
import { createRng, hashSeed } from '../../stats/random.ts';

/** One model input or output as its metadata describes it. */
export interface IoInfo {
  name: string;
  /** ORT's element type name (`float32`, `int64`, `bool`, `string`); `non-tensor` for sequences and maps. */
  type: string;
  /** Sizes, symbolic names, or null for a dynamic dimension without a name. */
  shape: Array<number | string | null>;
}

/** A resolved input: its concrete dimensions and its seeded data. */
export interface SynthInput {
  name: string;
  type: Tensor.Type;
  dims: number[];
  data: Tensor.DataType;
}

/**
 * Symbolic dimensions that get a value without being asked: a batch dimension
 * is 1, as in ORT's perf_test. Anything else (a sequence length, an image size)
 * has no sensible default and must be given.
 */
export const DEFAULT_DIMS: Array<{ pattern: RegExp; value: number; why: string }> = [
  { pattern: /^(batch|batch_size|batchsize|bs|n|b)$/i, value: 1, why: 'a batch dimension defaults to 1' },
  { pattern: /batch/i, value: 1, why: 'a batch dimension defaults to 1' },
];

/** Integer inputs are drawn from [0, INT_RANGE): valid indices for any gather or embedding table of at least this size. */
export const INT_RANGE = 10;

export function ioInfo(meta: readonly InferenceSession.ValueMetadata[]): IoInfo[] {
  return meta.map((m) =>
    m.isTensor
      ? { name: m.name, type: m.type, shape: m.shape.map((d) => (typeof d === 'number' && d >= 0 ? d : typeof d === 'string' && d !== '' ? d : null)) }
      : { name: m.name, type: 'non-tensor', shape: [] },
  );
}

/** A `--shape` override: a whole input's shape (`input=1x3x224x224`), or one symbolic dimension's value (`seq=128`). */
export interface ShapeOverride {
  name: string;
  dims: number[];
}

/** Parses `NAME=AxBxC` items. */
export function parseShapeOverrides(items: string[]): ShapeOverride[] {
  return items.map((item) => {
    const m = /^([^=]+)=(\d+(?:x\d+)*)$/.exec(item.trim());
    if (!m) throw new InputError(`--shape "${item}": write NAME=DIMS, e.g. input=1x3x224x224 (an input's whole shape) or seq=128 (one symbolic dimension)`, '--shape');
    return { name: m[1]!, dims: m[2]!.split('x').map(Number) };
  });
}

/**
 * Resolves every input's dimensions. An override naming an input sets its whole
 * shape; one naming a symbolic dimension sets it everywhere it appears. A name
 * that is neither, or a dimension left without a value, is an InputError.
 */
export function resolveShapes(file: string, inputs: IoInfo[], overrides: ShapeOverride[]): { dims: Map<string, number[]>; params: Record<string, number>; defaulted: string[] } {
  const symbols = new Set(inputs.flatMap((i) => i.shape.filter((d): d is string => typeof d === 'string')));
  const byInput = new Map<string, number[]>();
  const params: Record<string, number> = {};
  for (const o of overrides) {
    const input = inputs.find((i) => i.name === o.name);
    if (input) {
      if (o.dims.length !== input.shape.length) throw new InputError(`${file}: --shape ${o.name}=${o.dims.join('x')} has ${o.dims.length} dimensions, but input "${o.name}" has ${input.shape.length} (${shapeText(input.shape)})`, file);
      input.shape.forEach((d, k) => {
        if (typeof d === 'number' && d !== o.dims[k]) throw new InputError(`${file}: --shape ${o.name}=${o.dims.join('x')} sets dimension ${k} to ${o.dims[k]}, but the model fixes it at ${d} (${shapeText(input.shape)})`, file);
        if (typeof d === 'string') params[d] = o.dims[k]!;
      });
      byInput.set(o.name, o.dims);
    } else if (symbols.has(o.name)) {
      if (o.dims.length !== 1) throw new InputError(`${file}: --shape ${o.name}=… names a symbolic dimension, which takes one value, not ${o.dims.join('x')}`, file);
      params[o.name] = o.dims[0]!;
    } else {
      const known = [...inputs.map((i) => `input "${i.name}"`), ...[...symbols].map((s) => `dimension "${s}"`)];
      throw new InputError(`${file}: --shape names "${o.name}", which is neither an input nor a symbolic dimension of this model; it has ${known.join(', ') || 'no inputs'}`, file);
    }
  }
  const defaulted: string[] = [];
  const dims = new Map<string, number[]>();
  for (const input of inputs) {
    const given = byInput.get(input.name);
    if (given) {
      dims.set(input.name, given);
      continue;
    }
    dims.set(
      input.name,
      input.shape.map((d, k) => {
        if (typeof d === 'number') return d;
        if (d === null) throw new InputError(`${file}: input "${input.name}" has an unnamed dynamic dimension (${shapeText(input.shape)}, dimension ${k}); give its whole shape with --shape ${input.name}=${input.shape.map((x) => (typeof x === 'number' ? x : 'N')).join('x')}`, file);
        if (params[d] !== undefined) return params[d]!;
        const rule = DEFAULT_DIMS.find((r) => r.pattern.test(d));
        if (!rule) throw new InputError(`${file}: input "${input.name}" has symbolic dimension "${d}" (${shapeText(input.shape)}) with no default; give it with --shape ${d}=VALUE or --shape ${input.name}=${input.shape.map((x) => (typeof x === 'number' ? x : x === d ? 'VALUE' : (params[x ?? ''] ?? DEFAULT_DIMS.find((r) => r.pattern.test(x ?? ''))?.value ?? x))).join('x')}`, file);
        params[d] = rule.value;
        defaulted.push(`${d}=${rule.value} (${rule.why})`);
        return rule.value;
      }),
    );
  }
  return { dims, params, defaulted };
}

/** Seeded data of an input's element type; a type that cannot be synthesized is an InputError naming the input. */
export function synthesize(file: string, input: IoInfo, dims: number[], seed: number): SynthInput {
  const count = dims.reduce((a, b) => a * b, 1);
  const rng = createRng(hashSeed(`${input.name}:${seed}`));
  const ints = (): number => rng.int(INT_RANGE);
  let data: Tensor.DataType;
  switch (input.type) {
    case 'float32':
      data = Float32Array.from({ length: count }, () => rng.uniform(-1, 1));
      break;
    case 'float64':
      data = Float64Array.from({ length: count }, () => rng.uniform(-1, 1));
      break;
    case 'float16':
      data = Uint16Array.from({ length: count }, () => halfBits(rng.uniform(-1, 1)));
      break;
    case 'int8':
      data = Int8Array.from({ length: count }, ints);
      break;
    case 'uint8':
      data = Uint8Array.from({ length: count }, ints);
      break;
    case 'int16':
      data = Int16Array.from({ length: count }, ints);
      break;
    case 'uint16':
      data = Uint16Array.from({ length: count }, ints);
      break;
    case 'int32':
      data = Int32Array.from({ length: count }, ints);
      break;
    case 'uint32':
      data = Uint32Array.from({ length: count }, ints);
      break;
    case 'int64':
      data = BigInt64Array.from({ length: count }, () => BigInt(ints()));
      break;
    case 'uint64':
      data = BigUint64Array.from({ length: count }, () => BigInt(ints()));
      break;
    case 'bool':
      data = Uint8Array.from({ length: count }, () => rng.int(2));
      break;
    default:
      throw new InputError(
        `${file}: input "${input.name}" is of type ${input.type}, which assay model cannot synthesize; it synthesizes float (16/32/64-bit), integer and bool tensors. Benchmark this model with a harness that supplies real ${input.type} inputs.`,
        file,
      );
  }
  return { name: input.name, type: input.type as Tensor.Type, dims, data };
}

export function shapeText(shape: IoInfo['shape']): string {
  return `[${shape.map((d) => (d === null ? '?' : d)).join(', ')}]`;
}

/** IEEE half-precision bits of a number in the normal range (the inputs here lie in [-1, 1)). */
function halfBits(x: number): number {
  const f = new Float32Array([x]);
  const u = new Uint32Array(f.buffer)[0]!;
  const sign = (u >>> 16) & 0x8000;
  const exp = ((u >>> 23) & 0xff) - 127 + 15;
  const mant = (u >>> 13) & 0x3ff;
  if (exp <= 0) return sign; // too small for a normal half: flush to zero
  if (exp >= 31) return sign | 0x7c00;
  return sign | (exp << 10) | mant;
}
