// The JS backend: a variant is an ES module (TypeScript or JavaScript) whose
// default export is `function (inputs, outputs, params)`, possibly async.
import { pathToFileURL } from 'node:url';
import { tsImport } from 'tsx/esm/api';
import type { KernelFn } from '../../model/types.ts';
import type { Backend, PrepareOptions, PreparedKernel } from '../backend.ts';
import { freshFunction } from '../../measure/batching.ts';

export const jsBackend: Backend = {
  kind: 'js',
  extensions: ['.ts', '.mts', '.js', '.mjs'],
  availability: () => ({ ok: true, detail: `V8 ${process.versions.v8} in Node ${process.version}` }),
  async prepare(file: string, opts: PrepareOptions = {}): Promise<PreparedKernel> {
    const url = pathToFileURL(file);
    // a distinct URL is a distinct module instance, with its own functions and type feedback
    if (opts.instance !== undefined) url.searchParams.set('assay-instance', opts.instance.replace(/[^A-Za-z0-9=,.-]/g, '_'));
    // tsImport loads TypeScript as an ES module wherever the file lies, even outside
    // any package; a file compiled as CommonJS has its exports under `default`
    const mod = unwrapDefault((await tsImport(url.href, import.meta.url)) as { default?: unknown });
    if (typeof mod.default !== 'function') {
      throw new Error(`${file}: the default export must be a function (inputs, outputs, params); found ${typeof mod.default}`);
    }
    const fn = mod.default as KernelFn;
    // a caller of its own for each instance: one arrow here would be every kernel's caller, its call site's
    // feedback shared by all of them, and whether this kernel is inlined into it would depend on the others
    return { run: freshFunction(['fn'], 'return (inputs, outputs, params) => fn(inputs, outputs, params);')(fn) as KernelFn };
  },
};

function unwrapDefault(mod: { default?: unknown }): { default?: unknown } {
  const d = mod.default as { default?: unknown } | undefined;
  return typeof d === 'object' && d !== null && typeof d.default === 'function' ? d : mod;
}
