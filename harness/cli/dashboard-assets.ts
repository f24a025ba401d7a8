// The files the dashboard inlines, read from disk when a page is generated:
// uPlot's script and styles from its package, and the page's own script and
// styles from report/html/. Kept out of report/, which only turns data into text.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { InternalError } from '../model/errors.ts';
import type { DashboardAssets } from '../report/html/page.ts';

let cached: DashboardAssets | undefined;

export function dashboardAssets(): DashboardAssets {
  if (cached) return cached;
  const read = (file: string): string => {
    try {
      return readFileSync(file, 'utf8');
    } catch (e) {
      throw new InternalError(`the dashboard cannot read ${file}: ${(e as Error).message}; reinstall Assay (npm ci)`);
    }
  };
  let uplotDir: string;
  try {
    uplotDir = path.dirname(createRequire(import.meta.url).resolve('uplot/package.json'));
  } catch (e) {
    throw new InternalError(`the dashboard needs the uplot package, which is not installed (${(e as Error).message}); reinstall Assay (npm ci)`);
  }
  const own = fileURLToPath(new URL('../report/html/', import.meta.url));
  cached = {
    uplotJs: read(path.join(uplotDir, 'dist', 'uPlot.iife.min.js')),
    uplotCss: read(path.join(uplotDir, 'dist', 'uPlot.min.css')),
    appJs: read(path.join(own, 'dashboard.client.js')),
    appCss: read(path.join(own, 'dashboard.css')),
  };
  return cached;
}
