// The PostgreSQL history store as a user meets it through the CLI, on a
// throwaway server: `--db postgres://…` records and reads history like a SQLite
// file; several processes opening a new database at once migrate it once; an
// unreachable server is exit 3 and a missing database exit 2, and neither
// message (nor any other output) shows the URL's password.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCHEMA_VERSION } from '../harness/store/history/migrations.ts';
import { openPostgresStore } from '../harness/store/history/postgres.ts';
import { nightlyHistory } from './history-fixtures.ts';
import { assay } from './helpers.ts';
import { startPostgres, type PgServer } from './pg-server.ts';

let server: PgServer;
const dir = mkdtempSync(path.join(tmpdir(), 'assay-pg-history-'));
beforeAll(async () => {
  server = await startPostgres();
});
afterAll(() => {
  server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** The URL of database `db` with a password in it (trust authentication ignores it), as a team's URL would carry one. */
const withPassword = (db: string): string => server.urlOf(db).replace('postgres@', 'postgres:hunter2secret@');

describe('PostgreSQL history store', () => {
  it('records and reads history through --db postgres://…, showing the URL without its password', async () => {
    await server.createDatabase('cli');
    const url = withPassword('cli');
    const runs = nightlyHistory({ nights: 3, caseCount: 2 });
    runs.forEach((r, i) => writeFileSync(path.join(dir, `night${i}.json`), JSON.stringify(r)));
    const imp = assay(['history', 'import', dir, '--db', url]);
    expect(imp.stderr).toBe('');
    expect(imp.code).toBe(0);
    expect(imp.stdout).toMatch(/3 runs recorded, 0 already in postgres:\/\/postgres@127\.0\.0\.1:\d+\/cli/);
    const list = assay(['history', '--json'], { env: { ASSAY_DB: url } });
    expect(list.code).toBe(0);
    const cases = JSON.parse(list.stdout) as Array<{ id: string; series: Array<{ points: number }> }>;
    expect(cases.map((c) => c.id)).toEqual(runs[0]!.cases.map((c) => c.id).sort());
    expect(cases[0]!.series[0]!.points).toBe(3);
    for (const r of [imp, list]) expect(r.stdout + r.stderr).not.toContain('hunter2secret');
  });

  it('is migrated once when several processes open a new database at once', async () => {
    const url = await server.createDatabase('racing');
    const stores = await Promise.all([0, 1, 2, 3].map(() => openPostgresStore(url)));
    const runs = nightlyHistory({ nights: 4, caseCount: 1 });
    await Promise.all(stores.map((s, i) => s.recordRun(runs[i]!)));
    expect((await stores[0]!.latestRuns()).length).toBe(4);
    await Promise.all(stores.map((s) => s.close()));
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    const v = await c.query('select version from assay_schema order by version');
    await c.end();
    expect(v.rows.map((r) => r.version)).toEqual(Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1));
  });

  it('says an unreachable server is unavailable (exit 3) and a missing database an input error (exit 2), never with the password', () => {
    const down = `postgres://postgres:hunter2secret@127.0.0.1:1/nothing`;
    const r = assay(['history', '--db', down]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/cannot reach the PostgreSQL history store at postgres:\/\/postgres@127\.0\.0\.1:1\/nothing/);
    const missing = assay(['history', '--db', withPassword('no_such_db')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/database "no_such_db" does not exist/);
    for (const x of [r, missing]) expect(x.stdout + x.stderr).not.toContain('hunter2secret');
  });
});
