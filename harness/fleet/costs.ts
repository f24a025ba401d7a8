// What the fleet's finished jobs took and cost, summed per host and kind of job,
// from the results the workers recorded (one row per job, keyed by its id, so a
// retried job is counted once). `assay report` puts it on the dashboard.
import type { FleetCost } from '../model/history.ts';
import { postgresPool } from '../store/history/postgres.ts';

/** The fleet's costs in the PostgreSQL database at `url`; none where no fleet ever ran there. */
export async function fleetCosts(url: string): Promise<FleetCost[]> {
  const pool = postgresPool(url, 1);
  try {
    const exists = await pool.query(`select to_regclass('fleet_results') is not null and to_regclass('fleet_jobs') is not null as ok`);
    if (!(exists.rows[0] as { ok: boolean }).ok) return [];
    const r = await pool.query(
      `select r.host, j.kind, count(*)::int as jobs, sum(r.wall_s) as wall_s, sum(r.cpu_s) as cpu_s,
              max(r.price_per_hour) as price_per_hour, sum(r.cost) as cost
         from fleet_results r join fleet_jobs j on j.id = r.job_id
        group by r.host, j.kind order by r.host, j.kind`,
    );
    return (r.rows as Array<Record<string, unknown>>).map((x) => ({
      host: String(x.host),
      kind: String(x.kind),
      jobs: Number(x.jobs),
      wall_s: Number(x.wall_s),
      cpu_s: Number(x.cpu_s),
      price_per_hour: x.price_per_hour === null ? null : Number(x.price_per_hour),
      cost: x.cost === null ? null : Number(x.cost),
    }));
  } finally {
    await pool.end();
  }
}
