// Flags for a speedup that is hard to believe: faster than the machine's
// measured roofline allows for the problem's work model, or more than ten times
// the best built-in variant of the same kind. A flag does not reject: it tells
// a reader to look, because every check passed and the number is still odd.
import { evalQuantity } from '../problem/expr.ts';
import type { ArtifactKind, Problem, ScoreCase, Settings } from '../model/types.ts';
import type { Roofline } from './roofline.ts';

/** More than this many times the best built-in variant is flagged. */
export const EXCESSIVE_OVER_BEST = 10;
/** A speedup whose interval is wider than ±5% is flagged as noisy. */
export const NOISY_REL_CI = 0.05;
/** The bandwidth bound applies to working sets at least this many times the last-level cache. */
const BEYOND_CACHE = 4;

/** The roofline's bound on one call at a point, in ns, and which figure it came from; null where the roofline is unknown. */
export function rooflineNs(problem: Problem, c: ScoreCase, kind: ArtifactKind, settings: Settings, r: Roofline | null): { ns: number; from: string } | null {
  if (!r) return null;
  const gpu = kind === 'wgsl' || (kind === 'onnx' && settings.ep === 'webgpu');
  const flops = evalQuantity(problem.work.flops, c.params);
  const bytes = evalQuantity(problem.work.bytes, c.params);
  const peak = gpu ? r.gpu_gflops : r.cpu_gflops;
  let best: { ns: number; from: string } | null = null;
  if (peak && flops > 0) best = { ns: flops / peak, from: `${(flops / 1e9).toPrecision(3)} GFLOP at the ${gpu ? 'GPU' : 'CPU'}'s measured ${peak.toPrecision(3)} GFLOP/s` };
  if (!gpu && r.cpu_gbps && bytes > BEYOND_CACHE * r.cpu_cache_bytes && r.cpu_cache_bytes > 0) {
    const ns = bytes / r.cpu_gbps;
    if (!best || ns > best.ns) best = { ns, from: `${(bytes / 1e9).toPrecision(3)} GB at the measured ${r.cpu_gbps.toPrecision(3)} GB/s` };
  }
  return best;
}

export function flagsFor(problem: Problem, cases: ScoreCase[], kind: ArtifactKind, settings: Settings, roofline: Roofline | null): { flags: string[]; notes: string[] } {
  const flags = new Set<string>();
  const notes: string[] = [];
  for (const c of cases) {
    const at = Object.entries(c.params).map(([k, v]) => `${k}=${v}`).join(',');
    const bound = rooflineNs(problem, c, kind, settings, roofline);
    if (bound && c.median_ns < bound.ns) {
      flags.add('above-roofline');
      notes.push(`at ${at}: ${c.median_ns.toPrecision(3)} ns per call, under the roofline's ${bound.ns.toPrecision(3)} ns (${bound.from})`);
    }
    if (c.speedup_best !== undefined && c.speedup_best > EXCESSIVE_OVER_BEST) {
      flags.add('excessive-speedup');
      notes.push(`at ${at}: ${c.speedup_best.toPrecision(3)}x the best built-in variant (more than ${EXCESSIVE_OVER_BEST}x)`);
    }
    const half = (c.speedup_ci[1] - c.speedup_ci[0]) / 2 / c.speedup;
    if (half > NOISY_REL_CI) {
      flags.add('noisy');
      notes.push(`at ${at}: the speedup's interval is ±${(half * 100).toFixed(1)}%, wider than ±${NOISY_REL_CI * 100}%`);
    }
  }
  return { flags: [...flags], notes };
}
