// The fleet end to end, on a throwaway PostgreSQL: three `assay worker`
// processes on two hosts (as root each worker is in a network namespace of its
// own, reaching PostgreSQL over its own veth link; fleet-a runs two workers
// that share its measure lock, fleet-b one with a tag of its own and a price).
// Thirty jobs of mixed kinds (probe, run, score, nightly, ab); one worker is
// SIGKILLed in the middle of a job. Every job is recorded once, its retry
// included; no two jobs measured at once on one host; tagged jobs went only to
// workers with the tag. Then `--remote` against a local run (same output, same
// exit code), a tag that no worker has (exit 3 after a short wait), `assay jobs`
// and `assay workers`, and a SIGTERM that lets the job in hand finish.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, CHROMIUM_ARGS } from './chromium.ts';
import { buildJob } from '../harness/cli/remote.ts';
import { connectFleet, type Fleet } from '../harness/fleet/connect.ts';
import type { JobKind, JobSpec } from '../harness/fleet/spec.ts';
import { submitJob, waitForJob, type JobResultRow } from '../harness/fleet/submit.ts';
import { assay, ROOT } from './helpers.ts';
import { makeHosts, type TestHost } from './netns.ts';
import { startPostgres, type PgServer } from './pg-server.ts';

const BIN = path.join(ROOT, 'harness/cli/assay.mjs');
const TIMINGS = { ASSAY_FLEET_HEARTBEAT_S: '0.5', ASSAY_FLEET_POLL_S: '0.25', ASSAY_FLEET_NO_WORKER_S: '1.5' };
Object.assign(process.env, TIMINGS);

const BENCH = `import { bench } from 'assay';
function spin(n: number): number {
  let x = 0x9e3779b9 | 0;
  for (let i = 0; i < n; i++) { x ^= x << 13; x ^= x >>> 17; x ^= x << 5; }
  return x;
}
bench('alpha', () => spin(300));
bench('beta', () => spin(100));
`;
const FAILING = `import { bench } from 'assay';
bench('right', () => 2, { check: (r) => r === 2 });
bench('wrong', () => 1, { check: (r) => r === 2 });
`;

interface Worker {
  proc: ChildProcess;
  id: string;
  host: string;
  log: string[];
  exited: Promise<number | null>;
}

let server: PgServer;
let fleet: Fleet;
let cleanupHosts = (): void => {};
let hosts: TestHost[] = [];
const dir = mkdtempSync(path.join(tmpdir(), 'assay-fleet-'));
const proj = path.join(dir, 'proj');
const workers: Worker[] = [];

/** Starts `assay worker` on `host`, and waits until it has registered. */
async function startWorker(host: TestHost, n: number, tags: string[], more: string[] = []): Promise<Worker> {
  const url = server.urlOf('fleet', host.dbHost);
  const argv = host.wrap([process.execPath, BIN, 'worker', '--db', url, '--tags', tags.join(','), ...more]);
  const proc = spawn(argv[0]!, argv.slice(1), {
    env: { ...process.env, ...TIMINGS, NO_COLOR: '1', CI: '1', ASSAY_MEASURE_LOCK: path.join(dir, `${host.name}.lock`), ASSAY_FLEET_DIR: path.join(dir, `w${n}`), ASSAY_MACHINE_ID: host.name },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const log: string[] = [];
  proc.stderr!.on('data', (b: Buffer) => log.push(b.toString()));
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  for (let t = Date.now(); Date.now() - t < 45_000; ) {
    const r = await fleet.pool.query(`select id, host from fleet_workers where pid = $1 and state = 'idle'`, [proc.pid]);
    if (r.rows[0]) return { proc, id: r.rows[0].id, host: r.rows[0].host, log, exited };
    if (proc.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`worker on ${host.name} did not register: ${log.join('')}`);
}

function git(args: string[]): void {
  const r = spawnSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd: proj, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
}

beforeAll(async () => {
  const made = makeHosts(['fleet-a', 'fleet-a', 'fleet-b']);
  hosts = made.hosts;
  cleanupHosts = made.cleanup;
  server = await startPostgres({ listen: made.hostAddresses, ...(made.trust ? { trust: made.trust } : {}) });
  await server.createDatabase('fleet');
  fleet = await connectFleet(server.urlOf('fleet'));
  mkdirSync(proj);
  writeFileSync(path.join(proj, 'package.json'), '{ "type": "module" }\n');
  writeFileSync(path.join(proj, 'work.bench.ts'), BENCH);
  writeFileSync(path.join(proj, 'failing.bench.ts'), FAILING);
  git(['init', '-q']);
  git(['add', '-A']);
  git(['commit', '-qm', 'one']);
  writeFileSync(path.join(proj, 'work.bench.ts'), BENCH.replace('spin(300)', 'spin(600)'));
  git(['commit', '-qam', 'two']);
  workers.push(...(await Promise.all([startWorker(hosts[0]!, 0, ['shared', 'fast']), startWorker(hosts[1]!, 1, ['shared', 'fast']), startWorker(hosts[2]!, 2, ['shared', 'special'], ['--price-per-hour', '2.5'])])));
}, 120_000);

afterAll(async () => {
  for (const w of workers) if (w.proc.exitCode === null) w.proc.kill('SIGKILL');
  // their jobs' processes die with them (setpriv --pdeathsig)
  await Promise.all(workers.map((w) => w.exited));
  await fleet?.close();
  server?.stop();
  cleanupHosts();
  rmSync(dir, { recursive: true, force: true });
});

interface Submitted {
  id: string;
  queue: string;
  kind: JobKind;
  tag: string;
}

async function submit(kind: JobKind, args: string[], tag: string, sleepMs = 0): Promise<Submitted> {
  const { spec, payload } = kind === 'probe' ? { spec: { kind, args: [], payload: 'none', outputs: [], sleepMs } satisfies JobSpec, payload: null } : buildJob(kind, args, proj);
  return { ...(await submitJob(fleet, { spec, tag, payload })), kind, tag };
}

const wait = (j: Submitted): Promise<JobResultRow> => waitForJob(fleet, j.id, { queue: j.queue, tag: j.tag, kind: j.kind });

describe('a fleet of workers', () => {
  it('runs 30 mixed jobs once each, one measuring at a time per host, tagged ones on their workers, through a worker SIGKILLed mid-job', async () => {
    const [w0, w1, w2] = workers as [Worker, Worker, Worker];
    const run = ['work.bench.ts', '--time', '0.02'];
    // a kernels folder of one problem with its reference alone, so that the score has no other built-in variants to time
    mkdirSync(path.join(proj, 'kernels', 'tiny'), { recursive: true });
    for (const f of ['problem.ts', 'reference.ts']) writeFileSync(path.join(proj, 'kernels', 'tiny', f), readFileSync(path.join(ROOT, 'test/fixtures/kernels/tiny', f)));
    writeFileSync(path.join(proj, 'good.ts'), readFileSync(path.join(ROOT, 'test/fixtures/kernels/tiny/good.ts')));
    const score = ['--kernels', 'kernels', '--problem', 'tiny', '--time', '0.05', '--held-out', '1', '--point', 'n=37', '--candidate', 'good.ts'];
    const jobs: Submitted[] = [];
    // measuring jobs first, so that the worker to be killed is measuring one
    for (const tag of ['fast', 'shared', 'special']) jobs.push(await submit('run', run, tag));
    jobs.push(await submit('nightly', ['work.bench.ts', '--time', '0.02'], 'fast'));
    jobs.push(await submit('ab', ['HEAD~1', 'HEAD', 'work.bench.ts', '--time', '0.02', '--processes', '1', '--no-install'], 'shared'));
    jobs.push(await submit('score', score, 'special'));
    for (let i = 0; i < 24; i++) jobs.push(await submit('probe', [], ['shared', 'special', 'fast'][i % 3]!, 50));
    expect(jobs).toHaveLength(30);

    // kill a fleet-a worker while it has a measuring job in hand
    let killed: string | null = null;
    for (let t = Date.now(); Date.now() - t < 40_000 && !killed; ) {
      const r = await fleet.pool.query(`select id from fleet_jobs where worker_id = $1 and state = 'started' and kind <> 'probe'`, [w1.id]);
      if (r.rows[0]) {
        killed = r.rows[0].id as string;
        w1.proc.kill('SIGKILL');
      } else await new Promise((r) => setTimeout(r, 50));
    }
    expect(killed).not.toBeNull();
    const results = await Promise.all(jobs.map(wait));

    // every job recorded once, and every one succeeded
    const rows = (await fleet.pool.query('select job_id, count(*)::int as n from fleet_results group by job_id')).rows as Array<{ job_id: string; n: number }>;
    expect(rows.filter((r) => jobs.some((j) => j.id === r.job_id)).map((r) => r.n)).toEqual(jobs.map(() => 1));
    // ab exits 1 when it finds B slower (HEAD doubled alpha's work), 0 when its verdicts say nothing worse
    const ab = results[jobs.findIndex((j) => j.kind === 'ab')]!;
    expect(ab.stdout).toMatch(/B [0-9a-f]{40} \([0-9a-f]{10}\) against A [0-9a-f]{40}/);
    expect(results.map((r, i) => [jobs[i]!.kind, r.exit_code])).toEqual(jobs.map((j) => [j.kind, j.kind === 'ab' && / slower\b/.test(ab.stdout.split('\n').filter((l) => l.includes('work.bench.ts/')).join('\n')) ? 1 : 0]));
    // the killed job was retried on another worker and recorded once
    const k = results[jobs.findIndex((j) => j.id === killed)]!;
    expect(k.worker_id).not.toBe(w1.id);
    expect(k.attempt).toBeGreaterThanOrEqual(2);
    // and nothing of the killed worker's job outlived it (its process dies with its worker)
    const left = readdirSync('/proc').filter((p) => /^\d+$/.test(p)).filter((p) => {
      try {
        return readlinkSync(`/proc/${p}/cwd`).startsWith(path.join(dir, 'w1'));
      } catch {
        return false;
      }
    });
    expect(left).toEqual([]);
    // runs and nights are in the shared history store once each, under their job ids; scores too
    const keys = (await fleet.pool.query(`select run_key, source from runs where run_key like 'fleet:%'`)).rows as Array<{ run_key: string; source: string }>;
    const recorded = jobs.filter((j) => j.kind === 'run' || j.kind === 'nightly');
    expect(keys.map((r) => r.run_key).sort()).toEqual(recorded.map((j) => `fleet:${j.id}`).sort());
    expect(keys.filter((r) => r.source === 'nightly')).toHaveLength(1);
    const scores = (await fleet.pool.query(`select score_key, verdict from scores where score_key like 'fleet:%'`)).rows;
    expect(scores.map((s) => s.verdict)).toEqual(['accepted']);
    // tagged jobs went only to workers with the tag
    results.forEach((r, i) => {
      if (jobs[i]!.tag === 'special') expect(r.worker_id).toBe(w2.id);
      if (jobs[i]!.tag === 'fast') expect([w0.id, w1.id]).toContain(r.worker_id);
    });
    // on each host, the measuring jobs' lock-held spans never overlap
    const spans = (await fleet.pool.query(`select host, measure_from, measure_to from fleet_results where measure_from is not null order by host, measure_from`)).rows as Array<{ host: string; measure_from: Date; measure_to: Date }>;
    expect(spans.length).toBe(6);
    for (let i = 1; i < spans.length; i++) if (spans[i]!.host === spans[i - 1]!.host) expect(spans[i]!.measure_from.getTime()).toBeGreaterThanOrEqual(spans[i - 1]!.measure_to.getTime());
    if (hosts[0]!.ns) expect(new Set(spans.map((s) => s.host))).toEqual(new Set(['fleet-a', 'fleet-b']));
    // the priced worker's jobs cost something, the others nothing
    for (const r of results) expect(r.cost === null).toBe(r.worker_id !== w2.id);
    expect(results.every((r) => r.wall_s > 0)).toBe(true);
    expect(results.filter((r, i) => jobs[i]!.kind !== 'probe').every((r) => r.cpu_s > 0)).toBe(true);
  }, 240_000);

  it("puts the jobs' wall time, CPU time and cost on the dashboard of the fleet's database", async () => {
    const out = path.join(dir, 'dashboard');
    const r = assay(['report', '--html', out, '--db', server.urlOf('fleet')], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const html = readFileSync(path.join(out, 'index.html'), 'utf8');
    const data = JSON.parse(/<script type="application\/json" id="assay-data">([\s\S]*?)<\/script>/.exec(html)![1]!) as { costs: Array<{ host: string; kind: string; jobs: number; wall_s: number; cost: number | null }> };
    const done = (await fleet.pool.query('select count(*)::int as n from fleet_results')).rows[0].n as number;
    expect(data.costs.reduce((a, c) => a + c.jobs, 0)).toBe(done);
    expect(new Set(data.costs.map((c) => c.kind))).toEqual(new Set(['run', 'nightly', 'ab', 'score', 'probe']));
    // only the priced worker's jobs have a cost, and it is its price times their wall time
    const priced = (await fleet.pool.query('select sum(cost) as c from fleet_results where cost is not null')).rows[0].c as number;
    expect(data.costs.filter((c) => c.cost !== null).reduce((a, c) => a + c.cost!, 0)).toBeCloseTo(Number(priced), 9);
    expect(data.costs.every((c) => c.wall_s > 0)).toBe(true);
    expect(r.stdout).not.toMatch(/postgres:\/\/[^@\s]*:[^@\s]*@/);
    // and the page, in a real browser, shows the panel with a row per host and kind
    const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(pathToFileURL(path.join(out, 'index.html')).href);
      await page.waitForSelector('body[data-ready]');
      expect(errors).toEqual([]);
      expect(await page.isVisible('#costs-section')).toBe(true);
      expect(await page.$$eval('#costs tbody tr', (rows) => rows.length)).toBe(data.costs.length);
      expect(await page.textContent('#costs h3')).toMatch(new RegExp(`${done} jobs · cost \\d`));
    } finally {
      await browser.close();
    }
  });

  it('--remote prints what the local run prints, with the same exit code; an unknown tag fails clearly', async () => {
    const env = { ASSAY_DB: server.urlOf('fleet'), ...TIMINGS, CI: '1' };
    const local = assay(['run', 'failing.bench.ts', 'work.bench.ts', '--time', '0.05', '--json', 'local.json'], { cwd: proj, env });
    const remote = assay(['run', 'failing.bench.ts', 'work.bench.ts', '--time', '0.05', '--json', 'remote.json', '--remote', 'special'], { cwd: proj, env });
    expect(local.code).toBe(1);
    expect(remote.code).toBe(1);
    // the same table, row for row: each row's first column, and whether it failed (the figures, and the notes on noise, vary)
    const shape = (s: string): string[] =>
      s
        .split('\n')
        .filter((l) => !/^\s*noisy:/.test(l))
        .map((l) => `${l.trim().split(/\s+/)[0] ?? ''}${/\bfailed\b/.test(l) ? ' failed' : ''}`);
    expect(shape(remote.stdout)).toEqual(shape(local.stdout));
    expect(remote.stderr).toMatch(/remote: job [0-9a-f-]{36} queued for tag special/);
    expect(remote.stderr).toMatch(/remote: started on fleet-b|remote: started on /);
    expect(remote.stderr).toMatch(/case \d of 4/);
    expect(remote.stderr).toContain('wrote json to remote.json');
    const lj = JSON.parse(readFileSync(path.join(proj, 'local.json'), 'utf8'));
    const rj = JSON.parse(readFileSync(path.join(proj, 'remote.json'), 'utf8'));
    expect(rj.cases.map((c: { id: string; state: string }) => [c.id, c.state])).toEqual(lj.cases.map((c: { id: string; state: string }) => [c.id, c.state]));

    const t0 = Date.now();
    const none = assay(['run', 'work.bench.ts', '--quick', '--remote', 'gpu:nvidia'], { cwd: proj, env });
    expect(none.code).toBe(3);
    expect(none.stderr).toMatch(/no live worker has tag "gpu:nvidia" \(waited 1\.5 s\)/);
    expect(Date.now() - t0).toBeLessThan(15_000);

    const listed = assay(['workers', '--json'], { env });
    const live = JSON.parse(listed.stdout) as Array<{ id: string; tags: string[]; backends: Array<{ kind: string; ok: boolean }> }>;
    expect(live.map((w) => w.id).sort()).toEqual([workers[0]!.id, workers[2]!.id].sort());
    expect(live[0]!.tags).toEqual(expect.arrayContaining(['cpu:x64', 'shared']));
    expect(live[0]!.backends.find((b) => b.kind === 'js')?.ok).toBe(true);
    // --detach prints the job's id at once; `assay jobs ID` shows it whole, with its cost on the priced worker
    const detached = assay(['run', 'work.bench.ts', '--time', '0.02', '--remote', 'special', '--detach'], { cwd: proj, env });
    expect(detached.code).toBe(0);
    const id = detached.stdout.trim();
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const row = (await fleet.pool.query('select queue from fleet_jobs where id = $1', [id])).rows[0] as { queue: string };
    await waitForJob(fleet, id, { queue: row.queue, tag: 'special', kind: 'run' });
    const shown = assay(['jobs', id.slice(0, 8)], { env });
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(new RegExp(`^job ${id}: run on tag special, done \\(exit 0\\)`));
    expect(shown.stdout).toMatch(/cost {7}wall [\d.]+ s, cpu [\d.]+ s, [\d.]+ at 2\.5\/hour/);
    expect(shown.stdout).toMatch(/history {4}recorded as fleet:/);
    expect(shown.stdout).toContain('work.bench.ts');
  }, 120_000);

  it('a worker told to stop (SIGTERM) finishes the job in hand and takes no new one', async () => {
    const w0 = workers[0]!;
    const held = await submit('probe', [], 'fast', 1500);
    for (let t = Date.now(); Date.now() - t < 10_000; ) {
      const r = await fleet.pool.query(`select state from fleet_jobs where id = $1`, [held.id]);
      if (r.rows[0]?.state === 'started') break;
      await new Promise((r) => setTimeout(r, 25));
    }
    w0.proc.kill('SIGTERM');
    const later = await submit('probe', [], 'fast');
    expect((await wait(held)).exit_code).toBe(0);
    expect(await w0.exited).toBe(0);
    expect(w0.log.join('')).toMatch(/draining: finishing job/);
    // the worker is gone and no other has the tag: the later job is refused, not taken
    await expect(wait(later)).rejects.toThrow(/no live worker has tag "fast"/);
  }, 60_000);
});
