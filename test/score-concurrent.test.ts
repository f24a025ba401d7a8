// Several `assay score` processes at once build and verify side by side but
// measure one at a time: the machine-wide measure lock (flock through the
// addon) orders them, and the one that waited says for whom and how long.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Score } from '../harness/model/types.ts';
import { acquireMeasureLock, type LockHolder } from '../harness/score/lock.ts';
import { ROOT } from './helpers.ts';

const BIN = path.join(ROOT, 'harness/cli/assay.mjs');

function score(candidate: string, lock: string): Promise<{ code: number | null; score: Score; stderr: string }> {
  return new Promise((resolve, reject) => {
    const args = ['score', '--kernels', 'test/fixtures/kernels', '--problem', 'tiny', '--candidate', candidate, '--time', '0.2', '--held-out', '1', '--point', 'n=37', '--json'];
    const p = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, ASSAY_MEASURE_LOCK: lock } });
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => (out += d));
    p.stderr.on('data', (d: Buffer) => (err += d));
    p.on('error', reject);
    p.on('exit', (code) => {
      try {
        resolve({ code, score: JSON.parse(out) as Score, stderr: err });
      } catch (e) {
        reject(new Error(`no Score JSON (exit ${code}): ${err}`));
      }
    });
  });
}

describe('two assay score runs at once', () => {
  it('never measure at the same time', async () => {
    const lockDir = mkdtempSync(path.join(tmpdir(), 'assay-lock-'));
    const lock = path.join(lockDir, 'measure.lock');
    const [a, b] = await Promise.all([score('test/fixtures/kernels/tiny/good.ts', lock), score('test/fixtures/kernels/tiny/async-good.ts', lock)]);
    rmSync(lockDir, { recursive: true, force: true });
    expect([a.code, b.code]).toEqual([0, 0]);
    const ma = a.score.cost.stages.measure!;
    const mb = b.score.cost.stages.measure!;
    // one measure stage ends before the other begins
    expect(ma.finished_at <= mb.started_at || mb.finished_at <= ma.started_at, JSON.stringify({ ma, mb })).toBe(true);
    // and their verify stages overlapped, or at least were not ordered by the lock
    const [first, second] = ma.started_at < mb.started_at ? [a, b] : [b, a];
    const waited = second.score.checks.find((c) => c.name === 'measure lock')!;
    expect(waited.passed).toBe(true);
    if (second.score.cost.stages.measure!.lock_wait_s! > 0.05) {
      expect(waited.detail).toMatch(new RegExp(`waited \\d+\\.\\d+ s for pid \\d+ \\(assay score tiny ${first.score.candidate.replace(/[.]/g, '\\.')}\\)`));
      expect(second.stderr).toMatch(/waiting for the measure lock, held by pid \d+/);
    }
  });

  it('a waiter names the holder as soon as the holder has written its name, not only every two seconds', async () => {
    const lockDir = mkdtempSync(path.join(tmpdir(), 'assay-lock-'));
    const lock = path.join(lockDir, 'measure.lock');
    try {
      const held = await acquireMeasureLock('holder A', undefined, lock);
      // the window between taking the lock and writing its name: the waiter's first look finds no name
      unlinkSync(`${lock}.holder.json`);
      const heard: Array<LockHolder | null> = [];
      const waiter = acquireMeasureLock('waiter B', (h) => heard.push(h), lock);
      await new Promise((r) => setTimeout(r, 80));
      writeFileSync(`${lock}.holder.json`, JSON.stringify({ pid: 4242, what: 'holder A', since: Date.now() }));
      await new Promise((r) => setTimeout(r, 300));
      held.release();
      const got = await waiter;
      got.release();
      expect(heard[0]).toBeNull();
      expect(heard.find((h) => h !== null)).toMatchObject({ pid: 4242, what: 'holder A' });
      expect(got.waitedFor).toMatchObject({ pid: 4242 });
    } finally {
      rmSync(lockDir, { recursive: true, force: true });
    }
  });
});
