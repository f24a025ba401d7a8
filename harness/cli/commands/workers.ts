// `assay workers [--db URL] [--json] [--all]`: the fleet's live workers (a
// heartbeat within the last three), with their host, tags, state and job;
// with --all, also the stopped and lost ones of the last day.
import { parseArgs } from 'node:util';
import { connectFleet, fleetUrl } from '../../fleet/connect.ts';
import { fleetTimings } from '../../fleet/settings.ts';
import { parseOrUsage } from '../args.ts';
import { DONE, type Outcome } from '../exit.ts';

export async function workersCommand(args: string[]): Promise<Outcome> {
  const { values } = parseOrUsage(() => parseArgs({ args, options: { db: { type: 'string' }, json: { type: 'boolean' }, all: { type: 'boolean' } } }), 'workers');
  const fleet = await connectFleet(fleetUrl(values.db, 'workers'));
  try {
    const { deadAfterS } = fleetTimings();
    const r = await fleet.pool.query(
      `select id, host, machine_id, tags, kinds, backends, price_per_hour, job_id, started_at, heartbeat_at,
              case when state in ('idle', 'busy', 'draining') and heartbeat_at < now() - make_interval(secs => $1) then 'lost' else state end as state,
              extract(epoch from now() - heartbeat_at)::float8 as silent_s
       from fleet_workers
       where ${values.all ? `heartbeat_at > now() - interval '1 day'` : `state in ('idle', 'busy', 'draining') and heartbeat_at > now() - make_interval(secs => $1)`}
       order by host, id`,
      [deadAfterS],
    );
    const rows = r.rows as Array<{ id: string; host: string; machine_id: string; tags: string[]; kinds: string[]; backends: Array<{ kind: string; ok: boolean }>; price_per_hour: number | null; job_id: string | null; state: string; silent_s: number }>;
    if (values.json) {
      process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
      return DONE;
    }
    if (!rows.length) {
      process.stdout.write(`no live workers on ${fleet.shown}; start one with \`assay worker --db URL --tags T\`\n`);
      return DONE;
    }
    const lines = rows.map((w) =>
      [w.id, w.state, w.tags.join(','), w.backends.filter((b) => b.ok).map((b) => b.kind).join(','), w.price_per_hour === null ? '-' : `${w.price_per_hour}/h`, w.job_id ?? '-', `${w.silent_s.toFixed(0)} s ago`],
    );
    process.stdout.write(table(['worker', 'state', 'tags', 'backends', 'price', 'job', 'heartbeat'], lines));
    return DONE;
  } finally {
    await fleet.close();
  }
}

/** A plain text table, columns padded to their widest cell. */
export function table(head: string[], rows: string[][]): string {
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]): string => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(w[i]!))).join('  ').trimEnd();
  return `${[line(head), ...rows.map(line)].join('\n')}\n`;
}
