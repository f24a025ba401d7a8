// The native backend: a variant is one C or C++ source defining the problem's
// C prototype (`assay problem show NAME`). It is compiled into a shared library
// (compile.ts), loaded with dlopen through Assay's addon, and called with each
// typed array's own memory. Timing runs the kernel back to back in native code
// on CLOCK_MONOTONIC_RAW, so no JS call overhead is inside the samples.
//
// Settings: a header line `// @settings threads=1,2` makes each value a case;
// the value reaches the kernel through `extern "C" void assay_set_threads(uint32_t)`,
// which the backend calls after loading, before every verification run and
// before timing (settings.ts). The addon is loaded lazily, never at import.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { NATIVE_SYMBOL, cPrototype } from '../../problem/signature.ts';
import type { Params, ProblemSpec, Settings, Tensors } from '../../model/types.ts';
import type { NativeAddon, NativeArg } from '../../addon/addon.ts';
import { ArtifactError } from '../../model/errors.ts';
import { type Availability, type Backend, type BoundKernel, type Details, type PrepareOptions, type PreparedKernel, type RotatingKernel } from '../backend.ts';
import { poison } from '../../verify/poison.ts';
import { displayPath } from '../../model/files.ts';
import { compileKernel, compilerFor, compilerIdentity, flagsFor, type CompiledKernel } from './compile.ts';
import { parseSettings, settingHook } from './settings.ts';

/** What times the samples of a native case. */
const TIMER = 'native loop (CLOCK_MONOTONIC_RAW)';
/** Hardware counters, where available, are read over about this much work after the timed samples. */
const COUNTED_NS = 20e6;

async function addon(): Promise<NativeAddon> {
  const { loadAddon } = await import('../../addon/addon.ts');
  const s = loadAddon();
  if (!s.ok) throw new Error(s.reason);
  return s.addon;
}

export const nativeBackend: Backend = {
  kind: 'native',
  extensions: ['.cc', '.cpp', '.c'],

  async availability(): Promise<Availability> {
    const { loadAddon, counterProbe } = await import('../../addon/addon.ts');
    const s = loadAddon();
    if (!s.ok) return { ok: false, detail: s.reason };
    const cxx = compilerFor('c++');
    const identity = compilerIdentity(cxx);
    if (identity === null) {
      return { ok: false, detail: `no C++ compiler: "${cxx}" cannot be run; install one (apt-get install g++) or set CXX to a compiler` };
    }
    const counters = counterProbe();
    return {
      ok: true,
      detail: `${identity}, ${flagsFor('c++').slice(0, 2).join(' ')}; counters ${counters.available ? counters.events.join(', ') : 'absent'}`,
      info: {
        addon: s.path,
        compiler: identity,
        flags: flagsFor('c++').join(' '),
        clock: s.addon.clockName,
        counters: counters.available ? counters.events.join(', ') : `absent: ${counters.reason}`,
      },
    };
  },

  settings(file: string): Record<string, number[]> {
    return parseSettings(readFileSync(file, 'utf8'));
  },

  async prepare(file: string, opts: PrepareOptions = {}): Promise<PreparedKernel> {
    const spec = opts.problem;
    if (!spec) throw new Error(`the native backend needs the problem to prepare ${file} (its prototype fixes the kernel's arguments)`);
    const a = await addon();
    const compiled = await compileKernel(file, spec);
    const library = openLibrary(a, compiled, file);
    const fn = findKernel(a, library, compiled, file, spec);
    const applySettings = settingHooks(a, library, file, opts.settings ?? {});
    applySettings();
    const argsOf = argumentOrder(spec);

    return {
      run(inputs: Tensors, outputs: Tensors, params: Params): void {
        applySettings();
        a.call(fn, argsOf(inputs, outputs, params));
      },
      async bind(inputs: Tensors, outputs: Tensors, params: Params): Promise<BoundKernel> {
        applySettings();
        const bound = new a.Bound(fn, argsOf(inputs, outputs, params));
        let perCallNs = 0;
        return {
          mode: 'timed',
          timer: TIMER,
          async time(iterations: number): Promise<number> {
            const ns = bound.repeat(iterations);
            perCallNs = ns / iterations;
            return ns;
          },
          details(): Details {
            const calls = Math.max(1, Math.min(1e6, Math.round(COUNTED_NS / Math.max(perCallNs, 1))));
            const c = bound.counted(calls);
            if (!c) return {};
            return { cycles_per_call: c.cycles / calls, instructions_per_call: c.instructions / calls, ipc: c.cycles > 0 ? c.instructions / c.cycles : 0 };
          },
          release: () => bound.release(),
        };
      },
      async bindSets(sets: Tensors[], outputs: Tensors, params: Params): Promise<RotatingKernel> {
        applySettings();
        // the outputs are the host's own arrays, which the kernel writes in place
        const bound = new a.Bound(fn, sets.map((inputs) => argsOf(inputs, outputs, params)));
        return {
          run: async (calls, start) => bound.repeat(calls, start),
          poison: async () => poison(outputs),
          read: async () => outputs,
          release: async () => bound.release(),
        };
      },
      details: { compile_ms: compiled.compileMs, cached: compiled.cached, compiler: compiled.compiler, flags: compiled.flags.join(' ') },
    };
  },
};

function openLibrary(a: NativeAddon, compiled: CompiledKernel, file: string): number {
  try {
    return a.open(compiled.library);
  } catch (e) {
    throw new ArtifactError(`${displayPath(file)}: the compiled library does not load: ${e instanceof Error ? e.message : String(e)}`, file);
  }
}

/** The kernel's function handle; an ArtifactError naming the prototype to define when the library lacks it. */
function findKernel(a: NativeAddon, library: number, compiled: CompiledKernel, file: string, spec: ProblemSpec): number {
  const fn = a.symbol(library, NATIVE_SYMBOL);
  if (fn !== null) return fn;
  const cxx = cxxKernels(compiled.library);
  const found = cxx.length
    ? ` It defines ${cxx.map((s) => `\`${s}\``).join(', ')}, a C++ function whose parameters differ from the prototype, so it has C++ linkage and a mangled name.`
    : '';
  throw new ArtifactError(
    `${displayPath(file)}: defines no function \`${NATIVE_SYMBOL}\` with C linkage.${found} Define exactly this prototype (with extern "C" in C++; omit extern "C" in C):\n  ${cPrototype(spec)} { ... }`,
    file,
  );
}

/** Demangled C++ functions named `kernel` that a library defines (read with nm), for the message when `kernel` is missing. */
function cxxKernels(library: string): string[] {
  try {
    const out = execFileSync('nm', ['-DC', '--defined-only', library], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000 });
    return out
      .split('\n')
      .map((l) => l.trim().split(/\s+/).slice(2).join(' '))
      .filter((s) => new RegExp(`^${NATIVE_SYMBOL}\\(`).test(s));
  } catch {
    return [];
  }
}

/** Calls each setting's hook with its value; an ArtifactError where a declared setting has no hook. */
function settingHooks(a: NativeAddon, library: number, file: string, settings: Settings): () => void {
  const calls: Array<[number, number]> = [];
  for (const [name, value] of Object.entries(settings)) {
    const hook = a.symbol(library, settingHook(name));
    if (hook === null) {
      throw new ArtifactError(
        `${displayPath(file)}: declares the setting "${name}" but defines no hook for it; define extern "C" void ${settingHook(name)}(uint32_t ${name}) { ... }, which Assay calls with the value before the kernel runs`,
        file,
      );
    }
    if (typeof value !== 'number') throw new ArtifactError(`${displayPath(file)}: setting "${name}" = "${value}" is not a uint32`, file);
    calls.push([hook, value]);
  }
  return () => {
    for (const [hook, value] of calls) a.call(hook, [value]);
  };
}

/** The kernel's arguments in prototype order: the tensors as declared, then the axes as declared. */
function argumentOrder(spec: ProblemSpec): (inputs: Tensors, outputs: Tensors, params: Params) => NativeArg[] {
  const axes = Object.keys(spec.axes);
  return (inputs, outputs, params) => {
    const args: NativeArg[] = [];
    for (const t of spec.tensors) {
      const arr = (t.role === 'input' ? inputs : outputs)[t.name];
      if (!arr) throw new Error(`no ${t.role} tensor "${t.name}" was passed to the kernel`);
      args.push(arr);
    }
    for (const axis of axes) {
      const v = params[axis];
      if (v === undefined) throw new Error(`no value for the axis "${axis}" was passed to the kernel`);
      args.push(v);
    }
    return args;
  };
}
