// The machine fingerprint: what hardware and software a run was taken on, and a
// machine id that is stable across runs on one machine and differs between
// machines, so that baselines are only compared where their numbers mean the same.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { UsageError } from '../model/errors.ts';
import type { MachineInfo } from '../model/types.ts';
import { measuringClock } from '../measure/clock.ts';
import { counterProbe } from '../addon/addon.ts';

/** The packages whose versions change what the numbers mean. */
const KEY_PACKAGES = ['tinybench', 'tsx', 'webgpu', 'onnxruntime-node', 'node-addon-api', 'cmake-js'] as const;
/** CPU flags worth recording: they decide what vector code a native build uses. */
const KEY_CPU_FLAGS = ['sse4_2', 'avx', 'avx2', 'fma', 'avx512f', 'avx512bw', 'avx512vl', 'avx512_vnni', 'neon', 'asimd'];

function readText(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

function distro(): string | undefined {
  const rel = readText('/etc/os-release');
  return rel?.match(/^PRETTY_NAME="?([^"\n]*)"?/m)?.[1];
}

function cpuFlags(): string[] | undefined {
  const info = readText('/proc/cpuinfo');
  const line = info?.match(/^(?:flags|Features)\s*:\s*(.*)$/m)?.[1];
  if (!line) return undefined;
  const have = new Set(line.split(/\s+/));
  return KEY_CPU_FLAGS.filter((f) => have.has(f));
}

/** The installed version of a package, or null where it is not installed. */
export function packageVersion(name: string): string | null {
  const require = createRequire(import.meta.url);
  try {
    const pkg = require(`${name}/package.json`) as { version?: string };
    return pkg.version ?? null;
  } catch {
    // packages whose exports hide package.json: find it beside the entry point
    try {
      let dir = require.resolve(name);
      for (let i = 0; i < 6; i++) {
        dir = dir.slice(0, dir.lastIndexOf('/'));
        const text = readText(`${dir}/package.json`);
        if (text) {
          const pkg = JSON.parse(text) as { name?: string; version?: string };
          if (pkg.name === name) return pkg.version ?? null;
        }
      }
    } catch {
      /* not installed */
    }
    return null;
  }
}

/** The host's persistent identity: systemd's machine id where there is one, else the hostname. */
function hostIdentity(): string {
  for (const p of ['/etc/machine-id', '/var/lib/dbus/machine-id']) {
    const id = readText(p)?.trim();
    if (id) return id;
  }
  return os.hostname();
}

/**
 * The machine id: a readable prefix (platform, arch, cores) and a hash of the
 * host identity and the hardware. A changed CPU, core count or memory size
 * gives a new id, because old numbers no longer compare.
 */
export function machineId(parts: { cpu: string; cores: number; memory: number; arch: string; platform: string; host: string }): string {
  const memGiB = Math.round(parts.memory / 2 ** 30);
  const hash = createHash('sha256')
    .update([parts.host, parts.cpu, parts.cores, memGiB, parts.arch, parts.platform].join('\n'))
    .digest('hex')
    .slice(0, 12);
  return `${parts.platform}-${parts.arch}-${parts.cores}c-${hash}`;
}

/**
 * A machine id set by the user with ASSAY_MACHINE_ID: a fleet of identical CI
 * runners can share one name (and so one set of baselines), or clones of one
 * image can be told apart. It names a folder, so it is kept to safe characters.
 */
function configuredMachineId(): string | null {
  const v = process.env.ASSAY_MACHINE_ID?.trim();
  if (!v) return null;
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(v) || v.startsWith('.')) {
    throw new UsageError(`ASSAY_MACHINE_ID="${v}" is not a valid machine id: use 1 to 64 letters, digits, dots, dashes or underscores, not starting with a dot`);
  }
  return v;
}

let cached: MachineInfo | null = null;
/** The GPU adapter, once the WebGPU backend has found one; null until then (finding it costs a GPU process). */
let gpu: Record<string, unknown> | null = null;

/** Records the adapter the WebGPU backend found, so the run's environment names the GPU its numbers came from. */
export function noteGpu(info: Record<string, unknown>): void {
  gpu = info;
}

/** The fingerprint with `gpu` read when it is serialised, so a run records the adapter found while it ran. */
function withLiveGpu(m: MachineInfo): MachineInfo {
  const { gpu: _ignored, ...rest } = m;
  return Object.defineProperty(rest, 'gpu', { get: () => gpu, enumerable: true }) as MachineInfo;
}

/** Captures the machine fingerprint (once per process). */
export function captureMachine(): MachineInfo {
  if (cached) return withLiveGpu({ ...cached, clock: measuringClock().name });
  const cpus = os.cpus();
  const model = (cpus[0]?.model ?? 'unknown').trim();
  const cores = cpus.length;
  const memory = os.totalmem();
  const packages: Record<string, string | null> = {};
  for (const p of KEY_PACKAGES) packages[p] = packageVersion(p);
  const flags = cpuFlags();
  const osInfo: MachineInfo['os'] = { platform: process.platform, release: os.release(), arch: process.arch };
  const d = distro();
  if (d) osInfo.distro = d;
  cached = {
    id: configuredMachineId() ?? machineId({ cpu: model, cores, memory, arch: process.arch, platform: process.platform, host: hostIdentity() }),
    hostname: os.hostname(),
    cpu: { model, cores, speed_mhz: cpus[0]?.speed ?? 0, ...(flags ? { flags } : {}) },
    memory_bytes: memory,
    os: osInfo,
    node: process.version,
    v8: process.versions.v8,
    packages,
    gpu: null,
    clock: measuringClock().name,
    counters: counterProbe(),
  };
  return withLiveGpu(cached);
}
