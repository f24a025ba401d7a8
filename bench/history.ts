// `npm run bench:history`: the history store, change points and the dashboard at
// the size of a year of nightly runs of 100 cases (36,500 points). It measures:
// - record time per run: recordRun of one night's 100 cases with their samples
//   into a SQLite file that grows to a year, and the whole nightly step (record,
//   then new change points for every case);
// - change-point detection over the year for all 100 cases, and reading the
//   series it runs on;
// - dashboard generation (read the store, build, render, write) and its size;
// - the page in headless Chromium: load to charts drawn, and a filter applied.
// Sizing: HISTORY_NIGHTS (365), HISTORY_CASES (100), HISTORY_SAMPLES per case (50),
// HISTORY_LOADS page loads (5). Prints a markdown table for docs/history.md.
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { recordNight } from '../harness/cli/commands/nightly.ts';
import { dashboardHtml } from '../harness/cli/commands/report.ts';
import { analyzeSeries } from '../harness/stats/series-changes.ts';
import { openSqliteStore } from '../harness/store/history/sqlite.ts';
import { CHROMIUM, CHROMIUM_ARGS } from '../test/chromium.ts';
import { nightlyHistory } from '../test/history-fixtures.ts';

const NIGHTS = Number(process.env.HISTORY_NIGHTS ?? 365);
const CASES = Number(process.env.HISTORY_CASES ?? 100);
const SAMPLES = Number(process.env.HISTORY_SAMPLES ?? 50);
const LOADS = Number(process.env.HISTORY_LOADS ?? 5);

const quantile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
};
const ms = (x: number): string => (x < 10 ? x.toFixed(2) : x < 100 ? x.toFixed(1) : x.toFixed(0));
const rows: Array<[string, string]> = [];
const row = (what: string, value: string): void => {
  rows.push([what, value]);
  process.stderr.write(`${what}: ${value}\n`);
};

const tmp = mkdtempSync(path.join(tmpdir(), 'assay-bench-history-'));
try {
  process.stderr.write(`generating ${NIGHTS} nights of ${CASES} cases with ${SAMPLES} samples each...\n`);
  // a tenth of the cases get a step some night: slower, or faster
  const steps = Array.from({ length: Math.ceil(CASES / 10) }, (_, k) => ({ case: k * 10, night: Math.floor(NIGHTS * (0.2 + (0.6 * k) / Math.max(1, CASES / 10))), factor: k % 2 ? 0.85 : 1.1 }));
  const runs = nightlyHistory({ nights: NIGHTS, caseCount: CASES, samples: SAMPLES, steps, machine: 'bench-machine' });
  const db = path.join(tmp, 'history.sqlite');
  const store = await openSqliteStore(db);

  // every night but the last is recorded alone; the last goes through the whole nightly step
  const record: number[] = [];
  for (const r of runs.slice(0, -1)) {
    const t = performance.now();
    await store.recordRun(r, { source: 'nightly' });
    record.push(performance.now() - t);
  }
  const t0 = performance.now();
  const night = await recordNight(store, runs[runs.length - 1]!, { mode: 'time', threshold: 0.02 });
  const nightly = performance.now() - t0;
  row(`recordRun, one night of ${CASES} cases × ${SAMPLES} samples (median / p95 / max over ${record.length} nights)`, `${ms(quantile(record, 0.5))} / ${ms(quantile(record, 0.95))} / ${ms(Math.max(...record))} ms`);
  row(`the nightly step on night ${NIGHTS}: record, then new change points in ${CASES} cases`, `${ms(nightly)} ms (${night.changes.length} new change points)`);
  row('store size after the year', `${(statSync(db).size / 2 ** 20).toFixed(1)} MiB`);

  // change points over the year, for every case
  let t = performance.now();
  const cases = await store.cases();
  const series = [];
  for (const c of cases) series.push(await store.series(c.id, { machine: 'bench-machine' }));
  const read = performance.now() - t;
  t = performance.now();
  let found = 0;
  for (const s of series) found += analyzeSeries(s).changes.length;
  const detect = performance.now() - t;
  row(`reading ${cases.length} series of ${NIGHTS} nights`, `${ms(read)} ms`);
  row(`change-point detection over ${NIGHTS} nights for ${cases.length} cases`, `${ms(detect)} ms (${ms(detect / cases.length)} ms a case; ${found} change points, ${steps.length} planted)`);

  // the dashboard
  const site = path.join(tmp, 'site');
  mkdirSync(site);
  const gen: number[] = [];
  let size = 0;
  for (let i = 0; i < 3; i++) {
    t = performance.now();
    const page = await dashboardHtml(store, {});
    writeFileSync(path.join(site, 'index.html'), page.html);
    gen.push(performance.now() - t);
    size = Buffer.byteLength(page.html);
  }
  await store.close();
  row(`dashboard generation (read the store, build, render, write; median of 3)`, `${ms(quantile(gen, 0.5))} ms, ${(size / 2 ** 20).toFixed(2)} MiB page`);

  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  const loads: number[] = [];
  const filters: number[] = [];
  try {
    for (let i = 0; i < LOADS; i++) {
      const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(pathToFileURL(path.join(site, 'index.html')).href);
      await page.waitForSelector('body[data-ready]');
      // from the navigation's start to the charts in view painted (the page's own mark)
      loads.push(Number(await page.evaluate(`performance.getEntriesByName('assay:drawn')[0].startTime`)));
      if (errors.length) throw new Error(`the page threw: ${errors.join('; ')}`);
      // a filter: type into the search box, and wait for the layout and paint that follow
      // (a string, so that it is compiled for the page and not checked against Node's types)
      filters.push(
        Number(
          await page.evaluate(`new Promise((resolve) => {
            const input = document.querySelector('#f-text');
            const t0 = performance.now();
            input.value = 'matmul n=64';
            input.dispatchEvent(new Event('input'));
            void document.body.offsetHeight;
            requestAnimationFrame(() => resolve(performance.now() - t0));
          })`),
        ),
      );
      await page.close();
    }
  } finally {
    await browser.close();
  }
  row(`page load in headless Chromium at 1440×900, from navigation to the charts in view painted (median / max of ${LOADS})`, `${ms(quantile(loads, 0.5))} / ${ms(Math.max(...loads))} ms`);
  row(`a text filter over ${cases.length} series, to the next frame (median / max of ${LOADS})`, `${ms(quantile(filters, 0.5))} / ${ms(Math.max(...filters))} ms`);

  process.stdout.write(`\n| what (${NIGHTS} nights × ${CASES} cases = ${(NIGHTS * CASES).toLocaleString('en')} points) | measured |\n|---|---|\n`);
  for (const [w, v] of rows) process.stdout.write(`| ${w} | ${v} |\n`);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
