// Synthetic run results for the comparison tests: seeded samples with known
// shifts, in the RunResult shape that `assay run --json` writes.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { CaseResult, MachineInfo, RunResult } from '../harness/model/types.ts';
import { createRng } from '../harness/stats/random.ts';
import { summarize } from '../harness/stats/summary.ts';

/** n samples around `center` with lognormal noise of relative spread `sd`. */
export function noisy(seed: number, n: number, center: number, sd = 0.01): number[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => {
    // Box-Muller
    const z = Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
    return center * Math.exp(sd * z);
  });
}

export function machine(id: string, over: Partial<MachineInfo> = {}): MachineInfo {
  return {
    id,
    hostname: 'bench-host',
    cpu: { model: 'Test CPU 3000', cores: 2, speed_mhz: 3000 },
    memory_bytes: 24 * 2 ** 30,
    os: { platform: 'linux', release: '6.1.0', arch: 'x64' },
    node: 'v20.20.2',
    v8: '11.3',
    packages: {},
    clock: 'process.hrtime.bigint',
    ...over,
  };
}

export function measuredCase(id: string, samples: number[]): CaseResult {
  return { id, problem: 'synthetic', variant: id, kind: 'js', params: {}, state: 'measured', stats: { unit: 'ns', ...summarize(samples), batch: 1, stop: 'converged', noisy: false, samples } };
}

export function runOf(cases: CaseResult[], machineId = 'test-machine'): RunResult {
  return {
    schema: 1,
    tool: { name: 'assay', version: '0.1.0' },
    started_at: '2026-01-01T00:00:00.000Z',
    finished_at: '2026-01-01T00:00:01.000Z',
    machine: machine(machineId),
    git: { sha: null, dirty: null },
    config: { budget_s: 1, warmup_s: 0.1, target_rel_ci: 0.01, min_samples: 10, backends: ['js'], problems: null, paths: [], filters: [] },
    cases,
  };
}

/** A temporary folder with the given files (objects are written as JSON). */
export function tempFiles(files: Record<string, unknown>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'assay-cmp-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(path.join(dir, name), typeof content === 'string' ? content : JSON.stringify(content));
  return dir;
}

/** Base and head runs: `steady` unchanged, `regressed` 10% slower, `improved` 10% faster. */
export function baseAndHead(machineId = 'test-machine'): { base: RunResult; head: RunResult } {
  const base = runOf([measuredCase('steady', noisy(1, 200, 1000)), measuredCase('regressed', noisy(2, 200, 5000)), measuredCase('improved', noisy(3, 200, 300))], machineId);
  const head = runOf([measuredCase('steady', noisy(11, 200, 1000)), measuredCase('regressed', noisy(12, 200, 5500)), measuredCase('improved', noisy(13, 200, 270))], machineId);
  return { base, head };
}
