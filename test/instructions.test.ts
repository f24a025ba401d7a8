// Instruction counts under a real valgrind: two runs of the same bench file and
// native kernel count the same per call; a loop with twice the work counts twice
// as much; WGSL is skipped with the reason; a time baseline is refused in this
// mode (exit 2); without valgrind on PATH the mode exits 3 with how to install it.
// The two runs go at once (a runner under valgrind takes about 10 s to start),
// which is also how a busy machine leaves the counts alone.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MeasuredCase, RunResult } from '../harness/model/types.ts';
import { runCounted } from '../harness/runner/counted-run.ts';
import { assay } from './helpers.ts';

const fixtures = fileURLToPath(new URL('./fixtures/instructions/', import.meta.url));
const BENCH = 'test/fixtures/instructions/work.bench.ts';

/** A run of the bench file's two loops and the fixture problem's native kernel and WGSL variant, counted. */
function countedRun(): Promise<RunResult> {
  return runCounted({
    paths: [path.join(fixtures, 'work.bench.ts')],
    kernelsDir: path.join(fixtures, 'kernels'),
    problems: ['scale'],
    backends: ['js', 'native', 'wgsl'],
    filters: ['spin', 'loop.cc', 'naive.wgsl'],
    output: null,
  });
}

describe('--measure instructions', () => {
  let runs: RunResult[];
  const dir = mkdtempSync(path.join(tmpdir(), 'assay-instructions-'));
  beforeAll(async () => {
    runs = await Promise.all([countedRun(), countedRun()]);
  }, 150_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const perCall = (run: RunResult, id: string): MeasuredCase => {
    const c = run.cases.find((x) => x.id.endsWith(id));
    if (c?.state !== 'measured') throw new Error(`${id} was not measured: ${JSON.stringify(c)}`);
    return c;
  };

  it('counts the same per call in two runs, on a bench file and on a native kernel', () => {
    for (const run of runs) {
      expect(run.config.measure).toBe('instructions');
      expect(run.machine.packages.valgrind).toMatch(/^valgrind-3\./);
    }
    for (const id of ['work.bench.ts/spin 1000', 'work.bench.ts/spin 2000', 'scale/loop.cc[n=2000]', 'scale/loop.cc[n=4000]']) {
      const [a, b] = runs.map((r) => perCall(r, id));
      expect(a!.stats.unit).toBe('instr');
      expect(a!.timer).toMatch(/callgrind/);
      expect(a!.stats.n).toBeGreaterThanOrEqual(3);
      // the two runs agree to 0.1%, and so do most samples of one run (a sample may hold a compilation)
      expect(Math.abs(b!.stats.median / a!.stats.median - 1), `${id}: ${a!.stats.median} and ${b!.stats.median}`).toBeLessThan(0.001);
      const close = a!.stats.samples!.filter((x) => Math.abs(x / a!.stats.median - 1) < 0.001);
      expect(close.length, `${id}: ${a!.stats.samples}`).toBeGreaterThan(a!.stats.n / 2);
    }
    // the native kernel was built for what valgrind can run, and verified
    expect(perCall(runs[0]!, 'scale/loop.cc[n=2000]').details?.flags).toMatch(/-march=x86-64-v3/);
  });

  it('counts more for more work: twice the loop, twice the instructions', () => {
    const run = runs[0]!;
    const ratio = (n: string, twice: string): number => perCall(run, twice).stats.median / perCall(run, n).stats.median;
    expect(ratio('spin 1000', 'spin 2000')).toBeGreaterThan(1.99);
    expect(ratio('spin 1000', 'spin 2000')).toBeLessThan(2.01);
    expect(ratio('loop.cc[n=2000]', 'loop.cc[n=4000]')).toBeGreaterThan(1.9);
    expect(ratio('loop.cc[n=2000]', 'loop.cc[n=4000]')).toBeLessThan(2.01);
    // 1000 iterations of three shifts and three xors: more than 6 instructions an iteration, and not ten times that
    expect(perCall(run, 'spin 1000').stats.median).toBeGreaterThan(6_000);
    expect(perCall(run, 'spin 1000').stats.median).toBeLessThan(60_000);
  });

  it('skips WGSL cases with the reason', () => {
    const wgsl = runs[0]!.cases.filter((c) => c.kind === 'wgsl');
    expect(wgsl.length).toBe(2);
    for (const c of wgsl) expect(c).toMatchObject({ state: 'skipped', reason: expect.stringMatching(/instruction counts do not apply to WGSL/) });
  });

  it('compares two counted runs with the tight band, and refuses a time baseline (exit 2)', () => {
    const [a, b] = [path.join(dir, 'a.json'), path.join(dir, 'b.json')];
    writeFileSync(a, JSON.stringify(runs[0]));
    writeFileSync(b, JSON.stringify(runs[1]));
    const same = assay(['compare', a, b, '--json', '-']);
    expect(same.code).toBe(0);
    const cmp = JSON.parse(same.stdout);
    expect(cmp).toMatchObject({ measure: 'instructions', threshold: 0.005 });
    expect(cmp.cases.filter((c: { verdict: string }) => c.verdict === 'same').map((c: { id: string }) => c.id).length, same.stdout).toBe(4);

    // a time baseline, saved in a baselines folder of its own
    const env = { ASSAY_BASELINES_DIR: path.join(dir, 'baselines') };
    expect(assay(['run', BENCH, 'spin 1000', '--time', '0.05', '--save-baseline', 'timed'], { env }).code).toBe(0);
    const refused = assay(['run', BENCH, 'spin 1000', '--measure', 'instructions', '--baseline', 'timed'], { env });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/baseline "timed" was measured in time mode .* this run counts instructions; runs of different measure modes are never compared/);
    // refused before anything is measured: no table was printed
    expect(refused.stdout).toBe('');
    const mixed = assay(['compare', 'timed', a], { env });
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toMatch(/measured in time mode .* counts instructions/);
    // --measure names the mode the caller expects: two counted runs are not timed ones
    const asked = assay(['compare', a, b, '--measure', 'time']);
    expect(asked.code).toBe(2);
    expect(asked.stderr).toMatch(/--measure time asks for times/);
  });

  it('exits 3 without valgrind on PATH, saying how to install it', () => {
    const r = assay(['run', BENCH, '--measure', 'instructions'], { env: { PATH: path.join(dir, 'empty-path') } });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/"valgrind" is not on PATH/);
    expect(r.stderr).toMatch(/apt-get install valgrind/);
  });
});
