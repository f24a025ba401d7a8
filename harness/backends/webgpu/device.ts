/// <reference types="@webgpu/types" />
// The device manager, inside the GPU process: creates Dawn, finds an adapter
// (Vulkan first, then the OpenGL ES compatibility backend), opens a device with
// the features and limits compute kernels need, and turns device loss and
// uncaptured errors into failures of the request in hand instead of crashes.
import type { AdapterInfo } from './protocol.ts';

/** Dawn's toggle that stops it rounding timestamps, for nanosecond-grade GPU timing. */
const DAWN_TOGGLES = ['disable-dawn-features=timestamp_quantization'];
/** Limits requested at the adapter's maximum, because compute kernels need them. */
const COMPUTE_LIMITS = [
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupSizeY',
  'maxComputeWorkgroupSizeZ',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupStorageSize',
  'maxComputeWorkgroupsPerDimension',
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxStorageBuffersPerShaderStage',
] as const;
/** Limits shown by `assay list` beside the ones above. */
const SHOWN_LIMITS = [...COMPUTE_LIMITS, 'minUniformBufferOffsetAlignment', 'maxUniformBufferBindingSize'] as const;
const WANTED_FEATURES: GPUFeatureName[] = ['timestamp-query', 'subgroups', 'shader-f16'];

type DawnModule = { create: (flags: string[]) => GPU; globals: Record<string, unknown> };

/**
 * Dawn's instances, kept referenced for the process's life: if the object
 * `create()` returns is collected while work is pending, the process segfaults.
 */
const holder: { gpus: GPU[] } = { gpus: [] };

export interface OpenDevice {
  device: GPUDevice;
  info: AdapterInfo;
  /** Set when the device is lost or an error escaped every scope; the request in hand fails with it. */
  fault: string | null;
}

let adapterPromise: Promise<{ adapter: GPUAdapter; backend: AdapterInfo['backend'] }> | null = null;
let current: OpenDevice | null = null;

async function dawn(): Promise<DawnModule> {
  const mod = (await import('webgpu')) as unknown as DawnModule;
  // GPUBufferUsage, GPUMapMode and friends are globals in a browser; kernels' hosts expect them
  Object.assign(globalThis, mod.globals);
  return mod;
}

/** The adapter: Vulkan (a real GPU, or lavapipe), else OpenGL ES in compatibility mode. */
function findAdapter(): Promise<{ adapter: GPUAdapter; backend: AdapterInfo['backend'] }> {
  adapterPromise ??= (async () => {
    const { create } = await dawn();
    const vk = create(['backend=vulkan', ...DAWN_TOGGLES]);
    holder.gpus.push(vk);
    const a = await vk.requestAdapter({ powerPreference: 'high-performance' });
    if (a) return { adapter: a, backend: 'vulkan' as const };
    process.env.EGL_PLATFORM ??= 'surfaceless';
    const gl = create(['backend=opengles', ...DAWN_TOGGLES]);
    holder.gpus.push(gl);
    const b = await gl.requestAdapter({ featureLevel: 'compatibility' } as GPURequestAdapterOptions);
    if (b) return { adapter: b, backend: 'opengles' as const };
    throw new Error('Dawn found no adapter: no usable Vulkan driver and no OpenGL ES (EGL) driver');
  })();
  return adapterPromise;
}

/** Why the open device can no longer be trusted (lost, or an error escaped every scope), or null. */
export function deviceFault(): string | null {
  return current?.fault ?? null;
}

/** The open device, opening a fresh one when there is none or the last was lost. */
export async function openDevice(): Promise<OpenDevice> {
  if (current && !current.fault) return current;
  if (current) current.device.destroy();
  const { adapter, backend } = await findAdapter();
  const features = WANTED_FEATURES.filter((f) => adapter.features.has(f));
  const requiredLimits: Record<string, number> = {};
  for (const l of COMPUTE_LIMITS) requiredLimits[l] = (adapter.limits as unknown as Record<string, number>)[l]!;
  const device = await adapter.requestDevice({ label: 'assay', requiredFeatures: features, requiredLimits });
  const open: OpenDevice = { device, info: describe(adapter, device, backend), fault: null };
  device.lost.then((l) => {
    if (l.reason !== 'destroyed') open.fault = `the GPU device was lost (${l.reason}): ${l.message}`;
  });
  device.addEventListener('uncapturederror', (ev) => {
    open.fault ??= `GPU error: ${(ev as GPUUncapturedErrorEvent).error.message}`;
  });
  current = open;
  return open;
}

function describe(adapter: GPUAdapter, device: GPUDevice, backend: AdapterInfo['backend']): AdapterInfo {
  const i = adapter.info as GPUAdapterInfo & { subgroupMinSize?: number; subgroupMaxSize?: number; isFallbackAdapter?: boolean };
  const limits: Record<string, number> = {};
  for (const l of SHOWN_LIMITS) limits[l] = (device.limits as unknown as Record<string, number>)[l]!;
  return {
    backend,
    vendor: i.vendor,
    architecture: i.architecture,
    device: i.device,
    description: i.description,
    fallback: Boolean(i.isFallbackAdapter ?? (adapter as { isFallbackAdapter?: boolean }).isFallbackAdapter),
    features: [...device.features].sort(),
    limits,
    ...(i.subgroupMinSize ? { subgroup_sizes: [i.subgroupMinSize, i.subgroupMaxSize ?? i.subgroupMinSize] as [number, number] } : {}),
    timer: device.features.has('timestamp-query') ? 'gpu-timestamp' : 'gpu-submit-wall',
    driver: process.env.ASSAY_WEBGPU_DRIVER ?? 'unknown',
  };
}

/**
 * Runs `f` inside validation and out-of-memory error scopes, and fails with the
 * first error either caught, or with a device fault that arrived meanwhile.
 */
export async function scoped<T>(open: OpenDevice, f: () => Promise<T>): Promise<T> {
  const { device } = open;
  device.pushErrorScope('out-of-memory');
  device.pushErrorScope('validation');
  let value: T;
  try {
    value = await f();
  } finally {
    const validation = await device.popErrorScope();
    const oom = await device.popErrorScope();
    const err = validation ?? oom;
    if (err) throw new Error(`GPU ${validation ? 'validation' : 'out-of-memory'} error: ${err.message.trim()}`);
  }
  if (open.fault) throw new Error(open.fault);
  return value;
}
