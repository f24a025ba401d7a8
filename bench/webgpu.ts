// `npm run bench:webgpu`: optimized against straightforward WGSL kernels, side by
// side in one process on the adapter at hand. For each pair both kernels are bound
// to the same seeded inputs and their GPU-timed samples are interleaved (A B A B),
// so that load on the machine hits both alike; the ratio of medians is printed
// with a bootstrap CI. Prints a markdown table for docs/results.md.
import path from 'node:path';
import { webgpuBackend } from '../harness/backends/webgpu/webgpu-backend.ts';
import type { BoundKernel } from '../harness/backends/backend.ts';
import { allocateTensors, generateInputs, publicSeed } from '../harness/problem/define.ts';
import { builtinKernelsDir, loadProblem } from '../harness/run/suite.ts';
import type { Params } from '../harness/model/types.ts';
import { createRng } from '../harness/stats/random.ts';

/** Samples per kernel; each sample is one batch of `iterations` back-to-back dispatches. */
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 15);
/** Each sample should take about this long, so that per-submit costs do not dominate. */
const TARGET_SAMPLE_NS = 20e6;
const BOOTSTRAP = 2000;

const PAIRS: Array<{ problem: string; params: Params; base: string; optimized: string }> = [
  { problem: 'matmul', params: { n: 512 }, base: 'naive.wgsl', optimized: 'tiled.wgsl' },
  { problem: 'matmul', params: { n: 512 }, base: 'naive.wgsl', optimized: 'register-blocked.wgsl' },
  { problem: 'matmul', params: { n: 128 }, base: 'naive.wgsl', optimized: 'tiled.wgsl' },
  { problem: 'matmul', params: { n: 128 }, base: 'naive.wgsl', optimized: 'register-blocked.wgsl' },
  { problem: 'reduce-sum', params: { n: 1048573 }, base: 'naive.wgsl', optimized: 'tree.wgsl' },
  { problem: 'reduce-sum', params: { n: 1000 }, base: 'naive.wgsl', optimized: 'tree.wgsl' },
].filter((p) => !process.env.BENCH_FILTER || `${p.problem}[${Object.entries(p.params).map(([k, v]) => `${k}=${v}`).join(',')}]`.includes(process.env.BENCH_FILTER));

type Timed = Extract<BoundKernel, { mode: 'timed' }>;

async function bindVariant(problem: string, file: string, params: Params): Promise<Timed> {
  const lp = await loadProblem(path.join(builtinKernelsDir(), problem, 'problem.ts'));
  const k = await webgpuBackend.prepare(path.resolve(lp.problem.dir, file), { problem: lp.problem });
  const inputs = generateInputs(lp.problem, params, publicSeed(problem, params));
  const bound = await k.bind!(inputs, allocateTensors(lp.problem, params, 'output'), params);
  if (bound.mode !== 'timed') throw new Error('the wgsl backend binds timed kernels');
  return bound;
}

function median(xs: number[]): number {
  const s = [...xs].sort((p, q) => p - q);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Bootstrap 95% CI of median(base) / median(optimized). */
function ratioCI(base: number[], opt: number[]): [number, number] {
  const rng = createRng(12345);
  const pick = (xs: number[]): number[] => xs.map(() => xs[rng.int(xs.length)]!);
  const rs: number[] = [];
  for (let i = 0; i < BOOTSTRAP; i++) rs.push(median(pick(base)) / median(pick(opt)));
  rs.sort((p, q) => p - q);
  return [rs[Math.floor(0.025 * BOOTSTRAP)]!, rs[Math.floor(0.975 * BOOTSTRAP)]!];
}

async function main(): Promise<void> {
  const avail = await webgpuBackend.availability();
  if (!avail.ok) {
    process.stderr.write(`bench:webgpu: no WebGPU adapter: ${avail.detail}\n`);
    process.exit(3);
  }
  const fmt = (ns: number): string => (ns >= 1e6 ? `${(ns / 1e6).toFixed(2)} ms` : `${(ns / 1e3).toFixed(1)} µs`);
  const rows = [
    `Adapter: ${avail.detail}`,
    '',
    '| problem | point | straightforward | optimized | speedup (95% CI) | timer |',
    '|---|---|---|---|---|---|',
  ];
  for (const pair of PAIRS) {
    const a = await bindVariant(pair.problem, process.env.BENCH_BASE ?? pair.base, pair.params);
    const b = await bindVariant(pair.problem, process.env.BENCH_OPTIMIZED ?? pair.optimized, pair.params);
    // one warm-up call each, then a batch size that makes a sample about TARGET_SAMPLE_NS
    const ka = Math.max(1, Math.round(TARGET_SAMPLE_NS / (await a.time(1))));
    const kb = Math.max(1, Math.round(TARGET_SAMPLE_NS / (await b.time(1))));
    const sa: number[] = [];
    const sb: number[] = [];
    for (let i = 0; i < SAMPLES; i++) {
      sa.push((await a.time(ka)) / ka);
      sb.push((await b.time(kb)) / kb);
    }
    await a.release?.();
    await b.release?.();
    const ma = median(sa);
    const mb = median(sb);
    const [lo, hi] = ratioCI(sa, sb);
    const point = Object.entries(pair.params).map(([k, v]) => `${k}=${v}`).join(',');
    rows.push(`| ${pair.problem} | ${point} | ${pair.base} ${fmt(ma)} | ${pair.optimized} ${fmt(mb)} | **${(ma / mb).toFixed(2)}×** (${lo.toFixed(2)}–${hi.toFixed(2)}) | ${a.timer} |`);
  }
  process.stdout.write(`${rows.join('\n')}\n`);
}

await main();
