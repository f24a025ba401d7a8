// The dashboard (`assay report --html DIR`) in a real headless Chromium, from
// Debian's chromium package, driven by playwright-core: generated from a real
// SQLite store, it loads from disk with nothing fetched and no console errors,
// its charts draw on canvases that are not blank, a filter changes what is
// shown, hovering a chart shows the night's sha, and a screenshot is written to
// test/artifacts/dashboard.png.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../harness/store/history/sqlite.ts';
import { nightlyHistory, shaOf } from './history-fixtures.ts';
import { CHROMIUM, CHROMIUM_ARGS } from './chromium.ts';
import { assay, ROOT } from './helpers.ts';


describe('dashboard in headless Chromium', () => {
  const tmp = mkdtempSync(path.join(tmpdir(), 'assay-dashboard-'));
  const db = path.join(tmp, 'history.sqlite');
  const out = path.join(tmp, 'site');
  let browser: Browser;

  beforeAll(async () => {
    const store = await openSqliteStore(db);
    for (const r of nightlyHistory({ nights: 60, caseCount: 12, samples: 8, steps: [{ case: 0, night: 30, factor: 1.15 }, { case: 3, night: 40, factor: 0.8 }] })) await store.recordRun(r, { source: 'nightly' });
    await store.recordScore({ schema: 1, problem: 'matmul', candidate: 'agents/tiled.wgsl', kind: 'wgsl', verdict: 'accepted', stage: 'done', checks: [], speedup: { vs: 'matmul/reference.ts', point: 5.2, ci: [5.0, 5.4] } });
    await store.recordScore({ schema: 1, problem: 'matmul', candidate: 'agents/reuse.ts', kind: 'js', verdict: 'rejected', stage: 'verify', reason: 'output left unwritten', checks: [] });
    await store.close();
    mkdirSync(out);
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  });
  afterAll(async () => {
    await browser?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('loads offline with no errors, draws, filters, shows a sha on hover, and is screenshotted', async () => {
    const r = assay(['report', '--html', out, '--db', db]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/wrote .*index\.html \(12 series, 720 nights/);
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('request', (q) => {
      if (!q.url().startsWith('file:')) problems.push(`fetched ${q.url()}`);
    });
    await page.goto(pathToFileURL(path.join(out, 'index.html')).href);
    await page.waitForSelector('body[data-ready]');
    expect(Number(await page.getAttribute('body', 'data-ready'))).toBeGreaterThanOrEqual(3);

    // the charts in view are drawn, and not blank: many pixels are neither transparent nor white
    const inked = await page.$$eval('.card:not([hidden]) canvas', (cs) =>
      cs.slice(0, 3).map((c) => {
        // the test's tsconfig has no DOM types: the canvas as far as it is used here
        const canvas = c as unknown as { width: number; height: number; getContext(k: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } };
        const px = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
        let n = 0;
        for (let i = 0; i < px.length; i += 4) if (px[i + 3]! > 0 && (px[i]! < 235 || px[i + 1]! < 235 || px[i + 2]! < 235)) n++;
        return n;
      }),
    );
    expect(inked).toHaveLength(3);
    for (const n of inked) expect(n).toBeGreaterThan(1500);

    // the worst case comes first: the 15% step is a regression
    expect(await page.textContent('#verdicts tbody tr:first-child')).toMatch(/slower.*matmul\/v0\.ts\[n=64\].*\+15%/);
    const visible = (): Promise<string[]> => page.$$eval('.card:not([hidden]) h3', (hs) => hs.map((h) => h.textContent ?? ''));
    expect(await visible()).toHaveLength(12);
    await page.selectOption('#f-problem', 'matmul');
    const matmul = await visible();
    expect(matmul.length).toBeGreaterThan(0);
    expect(matmul.length).toBeLessThan(12);
    expect(matmul.every((t) => t.startsWith('matmul/'))).toBe(true);
    expect(await page.textContent('#count')).toBe(`${matmul.length} of 12 series`);
    await page.fill('#f-text', 'v5');
    expect(await visible()).toEqual(['matmul/v5.cc[n=128]']);
    await page.fill('#f-text', 'no such case');
    expect(await visible()).toEqual([]);
    expect(await page.isVisible('#no-match')).toBe(true);
    await page.fill('#f-text', '');
    await page.selectOption('#f-problem', '');
    expect(await visible()).toHaveLength(12);

    // hovering the first chart shows that night's sha
    const over = await page.$('.card:not([hidden]) .u-over');
    const box = (await over!.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.75, box.y + box.height / 2);
    const tip = await page.waitForSelector('.card .tip', { state: 'visible' });
    const text = (await tip.textContent()) ?? '';
    const sha = text.match(/sha ([0-9a-f]{10})/)?.[1];
    expect(sha, text).toBeDefined();
    expect(Array.from({ length: 60 }, (_, i) => shaOf(i).slice(0, 10))).toContain(sha);
    expect(text).toMatch(/median \d/);
    expect(text).toMatch(/mode time/);

    // the leaderboard of the recorded scores
    expect(await page.textContent('#leaderboards')).toMatch(/matmul.*2 candidates · fast_1 50% · fast_1\.5 50%.*agents\/tiled\.wgsl.*5\.20×/);

    const shot = path.join(ROOT, 'test', 'artifacts', 'dashboard.png');
    mkdirSync(path.dirname(shot), { recursive: true });
    await page.screenshot({ path: shot });
    expect(existsSync(shot)).toBe(true);
    expect(problems).toEqual([]);
    await page.close();
  });
});
