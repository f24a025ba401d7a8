// The SQLite history store in real files: a new file is created at the newest
// schema; a corrupt file, a database of something else, or one of a newer
// schema is refused with exit 2 and left byte for byte as it was; two processes
// recording at once lose nothing; a process killed mid-record leaves the store
// sound, with that run whole or absent.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../harness/model/errors.ts';
import { SCHEMA_VERSION } from '../harness/store/history/migrations.ts';
import { openSqliteStore } from '../harness/store/history/sqlite.ts';
import { openSqliteFile, pragmaRows } from '../harness/store/history/sqlite-handle.ts';
import { nightlyHistory } from './history-fixtures.ts';
import { assay, ROOT } from './helpers.ts';

const tmp = mkdtempSync(path.join(tmpdir(), 'assay-sqlite-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const RECORD = path.join(ROOT, 'test/fixtures/history/record.ts');
const hash = (f: string): string => createHash('sha256').update(readFileSync(f)).digest('hex');

/** Opening `file` is refused with `message` (exit 2 from the CLI, when `cli`), and the file is left as it was. */
async function expectRefused(file: string, message: RegExp, cli = false): Promise<void> {
  const before = hash(file);
  const e = await openSqliteStore(file).then(() => null, (x: unknown) => x);
  expect(e).toBeInstanceOf(InputError);
  expect((e as InputError).message).toMatch(message);
  expect((e as InputError).message).toMatch(/left as it is/);
  expect((e as InputError).file).toBe(file);
  if (cli) {
    const r = assay(['history', '--db', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toContain(path.basename(file));
  }
  expect(hash(file)).toBe(before);
  // a read-only look at a WAL database may leave an empty log beside it, never a written one
  expect(existsSync(`${file}-wal`) ? statSync(`${file}-wal`).size : 0).toBe(0);
}

function counts(file: string): { runs: number; results: number[]; integrity: string } {
  const db = openSqliteFile(file, { readonly: true });
  try {
    const runs = (db.prepare('select count(*) as n from runs').get() as { n: number }).n;
    const results = (db.prepare('select count(r.case_id) as n from runs u left join case_results r on r.run_id = u.id group by u.id order by u.id').all() as Array<{ n: number }>).map((x) => x.n);
    return { runs, results, integrity: pragmaRows<{ integrity_check: string }>(db, 'integrity_check')[0]!.integrity_check };
  } finally {
    db.close();
  }
}

describe('SQLite history store', () => {
  it('creates a new file, and an empty one, at the newest schema', async () => {
    const file = path.join(tmp, 'sub', 'dir', 'new.sqlite');
    const empty = path.join(tmp, 'empty.sqlite');
    writeFileSync(empty, '');
    for (const f of [file, empty]) {
      const s = await openSqliteStore(f);
      await s.close();
      const db = openSqliteFile(f, { readonly: true });
      expect((db.prepare('select max(version) as v from assay_schema').get() as { v: number }).v).toBe(SCHEMA_VERSION);
      expect(pragmaRows<{ journal_mode: string }>(db, 'journal_mode')[0]!.journal_mode).toBe('wal');
      db.close();
    }
  });

  it('refuses a file that is not a database, a truncated one, a database of something else, and a newer schema', async () => {
    const garbage = path.join(tmp, 'garbage.sqlite');
    writeFileSync(garbage, Buffer.from(Array.from({ length: 8192 }, (_, i) => (i * 7919) % 251)));
    await expectRefused(garbage, /not a sound SQLite database/, true);

    // a real store cut in half, as a full disk or a bad copy leaves it
    const cut = path.join(tmp, 'cut.sqlite');
    const s = await openSqliteStore(cut);
    for (const r of nightlyHistory({ nights: 30, caseCount: 20 })) await s.recordRun(r);
    await s.close();
    truncateSync(cut, Math.floor(statSync(cut).size / 2));
    await expectRefused(cut, /not a sound SQLite database/);

    const foreign = path.join(tmp, 'foreign.sqlite');
    const f = openSqliteFile(foreign);
    f.exec('create table invoices (id integer primary key, total real); insert into invoices values (1, 9.5)');
    f.close();
    await expectRefused(foreign, /not an Assay history store \(its tables: invoices\)/);

    const newer = path.join(tmp, 'newer.sqlite');
    const n = await openSqliteStore(newer);
    await n.close();
    const d = openSqliteFile(newer);
    d.exec('pragma journal_mode = DELETE');
    d.prepare("insert into assay_schema values (?, 'from the future', '2031-01-01T00:00:00.000Z')").run(SCHEMA_VERSION + 1);
    d.close();
    await expectRefused(newer, new RegExp(`schema is version ${SCHEMA_VERSION + 1}, newer than this Assay's \\(version ${SCHEMA_VERSION}\\)`), true);
  });

  it('loses nothing when two processes record at once', async () => {
    // both start on a file that does not exist yet: the migrations race too
    const run = (label: string): Promise<{ code: number | null; out: string }> =>
      new Promise((resolve) => {
        const p = spawn(process.execPath, ['--import', 'tsx', RECORD, path.join(tmp, 'two-at-once.sqlite'), label, '12', '40', '10'], { cwd: ROOT });
        let out = '';
        p.stdout.on('data', (d: Buffer) => (out += d.toString()));
        p.stderr.on('data', (d: Buffer) => (out += d.toString()));
        p.on('exit', (code) => resolve({ code, out }));
      });
    const [a, b] = await Promise.all([run('a'), run('bb')]);
    expect(a.code, a.out).toBe(0);
    expect(b.code, b.out).toBe(0);
    const c = counts(path.join(tmp, 'two-at-once.sqlite'));
    expect(c.integrity).toBe('ok');
    expect(c.runs).toBe(24);
    expect(c.results).toEqual(Array(24).fill(40));
  });

  it('is sound after a process is SIGKILLed mid-record, with that run whole or absent', async () => {
    const file = path.join(tmp, 'killed.sqlite');
    // three runs of 1500 cases; the kill lands halfway into the second, timed by how long
    // the first took to record (a fixed delay let a fast machine finish before the signal)
    const p = spawn(process.execPath, ['--import', 'tsx', RECORD, file, 'k', '3', '1500', '40'], { cwd: ROOT });
    let out = '';
    let began0 = 0;
    let took0 = 0;
    const killed = new Promise<void>((resolve) => {
      p.stdout.on('data', (d: Buffer) => {
        const now = performance.now();
        const before = out;
        out += d.toString();
        const arrived = (line: string): boolean => !before.includes(line) && out.includes(line);
        if (arrived('begin 0')) began0 = now;
        if (arrived('done 0')) took0 = now - began0;
        if (arrived('begin 1')) setTimeout(() => p.kill('SIGKILL'), Math.max(1, took0 / 2));
      });
      p.on('exit', () => resolve());
    });
    await killed;
    expect(p.signalCode).toBe('SIGKILL');
    const c = counts(file);
    expect(c.integrity).toBe('ok');
    const done = out.match(/^done \d+/gm)?.length ?? 0;
    expect(done).toBeGreaterThanOrEqual(1);
    expect(c.runs === done || c.runs === done + 1).toBe(true);
    expect(c.results).toEqual(Array(c.runs).fill(1500));
    // and the store opens and records again
    const s = await openSqliteStore(file);
    expect((await s.recordRun(nightlyHistory({ nights: 1, caseCount: 5 })[0]!)).created).toBe(true);
    expect((await s.latestRuns({ limit: 10 })).length).toBe(c.runs + 1);
    await s.close();
  });
});
