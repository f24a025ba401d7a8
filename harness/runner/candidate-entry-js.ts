// A runner in candidate mode for a JS candidate under Node's permission model.
// The parent bundles this file with esbuild, and the candidate separately, into
// one private folder, and starts Node on this bundle with read access to that
// folder alone: no tsx (it needs a worker, which would escape the permission
// model), no addons, no child processes, no workers. The clock is captured and
// the refusals installed before the candidate is imported.
import '../measure/clock.ts';
import { pathToFileURL } from 'node:url';
import { installRefusals } from './refusals.ts';
import { serveCandidate } from './candidate-host.ts';
import type { KernelFn } from '../model/types.ts';

const refused = installRefusals();

serveCandidate({
  refused,
  async load(candidate) {
    const mod = (await import(pathToFileURL(candidate.file).href)) as { default?: unknown };
    const d = mod.default as { default?: unknown } | undefined;
    const fn = typeof d === 'function' ? d : typeof d === 'object' && d !== null && typeof d.default === 'function' ? d.default : null;
    if (typeof fn !== 'function') throw new Error(`the default export must be a function (inputs, outputs, params); found ${typeof mod.default}`);
    const kernel = fn as KernelFn;
    return { run: (inputs, outputs, params) => kernel(inputs, outputs, params) };
  },
});
