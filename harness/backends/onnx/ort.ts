// Loading ONNX Runtime (onnxruntime-node) lazily, and finding which execution
// providers really work on this machine. Nothing here runs at import time, so
// `assay` starts fast and a missing package is an availability reason, not a crash.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { writeFileAtomic } from '../../model/files.ts';
import { adapterEnvironment } from '../webgpu/lavapipe-paths.mjs';
import { encodeModel } from './onnx-model.ts';

export type Ort = typeof import('onnxruntime-node');

let ortPromise: Promise<Ort> | null = null;

/** The onnxruntime-node module, imported on first use. */
export function loadOrt(): Promise<Ort> {
  useLocalVulkanAdapter();
  ortPromise ??= import('onnxruntime-node').catch((e: unknown) => {
    ortPromise = null;
    throw new Error(`onnxruntime-node cannot be loaded (${e instanceof Error ? e.message.split('\n')[0] : String(e)}); run \`npm ci\` in the Assay checkout`);
  });
  return ortPromise;
}

/** Execution providers Assay knows how to ask ONNX Runtime for. */
export const KNOWN_EPS = ['cpu', 'webgpu', 'cuda', 'tensorrt'] as const;

/** How long the WebGPU probe may take before it counts as not working (adapter discovery can hang on a broken driver). */
const PROBE_TIMEOUT_MS = 20_000;

export interface EpStatus {
  ok: boolean;
  detail: string;
}

const epStatus = new Map<string, EpStatus>();

/**
 * Whether an execution provider works here. `cpu` always does. `webgpu` is
 * tried for real, creating and running a one-node session in a child process
 * (a driver that crashes takes down only the probe), and the answer is cached
 * on disk keyed by everything that can change it: the ORT version and the
 * Vulkan/EGL environment (`VK_ICD_FILENAMES` and the ICD file's mtime).
 */
export async function epAvailability(ep: string): Promise<EpStatus> {
  const known = epStatus.get(ep);
  if (known) return known;
  let status: EpStatus;
  if (ep === 'cpu') status = { ok: true, detail: 'ONNX Runtime CPU (MLAS)' };
  // the probe runs in its own process, so this one need not load ORT just to plan a run
  else if (ep === 'webgpu') {
    useLocalVulkanAdapter();
    status = probeCached(ep, ortPackageVersion());
  }
  else {
    const ort = await loadOrt();
    const listed = ort.listSupportedBackends().find((b) => b.name === ep);
    if (!listed) status = { ok: false, detail: `"${ep}" is not an execution provider of onnxruntime-node ${ort.env.versions.node}` };
    else if (!listed.bundled) status = { ok: false, detail: `the ${ep} execution provider is not bundled with onnxruntime-node ${ort.env.versions.node} (its binaries need CUDA, which this build of Assay does not install)` };
    else status = probeCached(ep, ort.env.versions.node ?? 'unknown');
  }
  epStatus.set(ep, status);
  return status;
}

/** The execution providers that work here, `cpu` first. */
export async function availableEps(): Promise<string[]> {
  const out: string[] = [];
  for (const ep of ['cpu', 'webgpu']) if ((await epAvailability(ep)).ok) out.push(ep);
  return out;
}

/** The installed onnxruntime-node version, read from its package.json (cheap, unlike importing it). */
export function ortPackageVersion(): string {
  const req = createRequire(import.meta.url);
  return (req('onnxruntime-node/package.json') as { version: string }).version;
}

/** Where Debian-like and other common systems put the Vulkan loader. */
const VULKAN_LOADERS = ['/usr/lib/x86_64-linux-gnu/libvulkan.so.1', '/usr/lib/aarch64-linux-gnu/libvulkan.so.1', '/usr/lib64/libvulkan.so.1', '/usr/lib/libvulkan.so.1'];

/**
 * Points the Vulkan loader at the project-local software adapter (lavapipe, set up
 * at install where there is no GPU), when the user chose no driver and the system
 * has the loader. ONNX Runtime's WebGPU provider runs in this process and reads
 * the variable when it creates its device, so setting it before then is enough.
 * Without a system loader, only Assay's GPU process (started with the adapter's
 * library folder on LD_LIBRARY_PATH) can use the unpacked one.
 */
function useLocalVulkanAdapter(): void {
  if (process.env.VK_ICD_FILENAMES || process.env.VK_DRIVER_FILES) return;
  if (!VULKAN_LOADERS.some((f) => existsSync(f))) return;
  const icd = adapterEnvironment().env.VK_ICD_FILENAMES;
  if (icd) process.env.VK_ICD_FILENAMES = icd;
}

function probeKey(ep: string, version: string): string {
  const icd = process.env.VK_ICD_FILENAMES ?? '';
  const icdStamp = icd
    .split(':')
    .filter(Boolean)
    .map((f) => (existsSync(f) ? `${f}@${statSync(f).mtimeMs}` : `${f}@missing`))
    .join(',');
  // installing the Vulkan loader (libvulkan1) changes the answer without touching the environment
  const loader = VULKAN_LOADERS.filter((f) => existsSync(f)).map((f) => `${f}@${statSync(f).mtimeMs}`).join(',');
  return JSON.stringify({ ep, version, icd: icdStamp, loader, egl: process.env.EGL_PLATFORM ?? '', ld: process.env.LD_LIBRARY_PATH ?? '' });
}

function cacheFile(): string {
  const req = createRequire(import.meta.url);
  const pkgDir = path.dirname(req.resolve('onnxruntime-node/package.json'));
  // node_modules/.cache is where tools keep caches that `npm ci` clears with the modules
  return path.join(pkgDir, '..', '.cache', 'assay', 'ort-ep-probe.json');
}

function probeCached(ep: string, version: string): EpStatus {
  const key = probeKey(ep, version);
  const file = cacheFile();
  let cache: Record<string, EpStatus> = {};
  try {
    cache = JSON.parse(readFileSync(file, 'utf8')) as Record<string, EpStatus>;
  } catch {
    /* no cache yet, or an unreadable one: probe again */
  }
  const hit = cache[key];
  if (hit && typeof hit.ok === 'boolean') return hit;
  const { status, final } = probe(ep);
  // a probe that timed out may only have met a busy machine: ask again next time
  if (!final) return status;
  try {
    // processes probing at once (parallel tests) never read half a file
    writeFileAtomic(file, JSON.stringify({ ...cache, [key]: status }, null, 1));
  } catch {
    /* a read-only checkout only loses the cache */
  }
  return status;
}

/** Runs a 2x2 MatMul on the execution provider in a child process and checks the answer; `final` is false when it timed out. */
function probe(ep: string): { status: EpStatus; final: boolean } {
  const model = encodeModel({
    name: 'probe',
    inputs: [
      { name: 'a', type: 'float', shape: [2, 2] },
      { name: 'b', type: 'float', shape: [2, 2] },
    ],
    outputs: [{ name: 'c', type: 'float', shape: [2, 2] }],
    nodes: [{ op: 'MatMul', inputs: ['a', 'b'], outputs: ['c'] }],
  });
  const script = `
    const ort = await import(process.argv[3]);
    const model = Buffer.from(process.argv[1], 'base64');
    const s = await ort.default.InferenceSession.create(model, { executionProviders: [process.argv[2]], logSeverityLevel: 3 });
    const t = (v) => new ort.default.Tensor('float32', Float32Array.from(v), [2, 2]);
    const r = await s.run({ a: t([1, 2, 3, 4]), b: t([5, 6, 7, 8]) });
    const got = Array.from(r.c.data).join(',');
    if (got !== '19,22,43,50') throw new Error('wrong MatMul result ' + got);
    process.stdout.write('ok');
  `;
  const entry = pathToFileURL(createRequire(import.meta.url).resolve('onnxruntime-node')).href;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script, Buffer.from(model).toString('base64'), ep, entry], {
    encoding: 'utf8',
    timeout: PROBE_TIMEOUT_MS,
  });
  if (r.status === 0 && r.stdout === 'ok') return { status: { ok: true, detail: `ONNX Runtime ${ep} execution provider (probed with a MatMul)` }, final: true };
  const why = r.error
    ? r.error.message
    : r.signal
      ? `the probe was killed by ${r.signal}`
      : probeFailure(r.stderr, r.status);
  const hint = ep === 'webgpu' ? '; it needs a WebGPU adapter: a GPU driver, or a Vulkan ICD such as Mesa lavapipe named by VK_ICD_FILENAMES' : '';
  const timedOut = r.signal === 'SIGTERM' || (r.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT';
  return { status: { ok: false, detail: `the ${ep} execution provider does not work here: ${timedOut ? `the probe did not finish in ${PROBE_TIMEOUT_MS / 1000} s` : why.slice(0, 300)}${hint}` }, final: !timedOut };
}

/** The informative part of a failed probe's stderr: ORT's "Failed to ..." sentence and any loader warning (a missing libvulkan). */
function probeFailure(stderr: string, status: number | null): string {
  const failed = /Failed to [^\n]*/.exec(stderr)?.[0];
  const loader = /Couldn't load [^\n]*/.exec(stderr)?.[0];
  const first = stderr.trim().split('\n')[0];
  return [failed ?? first ?? `exit ${status}`, loader].filter(Boolean).join('; ');
}
