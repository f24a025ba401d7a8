// Cheating candidates are rejected, each naming the check its cheat runs into,
// and honest ones (a tiled WGSL matmul, a loop-reordered JS matmul, a blocked C++
// matmul) are accepted with a speedup over the reference. Every fixture in
// test/fixtures/adversarial/matmul/ says what it expects in its header; all are
// scored in one session, each in its own sandboxed runner.
import { existsSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScoringSession } from '../harness/score/session.ts';
import { ADVERSARIAL, expectationOf, openSession, precompile } from './score-helpers.ts';
import { skipWebGpu } from './webgpu-adapter.ts';

const DIR = path.join(ADVERSARIAL, 'matmul');
const files = readdirSync(DIR)
  .filter((f) => /\.(ts|cc|wgsl|onnx)$/.test(f))
  .filter((f) => !(skipWebGpu && f.endsWith('.wgsl')))
  .sort();
/** Where the escaping candidates try to write, directly or through a process they start. */
const ESCAPES = ['assay-adversarial-escape-write.txt', 'assay-adversarial-escape-spawn.txt', 'assay-adversarial-escape-write-native.txt', 'assay-adversarial-escape-spawn-native.txt'].map((f) => path.join('/tmp', f));

describe('scoring adversarial candidates', () => {
  let session: ScoringSession;
  beforeAll(async () => {
    for (const f of ESCAPES) rmSync(f, { force: true });
    [session] = await Promise.all([openSession(), precompile(files.map((f) => path.join(DIR, f)))]);
  });
  afterAll(async () => {
    await session?.close();
  });

  it('holds a cheat for each known cheat, and the honest candidates', () => {
    const kinds = (ext: string): string[] => files.filter((f) => f.endsWith(ext)).map((f) => f.replace(/\.[^.]+$/, ''));
    expect(kinds('.ts')).toEqual(expect.arrayContaining(['unwritten', 'mutate-inputs', 'cache-identity', 'cache-values', 'deferred', 'worker', 'patch-clock', 'warmup', 'shapes-only', 'seeds-only', 'nan', 'fallback-reference', 'fallback-library', 'escape-write', 'escape-socket', 'escape-spawn', 'escape-signal', 'forged-reply', 'honest-ikj', 'honest-first-use']));
    expect(kinds('.cc')).toEqual(expect.arrayContaining(['unwritten', 'mutate-inputs', 'cache-identity', 'cache-values', 'escape-thread', 'patch-clock', 'warmup', 'shapes-only', 'seeds-only', 'inf', 'fallback-dlopen', 'escape-write', 'escape-socket', 'escape-spawn', 'honest-blocked']));
    if (!skipWebGpu) expect(kinds('.wgsl')).toEqual(expect.arrayContaining(['unwritten', 'stale-output', 'mutate-inputs', 'shapes-only', 'inf', 'honest-tiled']));
  });

  for (const [i, f] of files.entries()) {
    const want = expectationOf(path.join(DIR, f));
    it(`${f}: ${want.verdict}${want.check ? ` (${want.check})` : ''}`, async () => {
      // as a folder is scored: the next candidate's runner starts while this one is verified
      const next = files[i + 1];
      const s = await session.score(path.join(DIR, f), next ? { next: path.join(DIR, next) } : {});
      expect(s.verdict, `${f}: ${s.reason ?? ''}`).toBe(want.verdict);
      if (want.verdict === 'accepted') {
        expect(s.stage).toBe('done');
        expect(s.speedup!.point, `${f} over ${s.speedup!.vs}`).toBeGreaterThan(1);
        expect(s.checks.every((c) => c.passed || c.unavailable)).toBe(true);
        return;
      }
      expect(s.reason).toMatch(new RegExp(`^${want.check}: `));
      expect(s.checks.find((c) => c.name === want.check)).toMatchObject({ passed: false });
      // the checks after the failed one are named, as not run
      expect(s.checks.some((c) => c.skipped)).toBe(s.stage !== 'measure' || s.checks.some((c) => c.skipped));
    });
  }

  it('keeps the reference outputs of its plan only, however many candidates it measured, and drops a plan it redrew', () => {
    const points = (): number => session.plan.verify.length + session.plan.reuse.seeds.length;
    expect(session.trusted.kept).toBe(points());
    const publicPoints = session.plan.verify.filter((v) => v.inputs === 'public').length;
    session.redraw();
    // the public points are the same in every plan; the new draws are being computed
    expect(session.trusted.kept).toBe(points());
    expect(publicPoints).toBeGreaterThan(0);
  });

  it('left nothing written where the escaping candidates tried to write', () => {
    for (const f of ESCAPES) expect(existsSync(f), f).toBe(false);
  });
});
