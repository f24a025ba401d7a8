// A problem's signature in each artifact language: the C prototype a native
// variant defines, and the WGSL bindings a compute kernel declares. Built-in
// variants and candidates are written against exactly these texts.
import type { DType, ProblemSpec } from '../model/types.ts';

const C_TYPE: Record<DType, string> = { f32: 'float', i32: 'int32_t', u32: 'uint32_t' };
const WGSL_TYPE: Record<DType, string> = { f32: 'f32', i32: 'i32', u32: 'u32' };

/** The name of the function a native variant defines. */
export const NATIVE_SYMBOL = 'kernel';

/**
 * The C prototype: tensors in declared order (inputs `const T*`, outputs `T*`),
 * then each axis as `uint32_t`, in declared order.
 * Matmul: `extern "C" void kernel(const float* a, const float* b, float* c, uint32_t n)`.
 */
export function cPrototype(spec: ProblemSpec): string {
  const args = [
    ...spec.tensors.map((t) => `${t.role === 'input' ? 'const ' : ''}${C_TYPE[t.dtype]}* ${t.name}`),
    ...Object.keys(spec.axes).map((a) => `uint32_t ${a}`),
  ];
  return `extern "C" void ${NATIVE_SYMBOL}(${args.join(', ')})`;
}

/** One binding of a WGSL kernel's group 0. */
export interface WgslBinding {
  binding: number;
  name: string;
  /** `storage, read` for inputs, `storage, read_write` for outputs, `uniform` for the axes. */
  access: 'read' | 'read_write' | 'uniform';
  type: string;
}

/** The binding layout: each tensor in declared order, then a uniform struct of the axes as u32. */
export function wgslBindings(spec: ProblemSpec): WgslBinding[] {
  const out: WgslBinding[] = spec.tensors.map((t, i) => ({
    binding: i,
    name: t.name,
    access: t.role === 'input' ? 'read' : 'read_write',
    type: `array<${WGSL_TYPE[t.dtype]}>`,
  }));
  out.push({ binding: spec.tensors.length, name: 'params', access: 'uniform', type: 'Params' });
  return out;
}

/** The binding layout as WGSL source, ready to paste at the top of a kernel. */
export function wgslDeclarations(spec: ProblemSpec): string {
  const axes = Object.keys(spec.axes);
  const lines = [`struct Params { ${axes.map((a) => `${a}: u32`).join(', ')} }`];
  for (const b of wgslBindings(spec)) {
    const space = b.access === 'uniform' ? 'uniform' : `storage, ${b.access}`;
    lines.push(`@group(0) @binding(${b.binding}) var<${space}> ${b.name}: ${b.type};`);
  }
  return lines.join('\n');
}
