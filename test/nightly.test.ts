// `assay nightly` end to end on a bench file, with a real SQLite store: the
// first night says the history is too short; with an imported flat history a
// night finds nothing new (exit 0); with an imported history in which the case
// got twice as slow three nights ago, tonight's night confirms the change and
// reports it as a new regression with its two shas (exit 1); a corrupt store is
// exit 2 before anything is measured.
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../harness/store/history/sqlite.ts';
import { analyzeSeries } from '../harness/stats/series-changes.ts';
import { shaOf, syntheticRun } from './history-fixtures.ts';
import { assay } from './helpers.ts';

const BENCH = `import { bench } from 'assay';
function spin(n: number): number {
  let x = 0x9e3779b9 | 0;
  for (let i = 0; i < n; i++) { x ^= x << 13; x ^= x >>> 17; x ^= x << 5; }
  return x;
}
bench('alpha', () => spin(3000));
bench('beta', () => spin(1000));
`;

describe('assay nightly', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'assay-nightly-'));
  writeFileSync(path.join(dir, 'work.bench.ts'), BENCH);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const env = { ASSAY_MACHINE_ID: 'nightly-test', GITHUB_ACTIONS: 'false', CI: '1' };
  const run = (args: string[]): ReturnType<typeof assay> => assay(args, { cwd: dir, env });
  const nightly = (db: string, ...more: string[]): ReturnType<typeof assay> => run(['nightly', 'work.bench.ts', '--time', '0.05', '--db', db, ...more]);

  /** Writes `nights` RunResult files of this machine, ending a day ago, with each case's median from `median(case, night)`. */
  function history(folder: string, nights: number, median: (c: 'alpha' | 'beta', night: number) => number): void {
    mkdirSync(path.join(dir, folder));
    const now = Date.now();
    for (let i = 0; i < nights; i++) {
      const at = new Date(now - (nights - i) * 86_400_000);
      const cases = (['alpha', 'beta'] as const).map((c) => ({ id: `work.bench.ts/${c}`, median: median(c, i) * (1 + 0.003 * Math.sin(i * 7.1 + c.length)) }));
      writeFileSync(path.join(dir, folder, `night-${String(i).padStart(2, '0')}.json`), JSON.stringify(syntheticRun({ machine: 'nightly-test', sha: shaOf(i), at, cases, seed: i + 1 })));
    }
  }

  /** A case's series in a store of the test folder, read through the store itself. */
  async function series(db: string, c: 'alpha' | 'beta'): Promise<ReturnType<typeof analyzeSeries>> {
    const store = await openSqliteStore(path.join(dir, db));
    try {
      return analyzeSeries(await store.series(`work.bench.ts/${c}`, { machine: 'nightly-test' }));
    } finally {
      await store.close();
    }
  }

  let alpha = 0;
  let beta = 0;
  it('records the first night and says that the history is too short', async () => {
    const r = nightly('first.sqlite', '--markdown', 'first.md');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/nightly: run 1 recorded in first\.sqlite/);
    expect(r.stdout).toMatch(/history too short for change-point detection in 2 cases \(fewer than 4 measured nights\)/);
    expect(readFileSync(path.join(dir, 'first.md'), 'utf8')).toMatch(/✅ no new regression/);
    const h = JSON.parse(run(['history', 'work.bench.ts/alpha', '--json', '--db', 'first.sqlite']).stdout);
    expect(h).toMatchObject({ machine: 'nightly-test', mode: 'time', unit: 'ns', too_short: true });
    alpha = h.points[0].median;
    beta = (await series('first.sqlite', 'beta')).measured[0]!.median!;
    expect(alpha).toBeGreaterThan(0);
  });

  it('finds nothing new over an imported flat history (exit 0), and imports each file once', () => {
    history('flat', 30, (c) => (c === 'alpha' ? alpha : beta));
    const imp = run(['history', 'import', 'flat', '--db', 'flat.sqlite']);
    expect(imp.code, imp.stderr).toBe(0);
    expect(imp.stdout).toMatch(/history import: 30 runs recorded, 0 already in flat\.sqlite/);
    expect(run(['history', 'import', 'flat', '--db', 'flat.sqlite']).stdout).toMatch(/0 runs recorded, 30 already/);
    const r = nightly('flat.sqlite');
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/no new change points/);
  });

  it('reports a new regression with its magnitude, shas and confidence (exit 1)', async () => {
    // alpha was twice as fast until three nights ago; tonight is the fourth slow night, which confirms it
    history('step', 43, (c, i) => (c === 'alpha' && i < 40 ? alpha / 2 : c === 'alpha' ? alpha : beta));
    expect(run(['history', 'import', 'step', '--db', 'step.sqlite']).code).toBe(0);
    expect((await series('step.sqlite', 'alpha')).changes).toEqual([]);
    const r = nightly('step.sqlite', '--markdown', 'step.md', '--json', 'step.json');
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toMatch(new RegExp(`REGRESSION: work\\.bench\\.ts/alpha: \\+\\d+% .*confidence 99\\.\\d+%, between ${shaOf(39).slice(0, 10)} and ${shaOf(40).slice(0, 10)}`));
    expect(r.stdout).toMatch(/nightly: 1 new regression beyond 2\.0%/);
    const s = JSON.parse(readFileSync(path.join(dir, 'step.json'), 'utf8'));
    expect(s.regressions).toBe(1);
    expect(s.changes).toHaveLength(1);
    expect(s.changes[0]).toMatchObject({ case: 'work.bench.ts/alpha', kind: 'regression', from: { sha: shaOf(39) }, to: { sha: shaOf(40) } });
    expect(s.changes[0].magnitude).toBeGreaterThan(0.6);
    expect(readFileSync(path.join(dir, 'step.md'), 'utf8')).toMatch(/❌ 1 new regression[\s\S]*\| `work\.bench\.ts\/alpha` \| \+\d+% \|/);
    // the change is not new the next time it is looked at
    expect((await series('step.sqlite', 'alpha')).changes.map((c) => c.to.sha)).toEqual([shaOf(40)]);
  });

  it('records instruction counts as a series of their own with --measure instructions', async () => {
    const r = nightly('counted.sqlite', '--measure', 'instructions', '--json', 'counted.json');
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(readFileSync(path.join(dir, 'counted.json'), 'utf8'));
    expect(summary.run.mode).toBe('instructions');
    expect(summary.threshold).toBe(0.005);
    const store = await openSqliteStore(path.join(dir, 'counted.sqlite'));
    try {
      const counted = await store.series('work.bench.ts/alpha', { machine: 'nightly-test', mode: 'instructions' });
      expect(counted).toHaveLength(1);
      expect(counted[0]).toMatchObject({ state: 'measured', unit: 'instr' });
      // spin(3000) against spin(1000): about three times the instructions
      const beta = await store.series('work.bench.ts/beta', { machine: 'nightly-test', mode: 'instructions' });
      expect(counted[0]!.median! / beta[0]!.median!).toBeGreaterThan(2.7);
      expect(await store.series('work.bench.ts/alpha', { machine: 'nightly-test', mode: 'time' })).toHaveLength(0);
    } finally {
      await store.close();
    }
  });

  it('2 for a corrupt store, before anything is measured', () => {
    writeFileSync(path.join(dir, 'bad.sqlite'), 'this is not a database, just text that is long enough to look like one at a glance...'.repeat(60));
    const bad = nightly('bad.sqlite');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/history store bad\.sqlite: the file is not a sound SQLite database .*left as it is/);
    expect(bad.stdout).toBe('');
  });
});
