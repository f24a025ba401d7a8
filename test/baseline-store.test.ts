// Baselines end to end: run --save-baseline writes baselines/<machine>/NAME.json
// with raw samples; list, show, run --baseline and delete use it; a baseline
// from another machine is refused with how the machines differ, unless allowed.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { assay } from './helpers.ts';

describe('baselines', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'assay-baselines-'));
  const envA = { ASSAY_BASELINES_DIR: root, ASSAY_MACHINE_ID: 'machine-a', GITHUB_ACTIONS: 'false' };
  const envB = { ...envA, ASSAY_MACHINE_ID: 'machine-b' };
  const file = path.join(root, 'machine-a', 'main.json');
  const QUICK = ['test/fixtures/bench/ok', '--time', '0.05'];

  it('saves a run with its raw samples, even with --no-samples', () => {
    const r = assay(['run', ...QUICK, '--save-baseline', 'main', '--no-samples'], { env: envA });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/saved baseline "main" to .*machine-a\/main\.json/);
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    expect(doc).toMatchObject({ schema: 1, baseline: { name: 'main' }, machine: { id: 'machine-a' } });
    expect(doc.cases).toHaveLength(3);
    for (const c of doc.cases) expect(c.stats.samples.length).toBe(c.stats.n);
    expect(assay(['run', ...QUICK, '--save-baseline', '../evil'], { env: envA }).code).toBe(2);
  });

  it('lists and shows it', () => {
    const list = assay(['baseline', 'list'], { env: envA });
    expect(list.stdout).toMatch(/^main\s+this machine\s+3 cases, saved /m);
    const show = assay(['baseline', 'show', 'main'], { env: envA });
    expect(show.code).toBe(0);
    expect(show.stdout).toMatch(/baseline "main"/);
    expect(show.stdout).toMatch(/concat loop/);
  });

  it('run --baseline prints verdicts for every case after the run table', () => {
    const r = assay(['run', ...QUICK, '--baseline', 'main', '--fail-on', 'failed'], { env: envA });
    expect(r.code).toBe(0);
    const table = r.stdout.slice(r.stdout.indexOf('this run against baseline main'));
    expect(r.stdout.indexOf('3 cases: 3 measured')).toBeLessThan(r.stdout.indexOf('this run against baseline main'));
    for (const name of ['join', 'concat loop', 'async resolve']) expect(table).toMatch(new RegExp(`strings\\.bench\\.ts/${name}\\s.*(same|slower|faster|inconclusive)`));
    // with the run's JSON on stdout, the verdicts go to stderr
    const json = assay(['run', ...QUICK, '--baseline', 'main', '--fail-on', 'failed', '--json', '-', '--no-samples'], { env: envA });
    expect(JSON.parse(json.stdout).cases).toHaveLength(3);
    expect(json.stderr).toMatch(/this run against baseline main/);
  });

  it('refuses a baseline from another machine, saying how the machines differ; --allow-machine-mismatch overrides', () => {
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    doc.machine.cpu.model = 'Other CPU 9000';
    doc.machine.node = 'v18.0.0';
    writeFileSync(file, JSON.stringify(doc));
    const head = path.join(root, 'head.json');
    const h = assay(['run', ...QUICK, '--json', head], { env: envB });
    expect(h.code).toBe(0);
    const r = assay(['compare', 'main', head], { env: envB });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/baseline "main" .* was taken on machine machine-a, and this comparison is against machine machine-b/);
    expect(r.stderr).toMatch(/cpu model: "Other CPU 9000" vs "/);
    expect(r.stderr).toContain(`node: "v18.0.0" vs "${process.version}"`);
    expect(r.stderr).toMatch(/--allow-machine-mismatch/);
    expect(assay(['run', ...QUICK, '--baseline', 'main'], { env: envB }).code).toBe(2);
    const ok = assay(['compare', 'main', head, '--allow-machine-mismatch', '--fail-on', 'failed'], { env: envB });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/3 cases: /);
  });

  it('deletes it', () => {
    const r = assay(['baseline', 'delete', 'main'], { env: envA });
    expect(r.code).toBe(0);
    expect(existsSync(file)).toBe(false);
    expect(assay(['baseline', 'delete', 'main'], { env: envA }).code).toBe(2);
  });
});
