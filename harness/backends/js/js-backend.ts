// The JS backend: a variant is an ES module (TypeScript or JavaScript) whose
// default export is `function (inputs, outputs, params)`, possibly async.
import { pathToFileURL } from 'node:url';
import type { KernelFn } from '../../core/types.ts';
import type { Backend, PreparedKernel } from '../backend.ts';

export const jsBackend: Backend = {
  kind: 'js',
  extensions: ['.ts', '.mts', '.js', '.mjs'],
  availability: () => ({ ok: true, detail: `V8 ${process.versions.v8} in Node ${process.version}` }),
  async prepare(file: string, instance?: string): Promise<PreparedKernel> {
    const url = pathToFileURL(file);
    // a distinct URL is a distinct module instance, with its own functions and type feedback
    if (instance !== undefined) url.searchParams.set('assay-instance', instance);
    const mod = (await import(url.href)) as { default?: unknown };
    if (typeof mod.default !== 'function') {
      throw new Error(`${file}: the default export must be a function (inputs, outputs, params); found ${typeof mod.default}`);
    }
    const fn = mod.default as KernelFn;
    return { run: (inputs, outputs, params) => fn(inputs, outputs, params) };
  },
};
