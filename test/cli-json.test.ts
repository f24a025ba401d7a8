// The shape of `assay run --json`, `assay env` and `assay problem show --json`:
// the contracts other tools and scripts build on.
import { describe, expect, it } from 'vitest';
import { assay } from './helpers.ts';

describe('JSON outputs', () => {
  it('run --json - writes a RunResult to stdout and the table to stderr', () => {
    const r = assay(['run', 'test/fixtures/bench/ok', '--time', '0.05', '--json', '-']);
    expect(r.code).toBe(0);
    const run = JSON.parse(r.stdout);
    expect(run.schema).toBe(1);
    expect(run.machine).toMatchObject({ id: expect.any(String), cpu: { model: expect.any(String), cores: expect.any(Number) }, node: process.version });
    expect(run.machine.memory_bytes).toBeGreaterThan(0);
    expect(run.git).toHaveProperty('sha');
    expect(run.git).toHaveProperty('dirty');
    expect(run.config).toMatchObject({ budget_s: 0.05, min_samples: 10, target_rel_ci: 0.01 });
    expect(run.cases).toHaveLength(3);
    for (const c of run.cases) {
      expect(c).toMatchObject({ id: expect.any(String), problem: expect.any(String), variant: expect.any(String), kind: 'js', params: {}, state: 'measured' });
      const s = c.stats;
      for (const k of ['n', 'batch', 'median', 'mean', 'min', 'max', 'p99', 'mad', 'rel_ci_half_width']) expect(typeof s[k], k).toBe('number');
      expect(s.unit).toBe('ns');
      expect(s.ci).toHaveLength(2);
      expect(s.min).toBeLessThanOrEqual(s.median);
      expect(s.median).toBeLessThanOrEqual(s.max);
      expect(s.samples).toHaveLength(s.n);
      // the reported CI is the one the stopping rule saw: noisy exactly when it is wider than the target
      expect(s.noisy).toBe(s.rel_ci_half_width > run.config.target_rel_ci);
      expect(s.noisy).toBe(s.stop !== 'converged');
      expect(Object.keys(s.outliers).sort()).toEqual(['high_mild', 'high_severe', 'low_mild', 'low_severe']);
    }
    expect(r.stderr).toMatch(/3 cases: 3 measured/);
  });

  it('run on a built-in problem carries throughput, verification and speedup', () => {
    const r = assay(['run', '--problem', 'saxpy', 'n=1000', '--time', '0.05', '--json', '-', '--no-samples']);
    expect(r.code).toBe(0);
    const run = JSON.parse(r.stdout);
    const ref = run.cases.find((c: { variant: string }) => c.variant === 'reference.ts');
    expect(ref.id).toBe('saxpy/reference.ts[n=1000]');
    expect(ref.stats.samples).toBeUndefined();
    // every variant's speedup is the reference's median over its own, at the same point
    type C = { variant: string; params: { n: number }; speedup: number; stats: { median: number } };
    for (const c of run.cases as C[]) {
      const refAt = (run.cases as C[]).find((x) => x.variant === 'reference.ts' && x.params.n === c.params.n)!;
      expect(c.speedup).toBeCloseTo(refAt.stats.median / c.stats.median, 9);
    }
    expect(new Set(run.cases.map((c: { speedup: number }) => c.speedup)).size).toBeGreaterThan(1);
    for (const c of run.cases) {
      expect(c.state).toBe('measured');
      expect(c.stats.throughput.gflops).toBeGreaterThan(0);
      expect(c.stats.throughput.gbps).toBeGreaterThan(0);
      expect(c.stats.verify).toMatchObject({ passed: true, points: 2 });
    }
  });

  it('env prints the fingerprint, and the machine id is stable across runs', () => {
    const a = JSON.parse(assay(['env']).stdout);
    const b = JSON.parse(assay(['env']).stdout);
    expect(a.machine.id).toBe(b.machine.id);
    expect(a.machine.id).toMatch(/^linux-x64-\d+c-[0-9a-f]{12}$/);
    expect(a.machine.packages.tinybench).toMatch(/^\d+\.\d+\.\d+/);
    expect(a.machine.v8).toBe(process.versions.v8);
    expect(a.machine.os.platform).toBe(process.platform);
  });

  it('ASSAY_MACHINE_ID names the machine, and a bad one is a usage error', () => {
    expect(JSON.parse(assay(['env'], { env: { ASSAY_MACHINE_ID: 'ci-runner-large' } }).stdout).machine.id).toBe('ci-runner-large');
    const bad = assay(['env'], { env: { ASSAY_MACHINE_ID: '../etc' } });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/ASSAY_MACHINE_ID="..\/etc" is not a valid machine id/);
  });

  it('problem show --json gives tensors, axes, tolerance and work model', () => {
    const r = assay(['problem', 'show', 'matmul', '--json']);
    expect(r.code).toBe(0);
    const p = JSON.parse(r.stdout);
    expect(p.name).toBe('matmul');
    expect(p.axes.n.length).toBeGreaterThanOrEqual(2);
    expect(p.tensors.map((t: { name: string; role: string }) => `${t.role}:${t.name}`)).toEqual(['input:a', 'input:b', 'output:c']);
    expect(p.tolerance.reason.length).toBeGreaterThan(10);
    expect(p.work.at[0].flops).toBe(2 * p.axes.n[0] ** 3);
    expect(p.variants.some((v: { reference: boolean }) => v.reference)).toBe(true);
  });
});
