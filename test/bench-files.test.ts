// Plain benchmarks from *.bench.ts files: discovery under the given paths only,
// checks before measurement, async functions, and filters on case ids.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { run } from '../harness/run/run.ts';
import { findBenchFiles } from '../harness/run/suite.ts';
import { assay, ROOT } from './helpers.ts';

const fixtures = fileURLToPath(new URL('./fixtures/bench/', import.meta.url));
const quick = { budgetS: 0.03, warmupS: 0.01 };

describe('bench files', () => {
  it('finds only *.bench.* files under the given paths', () => {
    const files = findBenchFiles([`${fixtures}ok`]).map((f) => f.slice(fixtures.length));
    expect(files).toEqual(['ok/strings.bench.ts']);
    expect(findBenchFiles([fixtures]).map((f) => f.slice(fixtures.length))).toEqual([
      'broken/syntax.bench.ts',
      'failing/check.bench.ts',
      'ok/strings.bench.ts',
      'tamper/clock.bench.ts',
    ]);
  });

  it('runs just the bench files under the paths, not the built-in problems', async () => {
    const r = await run({ paths: [`${fixtures}ok`], cwd: fixtures, measure: quick });
    expect(r.cases.map((c) => c.id)).toEqual(['ok/strings.bench.ts/join', 'ok/strings.bench.ts/concat loop', 'ok/strings.bench.ts/async resolve']);
    for (const c of r.cases) expect(c.state).toBe('measured');
  });

  it('loads a bench file in a CommonJS project that has Assay installed', () => {
    // a user's project: no "type": "module", Assay in node_modules
    const proj = mkdtempSync(path.join(tmpdir(), 'assay-cjs-'));
    writeFileSync(path.join(proj, 'package.json'), JSON.stringify({ name: 'user-project', type: 'commonjs' }));
    mkdirSync(path.join(proj, 'node_modules'));
    symlinkSync(ROOT, path.join(proj, 'node_modules', 'assay'), 'dir');
    writeFileSync(
      path.join(proj, 'sum.bench.ts'),
      "import { bench } from 'assay';\nconst xs = Array.from({ length: 1000 }, (_, i) => i);\n" +
        "bench('reduce', () => xs.reduce((a, b) => a + b, 0), { check: (s) => s === 499500 });\n",
    );
    try {
      // through the CLI, so the bench file goes through the same loader a user's does
      const r = assay(['run', '.', '--time', '0.05', '--json', '-', '--no-samples'], { cwd: proj });
      expect(r.stderr).toMatch(/1 cases: 1 measured/);
      expect(JSON.parse(r.stdout).cases.map((c: { id: string; state: string }) => [c.id, c.state])).toEqual([['sum.bench.ts/reduce', 'measured']]);
    } finally {
      rmSync(proj, { recursive: true, force: true });
    }
  });

  it('measures an async function by awaiting it inside the timed region', async () => {
    const r = await run({ paths: [`${fixtures}ok`], filters: ['async'], cwd: fixtures, measure: quick });
    expect(r.cases).toHaveLength(1);
    const c = r.cases[0]!;
    // a resolved promise plus an await costs tens of ns at least; a sync read of the function would be ~1 ns
    expect(c.state === 'measured' && c.stats.median).toBeGreaterThan(5);
  });

  it('fails a case whose check rejects the result, and one that throws, without measuring them', async () => {
    const r = await run({ paths: [`${fixtures}failing`], cwd: fixtures, measure: quick });
    const byName = Object.fromEntries(r.cases.map((c) => [c.variant, c]));
    expect(byName['passes']?.state).toBe('measured');
    expect(byName['wrong result']).toMatchObject({ state: 'failed', error: expect.stringMatching(/check failed: expected 1 first/) });
    expect(byName['throws']).toMatchObject({ state: 'failed', error: expect.stringMatching(/boom/) });
  });
});
