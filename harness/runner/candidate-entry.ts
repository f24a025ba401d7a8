// A runner in candidate mode that loads its artifact through the backends: the
// trusted sides of a score (the reference, the best built-in variant) and the
// candidates that are not JS (native, wgsl, onnx), which run under the sandbox
// but not Node's permission model (they need addons and child processes).
// child.mjs starts it when ASSAY_RUNNER_MODE=candidate.
import '../measure/clock.ts';
import { backendFor } from '../backends/registry.ts';
import { captureMachine } from '../env/machine.ts';
import { TOOL_VERSION } from '../model/version.ts';
import { serveCandidate } from './candidate-host.ts';

serveCandidate({
  machine: captureMachine().id,
  tool: TOOL_VERSION,
  async load(candidate, problem) {
    const backend = backendFor(candidate.kind);
    if (!backend) throw new Error(`no backend for kind "${candidate.kind}"`);
    const avail = await backend.availability();
    if (!avail.ok) throw new Error(`the ${candidate.kind} backend is unavailable here: ${avail.detail}`);
    return backend.prepare(candidate.file, { problem, ...(candidate.settings ? { settings: candidate.settings } : {}) });
  },
});
