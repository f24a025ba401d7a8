// The fleet's timings, in one place: how often a worker says it is alive, when
// a silent one is taken for dead (and its job handed out again), how often an
// idle worker asks its queues when no notification woke it, and how long a
// `--remote` command waits for a live worker with its tag before it gives up.
// Tests and small fleets turn them down through the environment.

function seconds(name: string, fallback: number, min: number): number {
  const v = Number(process.env[name]);
  return process.env[name] && Number.isFinite(v) && v >= min ? v : fallback;
}

export interface FleetTimings {
  /** Seconds between heartbeats (ASSAY_FLEET_HEARTBEAT_S). */
  heartbeatS: number;
  /** Seconds without a heartbeat after which a worker is dead: three heartbeats. */
  deadAfterS: number;
  /** Seconds between an idle worker's polls of its queues (ASSAY_FLEET_POLL_S); a notification wakes it sooner. */
  pollS: number;
  /** Seconds a `--remote` job waits for a live worker with its tag (ASSAY_FLEET_NO_WORKER_S). */
  noWorkerS: number;
}

export function fleetTimings(): FleetTimings {
  const heartbeatS = seconds('ASSAY_FLEET_HEARTBEAT_S', 5, 0.2);
  return { heartbeatS, deadAfterS: 3 * heartbeatS, pollS: seconds('ASSAY_FLEET_POLL_S', 2, 0.05), noWorkerS: seconds('ASSAY_FLEET_NO_WORKER_S', 15, 0) };
}

/** The channel on which a submitted job wakes the workers of its queue (the payload is the queue's name). */
export const WORK_CHANNEL = 'assay_fleet_work';
/** The channel on which a job's news (started, progress, finished) reaches its client (the payload is the job's id). */
export const JOB_CHANNEL = 'assay_fleet_job';
