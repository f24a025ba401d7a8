// `assay worker`: serves a fleet's jobs on this machine. It registers the host
// (fingerprint, usable backends, automatic and given tags, the kinds it can
// run), sends heartbeats, and takes jobs one at a time from the pg-boss queues
// of its tags, woken by a notification when one is submitted and polling
// otherwise. A measuring job holds the host's measure lock (the one local
// `assay score` runs take) for as long as it runs, so that one job measures at
// a time per host. Results are recorded once per job id (fleet_results, and
// the shared history store keyed `fleet:<id>`). Each heartbeat also looks for
// jobs whose worker went silent and hands them back to pg-boss for a retry.
// SIGTERM (or Ctrl-C) drains: the job in hand finishes, nothing new is taken.
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { projectDataDir } from '../model/paths.ts';
import { acquireMeasureLock, measureLockPath } from '../score/lock.ts';
import { connectFleet, type Fleet } from './connect.ts';
import { executeJob, type JobOutcome } from './execute.ts';
import { hostFacts } from './host.ts';
import { checkTag, MEASURING_KINDS, type JobSpec } from './spec.ts';
import { fleetTimings, JOB_CHANNEL, WORK_CHANNEL } from './settings.ts';

export interface WorkerOptions {
  url: string;
  tags: string[];
  pricePerHour?: number;
  /** The worker's folder (job folders, the repository for bundles); ASSAY_FLEET_DIR, else `.assay/fleet` in the working folder. */
  dir?: string;
  log(line: string): void;
  /** Called once the worker is registered and listening. */
  onReady?(info: { id: string; host: string; tags: string[] }): void;
}

export interface WorkerSummary {
  id: string;
  jobs: number;
}

/** Serves jobs until SIGTERM or SIGINT, then finishes the job in hand and returns. */
export async function serveJobs(o: WorkerOptions): Promise<WorkerSummary> {
  const t = fleetTimings();
  const facts = await hostFacts();
  const tags = [...new Set([...facts.tags, ...o.tags.map((x) => checkTag(x, '--tags'))])];
  const host = os.hostname();
  const id = `${host}-${process.pid}-${randomBytes(3).toString('hex')}`;
  const dir = o.dir ?? (process.env.ASSAY_FLEET_DIR ? path.resolve(process.env.ASSAY_FLEET_DIR) : projectDataDir(process.cwd(), 'fleet'));
  mkdirSync(path.join(dir, 'jobs'), { recursive: true });
  const lockFile = measureLockPath();

  const fleet = await connectFleet(o.url, { supervise: true });
  const queues: string[] = [];
  for (const tag of tags) for (const kind of facts.kinds) queues.push(await fleet.queueFor(tag, kind));
  const mine = [...new Set(queues)];

  await fleet.pool.query(
    `insert into fleet_workers (id, host, machine_id, pid, tags, kinds, backends, fingerprint, price_per_hour, state)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'idle')`,
    [id, host, facts.machine.id, process.pid, tags, facts.kinds, JSON.stringify(facts.backends), JSON.stringify(facts.machine), o.pricePerHour ?? null],
  );

  let draining = false;
  let current: string | null = null;
  let wake: (() => void) | null = null;
  const nudge = (): void => {
    wake?.();
    wake = null;
  };
  const listener = new pg.Client({ connectionString: o.url, application_name: 'assay-worker' });
  listener.on('error', () => {});
  await listener.connect();
  listener.on('notification', (n) => {
    if (n.channel === WORK_CHANNEL && (!n.payload || mine.includes(n.payload))) nudge();
  });
  await listener.query(`listen ${WORK_CHANNEL}`);

  const beat = async (): Promise<void> => {
    await fleet.pool.query(`update fleet_workers set heartbeat_at = now(), state = $2, job_id = $3 where id = $1`, [id, draining ? 'draining' : current ? 'busy' : 'idle', current]);
    await reapSilent(fleet, t.deadAfterS, o.log);
  };
  const timer = setInterval(() => beat().catch((e) => o.log(`heartbeat failed: ${fleet.redact((e as Error).message)}`)), t.heartbeatS * 1000);

  const stop = (): void => {
    if (!draining) o.log(current ? `draining: finishing job ${current}, then stopping; no new job is taken` : 'stopping');
    draining = true;
    nudge();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);

  o.log(`worker ${id} serving ${fleet.shown} with tags ${tags.join(', ')} (kinds ${facts.kinds.join(', ')}); measure lock ${lockFile}`);
  o.onReady?.({ id, host, tags });
  let jobs = 0;
  let turn = 0;
  try {
    while (!draining) {
      let got: { id: string; name: string } | null = null;
      for (let k = 0; k < mine.length && !got && !draining; k++) {
        const q = mine[(turn + k) % mine.length]!;
        const [job] = await fleet.boss.fetch<unknown>(q, { batchSize: 1 });
        if (job) got = { id: job.id, name: q };
      }
      turn++;
      if (draining) {
        // fetched while a SIGTERM arrived: hand it straight back
        if (got) await fleet.boss.fail(got.name, got.id, { message: `worker ${id} was stopping` }).catch(() => {});
        break;
      }
      if (!got) {
        await new Promise<void>((resolve) => {
          const timeout = setTimeout(resolve, t.pollS * 1000);
          wake = () => {
            clearTimeout(timeout);
            resolve();
          };
        });
        continue;
      }
      current = got.id;
      await beat().catch(() => {});
      try {
        await handle(fleet, { jobId: got.id, queue: got.name, workerId: id, host, dir, lockFile, pricePerHour: o.pricePerHour ?? null, machineId: facts.machine.id, log: o.log });
        jobs++;
      } catch (e) {
        o.log(`job ${got.id} failed on this worker: ${fleet.redact((e as Error).message)}`);
        await fleet.boss.fail(got.name, got.id, { message: fleet.redact((e as Error).message) }).catch(() => {});
      }
      current = null;
    }
  } finally {
    clearInterval(timer);
    process.off('SIGTERM', stop);
    process.off('SIGINT', stop);
    await fleet.pool.query(`update fleet_workers set state = 'stopped', job_id = null, heartbeat_at = now() where id = $1`, [id]).catch(() => {});
    await listener.end().catch(() => {});
    await fleet.close();
  }
  o.log(`worker ${id} stopped after ${jobs} job${jobs === 1 ? '' : 's'}`);
  return { id, jobs };
}

interface HandleContext {
  jobId: string;
  queue: string;
  workerId: string;
  host: string;
  dir: string;
  lockFile: string;
  pricePerHour: number | null;
  machineId: string;
  log(line: string): void;
}

async function notifyJob(fleet: Fleet, id: string): Promise<void> {
  await fleet.pool.query('select pg_notify($1, $2)', [JOB_CHANNEL, id]);
}

/** Runs one job and records its result once. */
async function handle(fleet: Fleet, c: HandleContext): Promise<void> {
  const done = await fleet.pool.query('select 1 from fleet_results where job_id = $1', [c.jobId]);
  if (done.rowCount) {
    // an earlier attempt finished and recorded it, then lost its worker before telling pg-boss
    await fleet.boss.complete(c.queue, c.jobId, { recorded: 'earlier' });
    return;
  }
  const claimed = await fleet.pool.query(
    `update fleet_jobs set state = 'started', worker_id = $2, host = $3, attempts = attempts + 1, started_at = now(), progress = null, updated_at = now()
     where id = $1 returning spec, payload, attempts`,
    [c.jobId, c.workerId, c.host],
  );
  const row = claimed.rows[0] as { spec: JobSpec; payload: Buffer | null; attempts: number } | undefined;
  if (!row) {
    await fleet.boss.fail(c.queue, c.jobId, { message: 'no such job in fleet_jobs' });
    return;
  }
  await notifyJob(fleet, c.jobId);
  c.log(`job ${c.jobId}: ${row.spec.kind} (attempt ${row.attempts})`);
  let lastProgress = 0;
  let pendingText: string | null = null;
  const progress = (text: string): void => {
    pendingText = text;
    // at most a few updates a second reach the database
    if (Date.now() - lastProgress < 200) return;
    lastProgress = Date.now();
    pendingText = null;
    fleet.pool
      .query(`update fleet_jobs set progress = $2, updated_at = now() where id = $1 and worker_id = $3`, [c.jobId, text, c.workerId])
      .then(() => notifyJob(fleet, c.jobId))
      .catch(() => {});
  };
  const startedAt = new Date();
  let lock = null;
  let measureFrom: Date | null = null;
  if (MEASURING_KINDS.has(row.spec.kind)) {
    lock = await acquireMeasureLock(`fleet job ${c.jobId} (${row.spec.kind})`, (holder, waitedS) => progress(`waiting ${waitedS.toFixed(0)} s for this host's measure lock${holder ? ` (held by pid ${holder.pid}: ${holder.what})` : ''}`), c.lockFile);
    measureFrom = new Date();
  }
  let outcome: JobOutcome;
  try {
    outcome = await executeJob({ id: c.jobId, spec: row.spec, payload: row.payload, workDir: path.join(c.dir, 'jobs'), repoDir: path.join(c.dir, 'repo'), url: fleet.url, lockHeld: lock ? c.lockFile : null, onProgress: progress });
  } catch (e) {
    const msg = fleet.redact(e instanceof Error ? e.message : String(e));
    outcome = { exitCode: 4, stdout: '', stderr: `assay: internal error: the worker on ${c.host} could not run the job: ${msg}\n`, outputs: {}, wallS: (Date.now() - startedAt.getTime()) / 1000, cpuS: 0 };
  } finally {
    lock?.release();
  }
  const measureTo = measureFrom ? new Date() : null;
  if (pendingText) progress(pendingText);

  let historyKey: string | null = null;
  try {
    if (outcome.run) {
      historyKey = `fleet:${c.jobId}`;
      await (await fleet.history()).recordRun(outcome.run, { key: historyKey, source: 'fleet' });
    } else if (outcome.scores?.length) {
      historyKey = `fleet:${c.jobId}`;
      const store = await fleet.history();
      for (const [i, s] of outcome.scores.entries()) await store.recordScore(s, { key: outcome.scores.length === 1 ? historyKey : `${historyKey}:${i}`, machine: c.machineId });
    } else if (row.spec.kind === 'nightly') historyKey = `fleet:${c.jobId}`;
  } catch (e) {
    c.log(`job ${c.jobId}: could not record it in the history store: ${fleet.redact((e as Error).message)}`);
    historyKey = null;
  }
  const cost = c.pricePerHour !== null ? (c.pricePerHour * outcome.wallS) / 3600 : null;
  const inserted = await fleet.pool.query(
    `insert into fleet_results (job_id, worker_id, host, attempt, exit_code, stdout, stderr, outputs, history_key, started_at, finished_at, measure_from, measure_to, wall_s, cpu_s, price_per_hour, cost)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, now(), $11, $12, $13, $14, $15, $16)
     on conflict (job_id) do nothing returning job_id`,
    [c.jobId, c.workerId, c.host, row.attempts, outcome.exitCode, fleet.redact(outcome.stdout), fleet.redact(outcome.stderr), JSON.stringify(outcome.outputs), historyKey, startedAt, measureFrom, measureTo, outcome.wallS, outcome.cpuS, c.pricePerHour, cost],
  );
  // the files are not needed once the result is in: a year of jobs keeps its outputs, not its bundles
  await fleet.pool.query(`update fleet_jobs set state = 'done', progress = null, payload = null, updated_at = now() where id = $1`, [c.jobId]);
  await fleet.boss.complete(c.queue, c.jobId, { exit_code: outcome.exitCode, recorded: inserted.rowCount ? 'now' : 'earlier' });
  await notifyJob(fleet, c.jobId);
  c.log(`job ${c.jobId}: exit ${outcome.exitCode} in ${outcome.wallS.toFixed(1)} s${inserted.rowCount ? '' : ' (an earlier attempt was recorded; this one is dropped)'}`);
}

/** Hands the jobs of silent workers back to pg-boss for a retry; a job is taken back once, by whichever worker gets there first. */
async function reapSilent(fleet: Fleet, deadAfterS: number, log: (line: string) => void): Promise<void> {
  const silent = await fleet.pool.query(
    `select j.id, j.queue, j.worker_id, w.host from fleet_jobs j join fleet_workers w on w.id = j.worker_id
     where j.state = 'started' and w.heartbeat_at < now() - make_interval(secs => $1)`,
    [deadAfterS],
  );
  for (const r of silent.rows as Array<{ id: string; queue: string; worker_id: string; host: string }>) {
    const won = await fleet.pool.query(
      `update fleet_jobs set state = 'queued', worker_id = null, progress = $3, updated_at = now() where id = $1 and worker_id = $2 and state = 'started' returning id`,
      [r.id, r.worker_id, `retrying: the worker on ${r.host} stopped answering`],
    );
    if (!won.rowCount) continue;
    await fleet.pool.query(`update fleet_workers set state = 'lost' where id = $1 and state <> 'stopped'`, [r.worker_id]);
    await fleet.boss.fail(r.queue, r.id, { message: `worker ${r.worker_id} stopped sending heartbeats` });
    await fleet.pool.query('select pg_notify($1, $2), pg_notify($3, $4)', [JOB_CHANNEL, r.id, WORK_CHANNEL, r.queue]);
    log(`job ${r.id}: its worker ${r.worker_id} went silent; handed back for a retry`);
  }
}
