// `assay score` from the command line: the Score JSON on stdout and the exit
// codes (0 accepted, 1 rejected, 2 usage or input error, 3 backend
// unavailable, 4 Assay failed with verdict `error`); and a folder of candidates
// with fast_p and the geometric-mean speedup (which exits 1: some are rejected).
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FolderScore, Score } from '../harness/model/types.ts';
import { assay } from './helpers.ts';

const TINY = ['--kernels', 'test/fixtures/kernels', '--problem', 'tiny', '--time', '0.05', '--held-out', '1', '--point', 'n=37'];

describe('assay score', () => {
  it('prints the Score JSON of an accepted candidate and exits 0', () => {
    const r = assay(['score', ...TINY, '--candidate', 'test/fixtures/kernels/tiny/good.ts', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout) as Score;
    expect(s).toMatchObject({ schema: 1, problem: 'tiny', candidate: 'test/fixtures/kernels/tiny/good.ts', kind: 'js', verdict: 'accepted', stage: 'done' });
    expect(s.speedup).toMatchObject({ vs: 'tiny/reference.ts' });
    expect(s.speedup!.ci[0]).toBeLessThanOrEqual(s.speedup!.point);
    expect(s.cases.map((c) => c.params)).toEqual([{ n: 37 }]);
    for (const stage of ['build', 'verify', 'measure'] as const) expect(s.cost.stages[stage]!.wall_s).toBeGreaterThan(0);
    expect(s.checks.map((c) => c.name)).toEqual(expect.arrayContaining(['public axes', 'held-out shapes', 'fresh seeds', 'measure lock', 'timed outputs', 'cache probe', 'network isolation', 'memory limit']));
    // progress goes to stderr, and the JSON alone to stdout
    expect(r.stderr).toMatch(/score: .*good\.ts: verify/);
  });

  it('exits 2 for a usage or input error, and names the file', () => {
    expect(assay(['score', '--candidate', 'x.ts']).stderr).toMatch(/score needs --problem NAME/);
    const missing = assay(['score', ...TINY, '--candidate', 'test/fixtures/kernels/tiny/absent.ts']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no such candidate file: test\/fixtures\/kernels\/tiny\/absent\.ts/);
  });

  it('exits 3 when the candidate\'s backend is unavailable here', () => {
    const r = assay(['score', '--problem', 'matmul', '--candidate', 'test/fixtures/adversarial/matmul/honest-blocked.cc'], { env: { ASSAY_NATIVE_ADDON: '/nonexistent/assay_native.node' } });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/the native backend is unavailable here: the native addon is not built/);
  });

  it('exits 4 with verdict "error" when Assay itself fails, never blaming the candidate', () => {
    const r = assay(['score', '--kernels', 'test/fixtures/score-kernels', '--problem', 'broken-reference', '--candidate', 'test/fixtures/kernels/tiny/good.ts', '--json']);
    expect(r.code).toBe(4);
    const s = JSON.parse(r.stdout) as Score;
    expect(s.verdict).toBe('error');
    expect(s.reason).toMatch(/^Assay failed while scoring \(not a fault of the candidate\): the reference .* wrote NaN/);
  });

  it('scores a folder: every candidate, fast_p at 1 and 1.5, the geometric mean of the accepted; exit 1, as some are rejected', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'assay-folder-'));
    for (const f of ['good.ts', 'async-good.ts', 'nothing.ts', 'wrong.ts']) copyFileSync(path.join('test/fixtures/kernels/tiny', f), path.join(dir, f));
    // without the sandbox's layers, which each score reports as unavailable
    const r = assay(['score', ...TINY, dir, '--json'], { env: { ASSAY_SCORE_SANDBOX: 'none' } });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/nothing\.ts: rejected \(outputs written: left 5 of 5 elements/);
    const f = JSON.parse(r.stdout) as FolderScore;
    expect(f.scores.map((s) => [path.basename(s.candidate), s.verdict])).toEqual([
      ['async-good.ts', 'accepted'],
      ['good.ts', 'accepted'],
      ['nothing.ts', 'rejected'],
      ['wrong.ts', 'rejected'],
    ]);
    expect(f.counts).toEqual({ accepted: 2, rejected: 2, error: 0 });
    const fast = (p: number): number => f.scores.filter((s) => s.verdict === 'accepted' && s.speedup!.point > p).length / 4;
    expect(f.fast_p).toEqual({ '1': fast(1), '1.5': fast(1.5) });
    const g = Math.exp(f.scores.filter((s) => s.verdict === 'accepted').reduce((a, s) => a + Math.log(s.speedup!.point), 0) / 2);
    expect(f.geomean_speedup).toBeCloseTo(g, 10);
    // each candidate after the first was loaded in a runner started while the one before it was verified
    const loaded = f.scores.map((s) => s.checks.find((c) => c.name === 'builds and loads')!.detail);
    expect(loaded[0]).not.toMatch(/started while/);
    for (const d of loaded.slice(1)) expect(d).toMatch(/^loaded in its sandboxed runner \(started while the candidate before it was verified\)/);
    const net = f.scores[0]!.checks.find((c) => c.name === 'network isolation')!;
    expect(net).toMatchObject({ passed: false, unavailable: true });
    expect(net.detail).toMatch(/^unavailable: turned off by ASSAY_SCORE_SANDBOX=none; a JS candidate's network calls are still refused/);
    // what did run still guards it
    expect(f.scores[0]!.checks.find((c) => c.name === 'permission model')).toMatchObject({ passed: true });
    rmSync(dir, { recursive: true, force: true });
  });
});
