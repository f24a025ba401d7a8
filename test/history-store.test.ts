// The history store's contract, run against each implementation (SQLite in a
// real file, and PostgreSQL in a throwaway server of this file's own, one fresh
// database per store): runs recorded whole and once, series read back in order,
// the latest runs, the cases, scores, and migrations from an empty database and
// from the previous schema version.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScoreDoc } from '../harness/model/history.ts';
import { InputError } from '../harness/model/errors.ts';
import { importRuns } from '../harness/store/history/import.ts';
import { SCHEMA_VERSION } from '../harness/store/history/migrations.ts';
import { openPostgresStore } from '../harness/store/history/postgres.ts';
import { openSqliteStore } from '../harness/store/history/sqlite.ts';
import type { HistoryStore } from '../harness/store/history/store.ts';
import { nightlyHistory, syntheticRun } from './history-fixtures.ts';
import { startPostgres, type PgServer } from './pg-server.ts';

interface StoreFactory {
  name: string;
  /** A fresh, empty store. */
  open(): Promise<HistoryStore>;
  /** A fresh store at schema `version`, and a function that opens it again at the newest. */
  openAt(version: number): Promise<{ store: HistoryStore; reopen: () => Promise<HistoryStore> }>;
}

const tmp = mkdtempSync(path.join(tmpdir(), 'assay-history-'));
let server: PgServer;
beforeAll(async () => {
  server = await startPostgres();
});
afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
  server?.stop();
});
let n = 0;
const FACTORIES: StoreFactory[] = [
  {
    name: 'SQLite',
    open: () => openSqliteStore(path.join(tmp, `s${n++}.sqlite`)),
    async openAt(version) {
      const file = path.join(tmp, `s${n++}.sqlite`);
      return { store: await openSqliteStore(file, { targetVersion: version }), reopen: () => openSqliteStore(file) };
    },
  },
  {
    name: 'PostgreSQL',
    open: async () => openPostgresStore(await server.createDatabase(`s${n++}`)),
    async openAt(version) {
      const url = await server.createDatabase(`s${n++}`);
      return { store: await openPostgresStore(url, { targetVersion: version }), reopen: () => openPostgresStore(url) };
    },
  },
];

const SCORE: ScoreDoc = {
  schema: 1,
  problem: 'matmul',
  candidate: 'tiled.wgsl',
  kind: 'wgsl',
  verdict: 'accepted',
  stage: 'done',
  checks: [{ name: 'verify: public axes', passed: true, detail: '3 points' }],
  speedup: { vs: 'matmul/reference.ts', point: 4.2, ci: [4.0, 4.4] },
  flags: [],
  cost: { wall_s: 12, cpu_s: 11 },
};

describe.each(FACTORIES)('history store ($name)', (f) => {
  it('records a run whole, once, and reads each case back as a series in time order', async () => {
    const store = await f.open();
    const runs = nightlyHistory({ nights: 6, caseCount: 3, steps: [{ case: 1, night: 3, factor: 1.5 }] });
    // recorded out of order: the series is in time order all the same
    for (const r of [runs[3]!, runs[0]!, runs[5]!, runs[1]!, runs[4]!, runs[2]!]) expect((await store.recordRun(r, { source: 'nightly' })).created).toBe(true);
    const again = await store.recordRun(runs[2]!);
    expect(again.created).toBe(false);
    const keyed = await store.recordRun(runs[2]!, { key: 'job-17' });
    expect((await store.recordRun(runs[2]!, { key: 'job-17' })).created).toBe(false);
    expect(keyed.created).toBe(true);

    const id = runs[0]!.cases[1]!.id;
    const series = await store.series(id, { machine: 'test-machine' });
    expect(series.map((p) => p.at)).toEqual([...runs.map((r) => r.started_at), runs[2]!.started_at].sort());
    const first = series[0]!;
    const c0 = runs[0]!.cases[1]!;
    expect(c0.state).toBe('measured');
    if (c0.state !== 'measured') return;
    expect(first).toMatchObject({ sha: runs[0]!.git.sha, branch: 'main', mode: 'time', state: 'measured', unit: 'ns', n: c0.stats.n, median: c0.stats.median, ci: c0.stats.ci });
    // the step of night 3 is in the numbers read back
    expect(series[4]!.median! / series[1]!.median!).toBeGreaterThan(1.4);
    expect((await store.series(id, { machine: 'test-machine', last: 2 })).map((p) => p.at)).toEqual(series.slice(-2).map((p) => p.at));
    expect(await store.series(id, { machine: 'other-machine' })).toEqual([]);
    expect(await store.series(id, { machine: 'test-machine', mode: 'instructions' })).toEqual([]);

    const latest = await store.latestRuns({ limit: 2 });
    expect(latest.map((r) => r.started_at)).toEqual([runs[5]!.started_at, runs[4]!.started_at]);
    expect(latest[0]).toMatchObject({ machine: 'test-machine', sha: runs[5]!.git.sha, source: 'nightly', mode: 'time', cases: { measured: 3, failed: 0, skipped: 0 } });
    const cases = await store.cases();
    expect(cases.map((c) => c.id)).toEqual(runs[0]!.cases.map((c) => c.id).sort());
    expect(cases[0]!.series).toEqual([{ machine: 'test-machine', mode: 'time', points: 7 }]);
    await store.close();
  });

  it('keeps failed nights as points with their reason, and runs of another mode apart', async () => {
    const store = await f.open();
    const at = new Date('2025-03-01T02:00:00Z');
    await store.recordRun(syntheticRun({ sha: 'a'.repeat(40), at, cases: [{ id: 'p/v.ts[n=1]', median: 100 }] }));
    await store.recordRun(syntheticRun({ sha: 'b'.repeat(40), at: new Date(at.getTime() + 864e5), cases: [{ id: 'p/v.ts[n=1]', median: null }] }));
    await store.recordRun({ ...syntheticRun({ sha: 'c'.repeat(40), at, cases: [{ id: 'p/v.ts[n=1]', median: 5000 }] }), mode: 'instructions' } as never);
    const s = await store.series('p/v.ts[n=1]', { machine: 'test-machine' });
    expect(s.map((p) => p.state)).toEqual(['measured', 'failed']);
    expect(s[1]).toMatchObject({ median: null, ci: null, note: 'verification failed at element 3' });
    const instr = await store.series('p/v.ts[n=1]', { machine: 'test-machine', mode: 'instructions' });
    expect(instr).toHaveLength(1);
    expect(instr[0]!.mode).toBe('instructions');
    await store.close();
  });

  it('records a score once and reads it back whole', async () => {
    const store = await f.open();
    const r = await store.recordScore(SCORE, { machine: 'test-machine', sha: 'f'.repeat(40) });
    expect(r.created).toBe(true);
    expect((await store.recordScore(SCORE, { machine: 'test-machine', sha: 'f'.repeat(40) })).created).toBe(false);
    await store.recordScore({ ...SCORE, candidate: 'naive.wgsl', verdict: 'rejected', stage: 'verify', speedup: null }, { recordedAt: '2030-01-01T00:00:00Z' });
    const scores = await store.scores({ problem: 'matmul' });
    expect(scores.map((s) => s.score.candidate)).toEqual(['naive.wgsl', 'tiled.wgsl']);
    expect(scores[1]!.score).toEqual(SCORE);
    expect(scores[1]).toMatchObject({ machine: 'test-machine', mode: 'time' });
    expect(await store.scores({ problem: 'saxpy' })).toEqual([]);
    await store.close();
  });

  it('imports result and baseline files once each run, and nothing at all when one file is bad', async () => {
    const store = await f.open();
    const dir = path.join(tmp, `import-${n++}`);
    mkdirSync(path.join(dir, 'baselines', 'test-machine'), { recursive: true });
    const [a, b] = nightlyHistory({ nights: 2, caseCount: 2 });
    // the same run as a result file (without raw samples) and as a baseline file
    const noSamples = { ...b!, cases: b!.cases.map((c) => (c.state === 'measured' ? { ...c, stats: { ...c.stats, samples: undefined } } : c)) };
    writeFileSync(path.join(dir, 'a.json'), JSON.stringify(a));
    writeFileSync(path.join(dir, 'baselines', 'test-machine', 'main.json'), JSON.stringify({ ...a, baseline: { name: 'main', saved_at: '2025-06-01T00:00:00Z' } }));
    writeFileSync(path.join(dir, 'b.json'), JSON.stringify(noSamples));
    writeFileSync(path.join(dir, 'broken.json'), JSON.stringify(a).slice(0, 200));
    const e = await importRuns(store, [dir]).then(() => null, (x: unknown) => x);
    expect(e).toBeInstanceOf(InputError);
    expect((e as InputError).file).toBe(path.join(dir, 'broken.json'));
    expect(await store.latestRuns()).toEqual([]);
    rmSync(path.join(dir, 'broken.json'));
    const done = await importRuns(store, [dir]);
    expect(done.map((d) => [path.basename(d.file), d.created])).toEqual([['a.json', true], ['main.json', false], ['b.json', true]]);
    expect((await store.latestRuns()).map((r) => r.source)).toEqual(['import', 'import']);
    expect(await store.series(a!.cases[0]!.id, { machine: 'test-machine' })).toHaveLength(2);
    await store.close();
  });

  it('migrates a store of the previous schema version, keeping what it holds', async () => {
    expect(SCHEMA_VERSION).toBeGreaterThan(1);
    const { store, reopen } = await f.openAt(SCHEMA_VERSION - 1);
    const runs = nightlyHistory({ nights: 2, caseCount: 2 });
    for (const r of runs) await store.recordRun(r);
    // the previous schema has no scores table
    await expect(store.recordScore(SCORE)).rejects.toThrow();
    await store.close();
    const upgraded = await reopen();
    expect(await upgraded.series(runs[0]!.cases[0]!.id, { machine: 'test-machine' })).toHaveLength(2);
    expect((await upgraded.recordRun(runs[1]!)).created).toBe(false);
    expect((await upgraded.recordScore(SCORE)).created).toBe(true);
    await upgraded.close();
  });
});
