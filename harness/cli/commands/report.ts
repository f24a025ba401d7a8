// `assay report --html DIR`: the static dashboard of the history store, one
// self-contained DIR/index.html that opens offline from a file:// URL. The
// command reads the store; report/html/ turns what it read into the page.
import { statSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { FleetCost, HistorySeries } from '../../model/history.ts';
import { UsageError } from '../../model/errors.ts';
import { displayPath } from '../../model/files.ts';
import { buildDashboardData, type DashboardInput } from '../../report/html/data.ts';
import { renderDashboard } from '../../report/html/page.ts';
import { DEFAULT_THRESHOLD } from '../../stats/compare.ts';
import { isPostgresUrl } from '../../store/history/db-url.ts';
import { historyLocation, openHistoryStore } from '../../store/history/open.ts';
import type { HistoryStore } from '../../store/history/store.ts';
import { parseOrUsage } from '../args.ts';
import { dashboardAssets } from '../dashboard-assets.ts';
import { DONE, type Outcome } from '../exit.ts';
import { writeOutput } from '../output.ts';
import { parseThreshold } from '../verdict-options.ts';

interface DashboardOptions {
  machine?: string;
  threshold?: number;
  title?: string;
  /** The fleet's costs, when the store is a fleet's database. */
  costs?: FleetCost[];
}

/** Every series of the store (of one machine, when given), and its scores, as the dashboard takes them. */
export async function gatherDashboardInput(store: HistoryStore, o: DashboardOptions = {}): Promise<DashboardInput> {
  const series: HistorySeries[] = [];
  for (const c of await store.cases()) {
    const { series: parts, ...ref } = c;
    for (const s of parts) {
      if (o.machine !== undefined && s.machine !== o.machine) continue;
      series.push({ case: ref, machine: s.machine, mode: s.mode, points: await store.series(c.id, { machine: s.machine, mode: s.mode }) });
    }
  }
  return {
    store: displayPath(store.location),
    generatedAt: new Date().toISOString(),
    series,
    scores: await store.scores(),
    ...(o.costs ? { costs: o.costs } : {}),
    threshold: o.threshold ?? DEFAULT_THRESHOLD,
    ...(o.title !== undefined ? { title: o.title } : {}),
  };
}

/** The dashboard page's HTML for what the store holds. */
export async function dashboardHtml(store: HistoryStore, o: DashboardOptions = {}): Promise<{ html: string; series: number; points: number }> {
  const data = buildDashboardData(await gatherDashboardInput(store, o));
  return { html: renderDashboard(data, dashboardAssets()), series: data.series.length, points: data.points };
}

export async function reportCommand(args: string[]): Promise<Outcome> {
  const { values, positionals } = parseOrUsage(
    () => parseArgs({ args, allowPositionals: true, options: { html: { type: 'string' }, db: { type: 'string' }, machine: { type: 'string' }, threshold: { type: 'string' }, title: { type: 'string' } } }),
    'report',
  );
  if (values.html === undefined) throw new UsageError('report writes the dashboard: assay report --html DIR [--db PATH] [--machine ID]');
  if (positionals.length) throw new UsageError(`report takes no positional arguments (got ${positionals.map((p) => `"${p}"`).join(', ')}); the folder goes after --html`);
  const dir = path.resolve(values.html);
  try {
    if (!statSync(dir).isDirectory()) throw new UsageError(`--html takes a folder, and ${values.html} is a file`);
  } catch (e) {
    if (e instanceof UsageError) throw e;
  }
  const location = historyLocation(values.db);
  const store = await openHistoryStore(location);
  try {
    // a PostgreSQL store may be a fleet's database: its jobs' costs go on the page too (pg-boss is not loaded)
    const costs = isPostgresUrl(location) ? await (await import('../../fleet/costs.ts')).fleetCosts(location) : [];
    const o = {
      ...(costs.length ? { costs } : {}),
      ...(values.machine !== undefined ? { machine: values.machine } : {}),
      ...(values.threshold !== undefined ? { threshold: parseThreshold(values.threshold) } : {}),
      ...(values.title !== undefined ? { title: values.title } : {}),
    };
    const page = await dashboardHtml(store, o);
    const file = path.join(dir, 'index.html');
    writeOutput(file, page.html);
    process.stdout.write(`wrote ${displayPath(file)} (${page.series} series, ${page.points} nights, ${Math.round(Buffer.byteLength(page.html) / 1024)} KiB): open ${pathToFileURL(file).href}\n`);
    return DONE;
  } finally {
    await store.close();
  }
}
