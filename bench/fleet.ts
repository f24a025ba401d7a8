// `npm run bench:fleet`: the fleet's queue on a throwaway PostgreSQL, with
// `assay worker` processes at the default settings (heartbeat 5 s, idle poll
// 2 s, a notification on every submit). It measures, with trivial jobs (probe
// jobs, which do nothing, so that every millisecond is the queue's own):
// - the overhead per job, one job at a time with one idle worker: submit to
//   start (the client's insert, pg-boss's send and the NOTIFY, the worker
//   waking, fetching and claiming the job) and finish to the client knowing
//   (the result's insert, pg-boss's complete and the NOTIFY, the client's read);
// - throughput: FLEET_JOBS trivial jobs submitted at once, drained by 1, 2 and
//   3 workers.
// The clocks compared are one machine's (the client's, the worker's and the
// server's now()). Sizing: FLEET_SEQ sequential jobs (40), FLEET_JOBS per
// throughput round (150). Prints a markdown table for docs/fleet.md.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { connectFleet } from '../harness/fleet/connect.ts';
import type { JobSpec } from '../harness/fleet/spec.ts';
import { submitJob, waitForJob } from '../harness/fleet/submit.ts';
import { startPostgres } from '../test/pg-server.ts';

const SEQ = Number(process.env.FLEET_SEQ ?? 40);
const JOBS = Number(process.env.FLEET_JOBS ?? 150);
const BIN = path.join(import.meta.dirname, '..', 'harness', 'cli', 'assay.mjs');
const PROBE: JobSpec = { kind: 'probe', args: [], payload: 'none', outputs: [] };

const quantile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
};
const rows: Array<[string, string]> = [];
const row = (what: string, value: string): void => {
  rows.push([what, value]);
  process.stderr.write(`${what}: ${value}\n`);
};
const summary = (xs: number[]): string => `median ${quantile(xs, 0.5).toFixed(1)} ms, p90 ${quantile(xs, 0.9).toFixed(1)} ms, max ${Math.max(...xs).toFixed(1)} ms`;

const server = await startPostgres();
const dir = mkdtempSync(path.join(tmpdir(), 'assay-bench-fleet-'));
const url = await server.createDatabase('fleet');
const fleet = await connectFleet(url);
const workers: ChildProcess[] = [];
// the defaults: nothing of ASSAY_FLEET_* is set for the workers or the client
for (const k of Object.keys(process.env)) if (k.startsWith('ASSAY_FLEET_')) delete process.env[k];

async function startWorker(n: number): Promise<number> {
  const t0 = performance.now();
  const p = spawn(process.execPath, [BIN, 'worker', '--db', url, '--tags', 'bench'], { env: { ...process.env, ASSAY_FLEET_DIR: path.join(dir, `w${n}`), ASSAY_MEASURE_LOCK: path.join(dir, 'lock') }, stdio: ['ignore', 'ignore', 'ignore'] });
  workers.push(p);
  for (;;) {
    const r = await fleet.pool.query(`select 1 from fleet_workers where pid = $1 and state = 'idle'`, [p.pid]);
    if (r.rowCount) return performance.now() - t0;
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function oneJob(): Promise<{ toStart: number; toKnow: number; total: number }> {
  const t0 = Date.now();
  const job = await submitJob(fleet, { spec: PROBE, tag: 'bench', payload: null });
  const r = await waitForJob(fleet, job.id, { queue: job.queue, tag: 'bench', kind: 'probe' });
  const t1 = Date.now();
  return { toStart: r.started_at.getTime() - t0, toKnow: t1 - r.finished_at.getTime(), total: t1 - t0 };
}

try {
  row('worker start to registered (host facts, pg-boss, queues)', `${(await startWorker(0)).toFixed(0)} ms`);
  await oneJob();
  const seq = [];
  for (let i = 0; i < SEQ; i++) {
    seq.push(await oneJob());
    // an idle worker: it waits on LISTEN, not in the middle of a poll
    await new Promise((r) => setTimeout(r, 100));
  }
  row(`submit to start, ${SEQ} jobs one at a time, 1 idle worker`, summary(seq.map((s) => s.toStart)));
  row('finish to the client knowing', summary(seq.map((s) => s.toKnow)));
  row('whole round trip of a job that does nothing', summary(seq.map((s) => s.total)));

  for (let w = 1; w <= 3; w++) {
    while (workers.length < w) await startWorker(workers.length);
    const t0 = Date.now();
    const jobs = [];
    for (let i = 0; i < JOBS; i++) jobs.push(await submitJob(fleet, { spec: PROBE, tag: 'bench', payload: null }));
    const submitted = Date.now() - t0;
    await Promise.all(jobs.map((j) => waitForJob(fleet, j.id, { queue: j.queue, tag: 'bench', kind: 'probe' })));
    const known = (Date.now() - t0) / 1000;
    const ids = jobs.map((j) => j.id);
    const by = (await fleet.pool.query(`select worker_id, count(*)::int as n from fleet_results where job_id = any($1::uuid[]) group by worker_id order by n desc`, [ids])).rows.map((r) => r.n);
    const last = (await fleet.pool.query(`select max(finished_at) as t from fleet_results where job_id = any($1::uuid[])`, [ids])).rows[0].t as Date;
    const drained = (last.getTime() - t0) / 1000;
    row(`throughput, ${JOBS} trivial jobs submitted at once, ${w} worker${w > 1 ? 's' : ''}`, `${(JOBS / drained).toFixed(1)} jobs/s (drained in ${drained.toFixed(2)} s, per worker ${by.join('/')}; submitting took ${(submitted / 1000).toFixed(2)} s, the client knew all in ${known.toFixed(2)} s)`);
  }
} finally {
  for (const p of workers) p.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 500));
  for (const p of workers) if (p.exitCode === null) p.kill('SIGKILL');
  await fleet.close();
  server.stop();
  rmSync(dir, { recursive: true, force: true });
}

process.stdout.write(`| what | measured |\n|---|---|\n${rows.map(([a, b]) => `| ${a} | ${b} |`).join('\n')}\n`);
