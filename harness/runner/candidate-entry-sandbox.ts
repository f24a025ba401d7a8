// A runner in candidate mode for a native, wgsl or onnx candidate in the
// sandbox. The parent bundles this file with esbuild (and the GPU process's
// host beside it), so that it runs without the TypeScript loader, whose
// WebAssembly reservations do not fit under the sandbox's memory limit. Each
// backend is imported only for its own kind.
import '../measure/clock.ts';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Backend } from '../backends/backend.ts';
import type { ArtifactKind } from '../model/types.ts';
import { serveCandidate } from './candidate-host.ts';
import { WARM_ENV } from './protocol.ts';

async function backendOf(kind: ArtifactKind): Promise<Backend> {
  switch (kind) {
    case 'native':
      return (await import('../backends/native/native-backend.ts')).nativeBackend;
    case 'wgsl': {
      const gpu = await import('../backends/webgpu/gpu-process.ts');
      // the GPU process's host, bundled beside this file (which is then a bundle too; unbundled, there is none)
      const host = path.join(path.dirname(fileURLToPath(import.meta.url)), 'gpu-host.mjs');
      if (existsSync(host)) gpu.useGpuHost(host);
      return (await import('../backends/webgpu/webgpu-backend.ts')).webgpuBackend;
    }
    case 'onnx':
      return (await import('../backends/onnx/onnx-backend.ts')).onnxBackend;
    default:
      throw new Error(`this runner loads native, wgsl and onnx artifacts, not ${kind}`);
  }
}

// started ahead of its candidate: the backend of the kind it will load is made ready first (a failure
// here is left for the load to meet and report)
const warm = process.env[WARM_ENV] as ArtifactKind | undefined;
if (warm) await backendOf(warm).then((b) => b.availability()).catch(() => {});

serveCandidate({
  async load(candidate, problem) {
    const backend = await backendOf(candidate.kind);
    const avail = await backend.availability();
    if (!avail.ok) throw new Error(`the ${candidate.kind} backend is unavailable here: ${avail.detail}`);
    return backend.prepare(candidate.file, { problem, ...(candidate.settings ? { settings: candidate.settings } : {}) });
  },
});
