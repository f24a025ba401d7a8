// `assay model` on generated models: a symbolic batch (defaulted and overridden),
// a static image shape, and int64/bool inputs. Its JSON is a RunResult like
// `assay run`'s, with onnx cases whose settings and details a baseline can use.
import { describe, expect, it } from 'vitest';
import { assay } from './helpers.ts';

const M = 'test/fixtures/models';

function model(args: string[]): { code: number | null; run: any; stderr: string } {
  const r = assay(['model', ...args, '--time', '0.05', '--no-samples', '--json', '-']);
  return { code: r.code, run: r.code === 0 ? JSON.parse(r.stdout) : null, stderr: r.stderr };
}

describe('assay model', () => {
  it('a symbolic batch defaults to 1; every thread count and opt level is a case of a RunResult', () => {
    const { code, run, stderr } = model([`${M}/mlp.onnx`, '--threads', '1,2', '--opt-level', 'disabled,all']);
    expect(code, stderr).toBe(0);
    expect(run.schema).toBe(1);
    expect(run.machine.id).toEqual(expect.any(String));
    expect(run.config).toMatchObject({ budget_s: 0.05, backends: ['onnx'], paths: [`${M}/mlp.onnx`] });
    expect(run.cases).toHaveLength(4);
    expect(run.cases.map((c: any) => c.settings)).toEqual([
      { ep: 'cpu', threads: 1, opt: 'disabled' },
      { ep: 'cpu', threads: 1, opt: 'all' },
      { ep: 'cpu', threads: 2, opt: 'disabled' },
      { ep: 'cpu', threads: 2, opt: 'all' },
    ]);
    for (const c of run.cases) {
      expect(c).toMatchObject({ problem: `${M}/mlp.onnx`, variant: 'mlp.onnx', kind: 'onnx', params: { batch: 1 }, state: 'measured' });
      expect(c.id).toBe(`${M}/mlp.onnx[batch=1,ep=cpu,threads=${c.settings.threads},opt=${c.settings.opt}]`);
      expect(c.stats.median).toBeGreaterThan(0);
      expect(c.stats.p99).toBeGreaterThanOrEqual(c.stats.median);
      expect(c.details).toMatchObject({ inputs: 'input: float32[1x128]', defaulted_dims: expect.stringContaining('batch=1') });
      for (const k of ['session_ms', 'first_run_ms', 'peak_rss_mb']) expect(c.details[k], k).toBeGreaterThan(0);
      expect(c.details.inferences_per_s).toBeCloseTo(1e9 / c.stats.median, 0);
    }
    // the readable table goes to stderr when stdout carries the JSON
    expect(stderr).toMatch(/inferences\/s/);
    expect(stderr).toMatch(/defaults: batch=1/);
  });

  it('--shape sets a symbolic dimension, and the inputs follow it', () => {
    const { code, run, stderr } = model([`${M}/mlp.onnx`, '--threads', '1', '--shape', 'batch=8']);
    expect(code, stderr).toBe(0);
    expect(run.cases).toHaveLength(1);
    expect(run.cases[0]).toMatchObject({ params: { batch: 8 }, settings: { ep: 'cpu', threads: 1, opt: 'all' }, details: { inputs: 'input: float32[8x128]' } });
    expect(run.cases[0].details.defaulted_dims).toBeUndefined();
  });

  it('a static model has no params, and int64/bool inputs are synthesized', () => {
    const conv = model([`${M}/convnet.onnx`, '--threads', '1']);
    expect(conv.code, conv.stderr).toBe(0);
    expect(conv.run.cases[0]).toMatchObject({ params: {}, state: 'measured', details: { inputs: 'image: float32[1x3x32x32]' } });
    const mixed = model([`${M}/mixed-inputs.onnx`, '--threads', '1', '--shape', 'ids=2x16']);
    expect(mixed.code, mixed.stderr).toBe(0);
    expect(mixed.run.cases[0]).toMatchObject({ params: { batch: 2, seq: 16 }, state: 'measured', details: { inputs: 'ids: int64[2x16], mask: bool[2x16]' } });
  });

  it('prints a table with latency, CI, p99, throughput, session time and peak RSS', () => {
    const r = assay(['model', `${M}/convnet.onnx`, '--threads', '1', '--time', '0.05']);
    expect(r.code, r.stderr).toBe(0);
    const header = r.stdout.split('\n').find((l) => l.includes('median'))!;
    for (const col of ['ep', 'threads', 'opt', 'median', '95% CI of median', 'p99', 'inferences/s', 'session', 'first run', 'peak RSS']) expect(header).toContain(col);
    expect(r.stdout).toMatch(/cpu\s+1\s+all\s+[\d.]+ µs/);
    expect(r.stdout).toMatch(/MiB/);
  });
});
