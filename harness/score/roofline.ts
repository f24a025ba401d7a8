// The machine's roofline, measured once per machine and kept: the CPU's peak
// arithmetic (every hardware thread running chains of fused multiply-adds) and
// memory bandwidth (a buffer far beyond the caches), and the GPU's peak
// arithmetic, each probed by a small kernel in harness/score/probes/ run in the
// trusted runner. A candidate faster than the roofline of its work model
// allows is flagged: no honest kernel beats the hardware.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { availabilityOf } from '../backends/registry.ts';
import { projectDataDir } from '../model/paths.ts';
import { writeFileAtomic } from '../model/files.ts';
import type { ArtifactKind, Tensors } from '../model/types.ts';
import type { ProblemSignature } from '../runner/protocol.ts';
import type { TrustedRunner } from './trusted.ts';

export interface Roofline {
  cpu_gflops?: number;
  cpu_gbps?: number;
  gpu_gflops?: number;
  /** Bytes the CPU's last-level caches hold; the bandwidth bound applies to working sets well beyond it. */
  cpu_cache_bytes: number;
  measured_at: string;
  /** Why a figure is missing. */
  missing?: string[];
}

const FLOPS_N = 2_000_000;
const BANDWIDTH_N = 64 * 2 ** 20;
const GPU_N = 16384;
const GPU_ITER = 1024;
const SAMPLES = 5;

const probe = (f: string): string => fileURLToPath(new URL(`./probes/${f}`, import.meta.url));
const sig = (name: string, x: Array<string | number>, y: Array<string | number>, n: number): ProblemSignature => ({
  name,
  axes: { n: [n] },
  tensors: [
    { name: 'x', role: 'input', dtype: 'f32', shape: x },
    { name: 'y', role: 'output', dtype: 'f32', shape: y },
  ],
});

/** The last-level cache of cpu0, from sysfs (0 where it is not said). */
function cacheBytes(): number {
  try {
    const dirs = ['index3', 'index2'];
    for (const d of dirs) {
      const t = readFileSync(`/sys/devices/system/cpu/cpu0/cache/${d}/size`, 'utf8').trim();
      const m = /^(\d+)([KMG]?)$/.exec(t);
      if (m) return Number(m[1]) * ({ '': 1, K: 1024, M: 2 ** 20, G: 2 ** 30 } as Record<string, number>)[m[2]!]!;
    }
  } catch {
    /* not said */
  }
  return 0;
}

/** The best of a few timed calls of a probe kernel, in ns per call. */
async function timeProbe(trusted: TrustedRunner, slot: string, kind: ArtifactKind, file: string, s: ProblemSignature, inputs: Tensors): Promise<number> {
  const loaded = await trusted.client.load({ kind, file }, s, slot);
  if (loaded.type === 'failed') throw new Error(loaded.message);
  const b = await trusted.client.bind([inputs], { n: s.axes.n![0]! }, slot);
  if (b.type === 'failed') throw new Error(b.message);
  let best = Infinity;
  for (let i = 0; i < SAMPLES + 1; i++) {
    const r = await trusted.client.time(1, 0, slot);
    if (r.type === 'failed') throw new Error(r.message);
    if (i > 0) best = Math.min(best, kind === 'native' ? r.parentNs : r.ns);
  }
  return best;
}

function cacheFile(cwd: string): string {
  return projectDataDir(cwd, 'score', 'roofline.json');
}

/** Kept per machine id and the probes' sources; measured when absent. Call it holding the measure lock. */
export async function machineRoofline(trusted: TrustedRunner, machine: string, cwd: string): Promise<Roofline> {
  const sources = createHash('sha256');
  for (const f of ['peak-flops.cc', 'peak-bandwidth.cc', 'peak-flops.wgsl']) sources.update(readFileSync(probe(f)));
  const key = `${machine}|${sources.digest('hex').slice(0, 16)}`;
  let kept: Record<string, Roofline> = {};
  try {
    kept = JSON.parse(readFileSync(cacheFile(cwd), 'utf8')) as Record<string, Roofline>;
  } catch {
    /* none kept yet */
  }
  if (kept[key]) return kept[key]!;
  const r: Roofline = { cpu_cache_bytes: cacheBytes(), measured_at: new Date().toISOString(), missing: [] };
  const threads = os.availableParallelism();
  if ((await availabilityOf('native')).ok) {
    try {
      const one = { x: Float32Array.of(1) };
      const ns = await timeProbe(trusted, 'probe:cpu-flops', 'native', probe('peak-flops.cc'), sig('roofline-cpu-flops', [1], [64], FLOPS_N), one);
      r.cpu_gflops = (2 * 8 * 16 * FLOPS_N * threads) / ns;
      const bns = await timeProbe(trusted, 'probe:cpu-bandwidth', 'native', probe('peak-bandwidth.cc'), sig('roofline-cpu-bandwidth', [1], [1], BANDWIDTH_N), one);
      r.cpu_gbps = (4 * BANDWIDTH_N) / bns;
    } catch (e) {
      r.missing!.push(`cpu: the probe failed: ${(e as Error).message.split('\n')[0]}`);
    }
  } else r.missing!.push('cpu: the native backend is unavailable (no compiler or addon), so the CPU probe cannot run');
  if ((await availabilityOf('wgsl')).ok) {
    try {
      const ns = await timeProbe(trusted, 'probe:gpu-flops', 'wgsl', probe('peak-flops.wgsl'), sig('roofline-gpu-flops', ['n'], ['n'], GPU_N), { x: new Float32Array(GPU_N).fill(1) });
      r.gpu_gflops = (2 * 4 * 8 * GPU_ITER * GPU_N) / ns;
    } catch (e) {
      r.missing!.push(`gpu: the probe failed: ${(e as Error).message.split('\n')[0]}`);
    }
  } else r.missing!.push('gpu: WebGPU is unavailable');
  if (!r.missing!.length) delete r.missing;
  try {
    writeFileAtomic(cacheFile(cwd), JSON.stringify({ ...kept, [key]: r }, null, 1));
  } catch {
    /* a read-only project only loses the cache */
  }
  return r;
}
