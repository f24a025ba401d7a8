// Seeded history for the history store, nightly, report and bench tests: RunResults
// of a given machine, sha and night, whose cases' samples are drawn around
// given medians. The numbers are seeded inputs, not expected results.
import type { CaseResult, MachineInfo, RunResult } from '../harness/model/types.ts';
import { summarize } from '../harness/stats/summary.ts';
import { createRng } from '../harness/stats/random.ts';

export function machine(id = 'test-machine'): MachineInfo {
  return {
    id,
    hostname: `${id}.local`,
    cpu: { model: 'Test CPU', cores: 2, speed_mhz: 2000 },
    memory_bytes: 8 * 2 ** 30,
    os: { platform: 'linux', release: '6.1', arch: 'x64' },
    node: 'v20.20.2',
    v8: '11.3',
    packages: {},
    clock: 'hrtime',
  };
}

export interface CaseSpec {
  id: string;
  /** The median to draw samples around, in ns; null for a failed case. */
  median: number | null;
  problem?: string;
  variant?: string;
  kind?: CaseResult['kind'];
}

/** The axis values in a case id's brackets: `a/b.ts[n=64]` -> { n: 64 }. */
function paramsOf(id: string): Record<string, number> {
  const inner = id.match(/\[(.*)\]$/)?.[1] ?? '';
  return Object.fromEntries(inner.split(/[ ,]+/).filter(Boolean).map((kv) => [kv.split('=')[0]!, Number(kv.split('=')[1])]));
}

/** A measured (or failed) case whose samples lie within ±`spread` of `median`. */
export function caseResult(c: CaseSpec, seed: number, samples = 15, spread = 0.003): CaseResult {
  const ref = {
    id: c.id,
    problem: c.problem ?? c.id.split('/')[0]!,
    variant: c.variant ?? c.id.split('/')[1]?.split('[')[0] ?? 'v',
    kind: c.kind ?? 'js',
    params: paramsOf(c.id),
  };
  if (c.median === null) return { ...ref, state: 'failed', error: 'verification failed at element 3', stage: 'verify' };
  const rng = createRng(seed);
  const xs = Array.from({ length: samples }, () => c.median! * (1 + spread * (2 * rng.next() - 1)));
  return { ...ref, state: 'measured', timer: 'hrtime', stats: { unit: 'ns', batch: 10, stop: 'converged', noisy: false, ...summarize(xs, { resamples: 200 }), samples: xs } };
}

/** One run on `machineId` at `at`, of sha `sha`. */
export function syntheticRun(o: { machine?: string; sha: string; at: Date; cases: CaseSpec[]; seed?: number; samples?: number; branch?: string }): RunResult {
  const seed = o.seed ?? Math.floor(o.at.getTime() / 1000);
  return {
    schema: 1,
    tool: { name: 'assay', version: '0.1.0' },
    started_at: o.at.toISOString(),
    finished_at: new Date(o.at.getTime() + 60_000).toISOString(),
    machine: machine(o.machine),
    git: { sha: o.sha, dirty: false, branch: o.branch ?? 'main' },
    config: { budget_s: 0.5, warmup_s: 0.05, target_rel_ci: 0.01, min_samples: 10, backends: ['js'], problems: null, paths: [], filters: [] },
    cases: o.cases.map((c, i) => caseResult(c, seed * 31 + i, o.samples)),
  };
}

/** A 40-hex-digit sha for night i, stable across runs. */
export function shaOf(i: number): string {
  return (i * 2654435761 >>> 0).toString(16).padStart(8, '0').repeat(5);
}

/**
 * `nights` nightly runs of `caseCount` cases, one a day from `start`: each case's
 * median moves by 0.5% noise (seeded), and `steps` make chosen cases slower from
 * a chosen night on.
 */
export function nightlyHistory(o: { nights: number; caseCount: number; start?: Date; machine?: string; samples?: number; steps?: Array<{ case: number; night: number; factor: number }>; seed?: number }): RunResult[] {
  const start = o.start ?? new Date('2025-01-01T02:00:00Z');
  const rng = createRng(o.seed ?? 7);
  const problems = ['matmul', 'saxpy', 'softmax', 'reduce', 'conv'];
  const kinds: Array<CaseResult['kind']> = ['js', 'native', 'wgsl', 'onnx'];
  const base = Array.from({ length: o.caseCount }, (_, i) => 1000 * (1 + (i % 17)) * (1 + rng.next()));
  const runs: RunResult[] = [];
  for (let night = 0; night < o.nights; night++) {
    const at = new Date(start.getTime() + night * 86_400_000);
    const cases: CaseSpec[] = base.map((m, i) => {
      let f = 1;
      for (const s of o.steps ?? []) if (s.case === i && night >= s.night) f *= s.factor;
      const problem = problems[i % problems.length]!;
      const kind = kinds[Math.floor(i / problems.length) % kinds.length]!;
      const ext = { js: 'ts', native: 'cc', wgsl: 'wgsl', onnx: 'onnx' }[kind];
      return { id: `${problem}/v${i}.${ext}[n=${64 << (i % 4)}]`, problem, variant: `v${i}.${ext}`, kind, median: m * f * (1 + 0.005 * (2 * rng.next() - 1)) };
    });
    const run: RunResult = syntheticRun({ sha: shaOf(night), at, cases, seed: night + 1, ...(o.machine ? { machine: o.machine } : {}), ...(o.samples ? { samples: o.samples } : {}) });
    runs.push(run);
  }
  return runs;
}
