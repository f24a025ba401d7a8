// `assay jobs [ID] [--db URL] [--json] [--limit N]`: the fleet's jobs, newest
// first, with their state, host, exit code, wall and CPU seconds and cost, and
// the total cost; with an ID (or the first 8 or more characters of one), that
// job whole, with what it printed.
import { parseArgs } from 'node:util';
import { UsageError } from '../../model/errors.ts';
import { connectFleet, fleetUrl } from '../../fleet/connect.ts';
import { parseOrUsage } from '../args.ts';
import { DONE, type Outcome } from '../exit.ts';
import { table } from './workers.ts';

interface JobRow {
  id: string;
  kind: string;
  tag: string;
  command: string;
  state: string;
  host: string | null;
  attempts: number;
  progress: string | null;
  submitted_at: Date;
  submitted_from: string;
  exit_code: number | null;
  wall_s: number | null;
  cpu_s: number | null;
  cost: number | null;
  price_per_hour: number | null;
  history_key: string | null;
  stdout: string | null;
  stderr: string | null;
  finished_at: Date | null;
}

const SELECT = `select j.id, j.kind, j.tag, j.command, j.host as job_host, j.attempts, j.progress, j.submitted_at, j.submitted_from,
  case when r.job_id is not null then 'done' else j.state end as state, coalesce(r.host, j.host) as host,
  r.exit_code, r.wall_s, r.cpu_s, r.cost, r.price_per_hour, r.history_key, r.finished_at`;

export async function jobsCommand(args: string[]): Promise<Outcome> {
  const { values, positionals } = parseOrUsage(
    () => parseArgs({ args, allowPositionals: true, options: { db: { type: 'string' }, json: { type: 'boolean' }, limit: { type: 'string' } } }),
    'jobs',
  );
  const limit = values.limit === undefined ? 20 : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1) throw new UsageError(`--limit takes a whole number of jobs, not "${values.limit}"`);
  const id = positionals[0];
  if (id !== undefined && !/^[0-9a-f-]{8,36}$/i.test(id)) throw new UsageError(`jobs: "${id}" is not a job id (\`assay jobs\` lists them)`);
  const fleet = await connectFleet(fleetUrl(values.db, 'jobs'));
  try {
    if (id !== undefined) {
      const r = await fleet.pool.query(`${SELECT}, r.stdout, r.stderr from fleet_jobs j left join fleet_results r on r.job_id = j.id where j.id::text like $1 order by j.submitted_at desc limit 2`, [`${id.toLowerCase()}%`]);
      if (!r.rows.length) throw new UsageError(`jobs: no job ${id} on ${fleet.shown}`);
      if (r.rows.length > 1) throw new UsageError(`jobs: ${id} begins more than one job id; give more of it`);
      const j = r.rows[0] as JobRow;
      if (values.json) {
        process.stdout.write(`${JSON.stringify(j, null, 2)}\n`);
        return DONE;
      }
      const lines = [
        `job ${j.id}: ${j.kind} on tag ${j.tag}, ${j.state}${j.exit_code !== null ? ` (exit ${j.exit_code})` : ''}`,
        `  command    assay ${j.command}`,
        `  submitted  ${j.submitted_at.toISOString()} from ${j.submitted_from}`,
        ...(j.host ? [`  host       ${j.host} (attempt ${j.attempts})`] : []),
        ...(j.progress && j.state !== 'done' ? [`  progress   ${j.progress}`] : []),
        ...(j.wall_s !== null ? [`  cost       wall ${j.wall_s.toFixed(1)} s, cpu ${j.cpu_s!.toFixed(1)} s${j.cost !== null ? `, ${j.cost.toFixed(4)} at ${j.price_per_hour}/hour` : ''}`] : []),
        ...(j.history_key ? [`  history    recorded as ${j.history_key}`] : []),
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
      if (j.stdout) process.stdout.write(`\n${j.stdout}`);
      if (j.stderr) process.stdout.write(`\nstderr:\n${j.stderr}`);
      return DONE;
    }
    const r = await fleet.pool.query(`${SELECT} from fleet_jobs j left join fleet_results r on r.job_id = j.id order by j.submitted_at desc limit $1`, [limit]);
    const rows = r.rows as JobRow[];
    if (values.json) {
      process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
      return DONE;
    }
    if (!rows.length) {
      process.stdout.write(`no jobs on ${fleet.shown}\n`);
      return DONE;
    }
    const cells = rows.map((j) => [
      j.id.slice(0, 8),
      j.kind,
      j.tag,
      j.state,
      j.host ?? '-',
      j.exit_code === null ? '-' : String(j.exit_code),
      j.wall_s === null ? '-' : `${j.wall_s.toFixed(1)} s`,
      j.cpu_s === null ? '-' : `${j.cpu_s.toFixed(1)} s`,
      j.cost === null ? '-' : j.cost.toFixed(4),
      j.command.length > 60 ? `${j.command.slice(0, 59)}…` : j.command,
    ]);
    process.stdout.write(table(['job', 'kind', 'tag', 'state', 'host', 'exit', 'wall', 'cpu', 'cost', 'command'], cells));
    const total = rows.reduce((s, j) => s + (j.cost ?? 0), 0);
    const wall = rows.reduce((s, j) => s + (j.wall_s ?? 0), 0);
    process.stdout.write(`${rows.length} job${rows.length === 1 ? '' : 's'}: wall ${wall.toFixed(1)} s, cost ${total.toFixed(4)} (jobs on workers with a --price-per-hour)\n`);
    return DONE;
  } finally {
    await fleet.close();
  }
}
