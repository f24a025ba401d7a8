// The client's side of a job: submitting it (its row and files in
// fleet_jobs, then pg-boss's job in the queue of its tag, then a notification
// that wakes the workers of that queue), and waiting for it: news arrives by
// LISTEN on the job's channel, with a poll as the fallback, so the client
// knows a job has started or finished within milliseconds. A job whose tag no
// live worker has is cancelled after a short wait, with a message that says
// so, instead of waiting for ever.
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import pg from 'pg';
import { BackendUnavailableError, InternalError } from '../model/errors.ts';
import type { Fleet } from './connect.ts';
import { commandText, type JobSpec } from './spec.ts';
import { fleetTimings, JOB_CHANNEL, WORK_CHANNEL } from './settings.ts';

export interface SubmitOptions {
  spec: JobSpec;
  tag: string;
  payload: Buffer | null;
}

/** Submits a job; returns its id (pg-boss's id and fleet_jobs' are the same). */
export async function submitJob(fleet: Fleet, o: SubmitOptions): Promise<{ id: string; queue: string }> {
  const id = randomUUID();
  const queue = await fleet.queueFor(o.tag, o.spec.kind);
  await fleet.pool.query(`insert into fleet_jobs (id, kind, tag, queue, command, spec, payload, submitted_from) values ($1, $2, $3, $4, $5, $6, $7, $8)`, [
    id,
    o.spec.kind,
    o.tag,
    queue,
    commandText(o.spec),
    JSON.stringify(o.spec),
    o.payload,
    os.hostname(),
  ]);
  await fleet.boss.send(queue, { kind: o.spec.kind }, { id });
  await fleet.pool.query('select pg_notify($1, $2)', [WORK_CHANNEL, queue]);
  return { id, queue };
}

/** The live workers (a heartbeat within the dead-after time) that have `tag` and can run `kind`. */
export async function liveWorkersFor(fleet: Fleet, tag: string, kind: JobSpec['kind']): Promise<Array<{ id: string; host: string }>> {
  const { deadAfterS } = fleetTimings();
  const r = await fleet.pool.query(
    `select id, host from fleet_workers where state in ('idle', 'busy') and heartbeat_at > now() - make_interval(secs => $1) and $2 = any(tags) and kinds && $3::text[] order by id`,
    [deadAfterS, tag, [kind]],
  );
  return r.rows as Array<{ id: string; host: string }>;
}

export interface JobResultRow {
  job_id: string;
  worker_id: string;
  host: string;
  attempt: number;
  exit_code: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  history_key: string | null;
  started_at: Date;
  finished_at: Date;
  wall_s: number;
  cpu_s: number;
  price_per_hour: number | null;
  cost: number | null;
}

export interface WaitOptions {
  queue: string;
  tag: string;
  kind: JobSpec['kind'];
  /** News for the user: queued, started on HOST, case i of n. */
  onNews?(line: string): void;
  signal?: AbortSignal;
}

/** Waits for the job's result. Throws BackendUnavailableError when no live worker has its tag, InternalError when pg-boss gave it up. */
export async function waitForJob(fleet: Fleet, id: string, o: WaitOptions): Promise<JobResultRow> {
  const t = fleetTimings();
  const listener = new pg.Client({ connectionString: fleet.url, application_name: 'assay-remote' });
  listener.on('error', () => {});
  let wake: (() => void) | null = null;
  listener.on('notification', (n) => {
    if (n.payload === id) {
      wake?.();
      wake = null;
    }
  });
  await listener.connect();
  await listener.query(`listen ${JOB_CHANNEL}`);
  const onAbort = (): void => {
    wake?.();
    wake = null;
  };
  o.signal?.addEventListener('abort', onAbort);
  let said = '';
  let noWorkerSince: number | null = null;
  let lastStateCheck = 0;
  try {
    for (;;) {
      const res = await fleet.pool.query('select * from fleet_results where job_id = $1', [id]);
      if (res.rows[0]) return res.rows[0] as JobResultRow;
      if (o.signal?.aborted) throw new InterruptedWait(id);
      const job = (
        await fleet.pool.query(
          `select j.state, j.host, j.attempts, j.progress, coalesce(w.heartbeat_at < now() - make_interval(secs => $2), false) as silent
           from fleet_jobs j left join fleet_workers w on w.id = j.worker_id where j.id = $1`,
          [id, t.deadAfterS],
        )
      ).rows[0] as { state: string; host: string | null; attempts: number; progress: string | null; silent: boolean } | undefined;
      if (!job) throw new InternalError(`job ${id} is not in the fleet's tables`);
      const news = job.state === 'queued' ? (job.progress ?? 'queued') : job.state === 'started' ? `started on ${job.host}${job.attempts > 1 ? ` (attempt ${job.attempts})` : ''}${job.progress ? `: ${job.progress}` : ''}` : '';
      if (news && news !== said) {
        o.onNews?.(news);
        said = news;
      }
      // a job waits for a live worker while queued, and also while started on one that went silent: a live one hands it back
      if (job.state === 'queued' || (job.state === 'started' && job.silent)) {
        const live = await liveWorkersFor(fleet, o.tag, o.kind);
        if (live.length) noWorkerSince = null;
        else {
          noWorkerSince ??= Date.now();
          if (Date.now() - noWorkerSince >= t.noWorkerS * 1000) {
            await fleet.boss.cancel(o.queue, id).catch(() => {});
            await fleet.pool.query(`update fleet_jobs set state = 'failed', progress = $2, updated_at = now() where id = $1 and state in ('queued', 'started')`, [id, `no live worker has tag ${o.tag}`]);
            throw new BackendUnavailableError(
              `no live worker has tag "${o.tag}" (waited ${t.noWorkerS} s); \`assay workers\` lists the workers and their tags. Start one with \`assay worker --db URL --tags ${o.tag}\`, or give another --remote tag. Job ${id} was cancelled.`,
            );
          }
        }
      }
      // pg-boss gives a job up after its retries; read its state now and then, not on every wake
      if (Date.now() - lastStateCheck > 2000) {
        lastStateCheck = Date.now();
        const b = await fleet.boss.getJobById(o.queue, id);
        if (b && (b.state === 'failed' || b.state === 'cancelled')) {
          const again = await fleet.pool.query('select * from fleet_results where job_id = $1', [id]);
          if (again.rows[0]) return again.rows[0] as JobResultRow;
          throw new InternalError(`job ${id} was given up by the queue after ${job.attempts} attempt${job.attempts === 1 ? '' : 's'} (${JSON.stringify(b.output ?? {}).slice(0, 300)}); \`assay jobs ${id}\` shows what is known`);
        }
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(1000, t.pollS * 1000));
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  } finally {
    o.signal?.removeEventListener('abort', onAbort);
    await listener.end().catch(() => {});
  }
}

/** Ctrl-C while waiting: the job goes on on its worker. */
export class InterruptedWait extends Error {
  constructor(readonly id: string) {
    super(`stopped waiting for job ${id}; it goes on on its worker: \`assay jobs ${id}\` shows it`);
  }
}
