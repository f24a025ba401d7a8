// Every way a candidate's runner can die or stall gives a verdict with its
// reason, and scoring goes on: a segfault in native code, process.exit, a throw,
// an endless loop (stopped at the stage's time limit), running out of memory
// (the limit covers buffers), and a GPU kernel that never ends (its device is
// destroyed with the GPU process). One session scores them all, then an honest
// candidate, which is still accepted.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScoringSession } from '../harness/score/session.ts';
import { ADVERSARIAL, expectationOf, openSession } from './score-helpers.ts';
import { skipWebGpu } from './webgpu-adapter.ts';

const DIR = path.join(ADVERSARIAL, 'crashes');
const files = readdirSync(DIR)
  .filter((f) => !(skipWebGpu && f.endsWith('.wgsl')))
  .sort();

describe('candidates that crash or hang', () => {
  let session: ScoringSession;
  beforeAll(async () => {
    // a short time limit for the endless loop; a small address space, so the allocation fails soon
    session = await openSession({ stageTimeoutS: 3, memoryMb: 2048 });
  });
  afterAll(async () => {
    await session?.close();
  });

  for (const f of files) {
    const want = expectationOf(path.join(DIR, f));
    it(`${f}: ${want.says}`, async () => {
      const t0 = Date.now();
      const s = await session.score(path.join(DIR, f));
      expect(s.verdict, s.reason).toBe('rejected');
      expect(s.stage).toBe('verify');
      expect(s.reason).toMatch(new RegExp(`^${want.check}: .*${want.says}`, 'i'));
      expect(Date.now() - t0).toBeLessThan(15_000);
    });
  }

  it('goes on scoring afterwards', async () => {
    const s = await session.score(path.join(ADVERSARIAL, 'matmul', 'honest-blocked.cc'));
    expect(s.verdict, s.reason).toBe('accepted');
  });
});
