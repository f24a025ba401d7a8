// Asking V8 to optimize a function at a chosen point, through its natives
// syntax (%PrepareFunctionForOptimization, %OptimizeFunctionOnNextCall), as
// V8's own tests and CodSpeed's Node integration do. Instruction counts use it
// so that the counted code is optimized code in every run: left to itself, V8
// optimizes a small function after some thousands of calls, at a point that the
// warm-up's length decides, and a count taken just before it reads the slower
// tier. The flag that allows the syntax is set when first needed; it changes no
// valid program, since `%` cannot begin an expression otherwise.
import v8 from 'node:v8';

type Hook = (f: Function) => void;

let hooks: { prepare: Hook; optimize: Hook } | null = null;

function natives(): { prepare: Hook; optimize: Hook } {
  if (!hooks) {
    v8.setFlagsFromString('--allow-natives-syntax');
    hooks = {
      prepare: new Function('f', '%PrepareFunctionForOptimization(f);') as Hook,
      optimize: new Function('f', '%OptimizeFunctionOnNextCall(f);') as Hook,
    };
  }
  return hooks;
}

/** Makes `f` collect the type feedback that optimizing it needs; call it before its first calls. */
export function prepareForOptimization(f: Function): void {
  natives().prepare(f);
}

/** Has V8 optimize `f` (with its feedback so far) when it is next called. */
export function optimizeOnNextCall(f: Function): void {
  natives().optimize(f);
}
