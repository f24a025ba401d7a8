// Reading a WGSL variant file before it reaches the GPU: its header lines (the
// `@dispatch` grid, and for multi-pass kernels `@pass` and `@scratch`), its
// compute entry points, and its `@group(0)` bindings checked against the
// problem's layout. Each fault is an ArtifactError that says what, where, and how to fix it.
import { ArtifactError } from '../../model/errors.ts';
import { compileExpr, ExprError, type CompiledExpr } from '../../problem/expr.ts';
import { displayPath } from '../../model/files.ts';
import { wgslBindings, type WgslBinding } from '../../problem/signature.ts';
import type { DType, ProblemSpec } from '../../model/types.ts';

/** A grid of three expressions over the axes. */
export type Grid = [CompiledExpr, CompiledExpr, CompiledExpr];

/** An extra read-write storage buffer of a multi-pass kernel, bound after `params`. */
export interface Scratch {
  name: string;
  dtype: DType;
  count: CompiledExpr;
  line: number;
}

/** One dispatch of the kernel's plan, in the order they run; `main` comes last. */
export interface Pass {
  entry: string;
  grid: Grid;
  /** How many times it runs in a row, each time with the next `step` value; null means once. */
  repeat: CompiledExpr | null;
  line: number;
}

export interface WgslKernel {
  file: string;
  code: string;
  passes: Pass[];
  scratch: Scratch[];
  /** True when some pass repeats, so the layout ends with the `step` uniform. */
  step: boolean;
  /** The expected layout: the problem's bindings, then scratch buffers, then `step`. */
  layout: WgslBinding[];
}

const DIRECTIVE = /^\s*\/\/\s*@(dispatch|pass|scratch)\b(.*)$/;
const DTYPES: DType[] = ['f32', 'u32', 'i32'];

/** Parses and checks a WGSL variant against its problem. Throws ArtifactError on the first fault. */
export function readWgslKernel(file: string, code: string, spec: ProblemSpec): WgslKernel {
  const shown = displayPath(file);
  const fail = (line: number, col: number, msg: string): never => {
    throw new ArtifactError(`${shown}:${line}:${col}: ${msg}`, file, line);
  };
  const axes = Object.keys(spec.axes);
  const expr = (src: string, line: number, col: number): CompiledExpr => {
    let e: CompiledExpr;
    try {
      e = compileExpr(src);
    } catch (err) {
      if (err instanceof ExprError) return fail(line, col + err.column - 1, `cannot parse "${src.trim()}": ${err.message.replace(/ at column.*$/, '')}; write an expression over ${axes.join(', ')} with + - * / ( ) ceil floor min max log2`);
      throw err;
    }
    const unknown = e.names.filter((n) => !axes.includes(n));
    if (unknown.length) fail(line, col, `"${src.trim()}" names ${unknown.join(', ')}, which ${unknown.length > 1 ? 'are not axes' : 'is not an axis'} of "${spec.name}" (axes: ${axes.join(', ')})`);
    return e;
  };
  const grid = (src: string, line: number, col: number, example: string): Grid => {
    const parts = splitTopLevel(src);
    if (parts === null) return fail(line, col, `unbalanced parentheses in "${src.trim()}"; write three expressions X, Y, Z, as in "${example}"`);
    if (parts.length !== 3 || parts.some((p) => !p.text.trim())) {
      fail(line, col, `the grid "${src.trim()}" needs exactly three expressions X, Y, Z, as in "${example}"`);
    }
    return parts.map((p) => expr(p.text, line, col + p.offset)) as Grid;
  };

  const lines = code.split('\n');
  const found: { main: Pass | null } = { main: null };
  const passes: Pass[] = [];
  const scratch: Scratch[] = [];
  lines.forEach((text, i) => {
    const m = DIRECTIVE.exec(text);
    if (!m) return;
    const line = i + 1;
    const kind = m[1]!;
    const rest = m[2]!;
    const col = text.length - rest.length + 1;
    if (kind === 'dispatch') {
      if (found.main) fail(line, 1, `a second @dispatch header (the first is on line ${found.main.line}); a kernel has one grid for main; extra passes are "// @pass ENTRY: X, Y, Z"`);
      found.main = { entry: 'main', grid: grid(rest, line, col, '// @dispatch ceil(n / 64), 1, 1'), repeat: null, line };
    } else if (kind === 'pass') {
      const pm = /^\s*([A-Za-z_]\w*)\s*:(.*?)(?:\brepeat\b(.*))?$/.exec(rest);
      if (!pm) return fail(line, col, `cannot parse "@pass${rest}"; write "// @pass ENTRY: X, Y, Z" or "// @pass ENTRY: X, Y, Z repeat COUNT"`);
      const gridCol = col + rest.indexOf(':') + 1;
      const repeatCol = col + rest.search(/\brepeat\b/) + 'repeat'.length;
      passes.push({ entry: pm[1]!, grid: grid(pm[2]!, line, gridCol, '// @pass partials: ceil(n / 256), 1, 1'), repeat: pm[3] !== undefined ? expr(pm[3], line, repeatCol) : null, line });
    } else {
      const sm = /^\s*([A-Za-z_]\w*)\s*:\s*(\w+)\s*\[(.*)\]\s*$/.exec(rest);
      if (!sm) return fail(line, col, `cannot parse "@scratch${rest}"; write "// @scratch NAME: f32[COUNT]" with COUNT an expression over the axes`);
      if (!DTYPES.includes(sm[2] as DType)) fail(line, col, `scratch "${sm[1]}" has type ${sm[2]}; use one of ${DTYPES.join(', ')}`);
      scratch.push({ name: sm[1]!, dtype: sm[2] as DType, count: expr(sm[3]!, line, col + rest.indexOf('[') + 1), line });
    }
  });
  const main = found.main;
  if (!main) {
    return fail(1, 1, `no "// @dispatch X, Y, Z" header: add a line such as "// @dispatch ceil(n / 64), 1, 1" giving main's grid of workgroups as expressions over ${axes.join(', ')}`);
  }

  const bare = stripComments(code);
  const entries = computeEntries(bare);
  if (!entries.has('main')) {
    const near = /\bfn\s+main\s*\(/.exec(bare);
    const firstEntry = [...entries.values()][0];
    const where = near ? lineCol(bare, near.index) : firstEntry !== undefined ? lineCol(bare, firstEntry) : { line: 1, col: 1 };
    fail(where.line, where.col, near
      ? 'fn main is not a compute entry point: mark it "@compute @workgroup_size(...)"'
      : `no compute entry point "main"${entries.size ? ` (found ${[...entries.keys()].join(', ')})` : ''}: the kernel's entry point must be "@compute @workgroup_size(...) fn main(...)"`);
  }
  for (const p of passes) {
    if (!entries.has(p.entry)) fail(p.line, 1, `@pass names "${p.entry}", which is not a compute entry point of this file (entry points: ${[...entries.keys()].join(', ')})`);
  }

  const step = passes.some((p) => p.repeat !== null);
  const layout = expectedLayout(spec, scratch, step);
  checkBindings(bare, layout, spec, fail);
  return { file, code, passes: [...passes, main], scratch, step, layout };
}

/** The problem's bindings, then each scratch buffer, then the `step` uniform when a pass repeats. */
function expectedLayout(spec: ProblemSpec, scratch: Scratch[], step: boolean): WgslBinding[] {
  const out = wgslBindings(spec);
  for (const s of scratch) out.push({ binding: out.length, name: s.name, access: 'read_write', type: `array<${s.dtype}>` });
  if (step) out.push({ binding: out.length, name: 'step', access: 'uniform', type: 'u32' });
  return out;
}

interface Declared {
  group: number;
  binding: number;
  space: string;
  name: string;
  type: string;
  index: number;
}

const VAR_DECL = /((?:@\w+\s*(?:\([^)]*\))?\s*)+)var\s*<([^>]*)>\s*([A-Za-z_]\w*)\s*:\s*([^;]+);/g;

/** Checks each `@group(g) @binding(i) var<...>` declaration against the expected layout. */
function checkBindings(bare: string, layout: WgslBinding[], spec: ProblemSpec, fail: (line: number, col: number, msg: string) => never): void {
  const declared: Declared[] = [];
  for (const m of bare.matchAll(VAR_DECL)) {
    const attrs = m[1]!;
    const group = /@group\s*\(\s*(\d+)\s*\)/.exec(attrs);
    const binding = /@binding\s*\(\s*(\d+)\s*\)/.exec(attrs);
    if (!group || !binding) continue;
    declared.push({ group: Number(group[1]), binding: Number(binding[1]), space: m[2]!.replace(/\s+/g, ''), name: m[3]!, type: m[4]!.replace(/\s+/g, ''), index: m.index! + attrs.search(/@(group|binding)/) });
  }
  const want = (b: WgslBinding): string => `"@group(0) @binding(${b.binding}) var<${b.access === 'uniform' ? 'uniform' : `storage, ${b.access}`}> ${b.name}: ${b.type}"`;
  const layoutText = `the layout of "${spec.name}" is:\n${layout.map((b) => `  ${want(b).slice(1, -1)};`).join('\n')}\n(\`assay problem show ${spec.name}\` prints it)`;
  for (const d of declared) {
    const { line, col } = lineCol(bare, d.index);
    if (d.group !== 0) fail(line, col, `"${d.name}" is in @group(${d.group}); every binding is in @group(0); ${layoutText}`);
    const b = layout.find((x) => x.binding === d.binding);
    if (!b) fail(line, col, `"${d.name}" is @binding(${d.binding}), which is not part of the layout; ${layoutText}`);
    const other = layout.find((x) => x.name === d.name && x.binding !== d.binding);
    if (other && d.name !== b!.name) fail(line, col, `"${d.name}" is @binding(${d.binding}), but it is @binding(${other.binding}) in the layout (bindings follow the problem's declared order); ${layoutText}`);
    const space = b!.access === 'uniform' ? 'uniform' : `storage,${b!.access}`;
    const sameSpace = d.space === space || (b!.access === 'read' && d.space === 'storage');
    if (!sameSpace) fail(line, col, `@binding(${d.binding}) "${d.name}" is var<${d.space.replace(',', ', ')}>, but the layout has ${want(b!)}; ${layoutText}`);
    if (b!.access !== 'uniform' && d.type !== b!.type) fail(line, col, `@binding(${d.binding}) "${d.name}" has type ${d.type}, but the layout has ${want(b!)}; ${layoutText}`);
    if (b!.access === 'uniform' && b!.name === 'step' && d.type !== 'u32') fail(line, col, `@binding(${d.binding}) "${d.name}" has type ${d.type}; the step uniform is a u32`);
  }
}

/** Names of the functions marked `@compute`. */
function computeEntries(bare: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of bare.matchAll(/((?:@\w+\s*(?:\([^)]*\))?\s*)+)fn\s+([A-Za-z_]\w*)\s*\(/g)) {
    if (/@compute\b/.test(m[1]!)) out.set(m[2]!, m.index!);
  }
  return out;
}

/** The source with comments blanked out (newlines kept, so offsets still give line numbers). */
export function stripComments(code: string): string {
  return code.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, (c) => c.replace(/[^\n]/g, ' '));
}

function lineCol(text: string, index: number): { line: number; col: number } {
  const before = text.slice(0, index);
  const line = before.split('\n').length;
  return { line, col: index - before.lastIndexOf('\n') };
}

/** Splits on commas outside parentheses, keeping each part's offset; null when the parentheses do not balance. */
function splitTopLevel(src: string): Array<{ text: string; offset: number }> | null {
  const out: Array<{ text: string; offset: number }> = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c === '(') depth++;
    else if (c === ')' && --depth < 0) return null;
    else if (c === ',' && depth === 0) {
      out.push({ text: src.slice(start, i), offset: start });
      start = i + 1;
    }
  }
  out.push({ text: src.slice(start), offset: start });
  return depth === 0 ? out : null;
}
