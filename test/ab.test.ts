// `assay ab` on a temporary git repository with two commits, where the second
// makes one bench function three times slower: that case is slower, the others
// are not, and a second `ab` reuses the cached checkouts.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { assay } from './helpers.ts';

const BENCH = `import { bench } from 'assay';
function spin(n: number): number {
  let x = 0x9e3779b9 | 0;
  for (let i = 0; i < n; i++) { x ^= x << 13; x ^= x >>> 17; x ^= x << 5; }
  return x;
}
bench('alpha', () => spin(2000));
bench('beta', () => spin(WORK));
bench('gamma', () => spin(2000));
`;

describe('assay ab', () => {
  // no node_modules and no "type": the bench file is CommonJS, and 'assay' resolves to the running Assay anyway
  const repo = mkdtempSync(path.join(tmpdir(), 'assay-ab-'));
  const git = (...args: string[]): string => execFileSync('git', args, { cwd: repo, encoding: 'utf8' }).trim();
  git('init', '-q');
  git('config', 'user.email', 'test@example.com');
  git('config', 'user.name', 'test');
  writeFileSync(path.join(repo, 'package.json'), JSON.stringify({ name: 'ab-demo', private: true }));
  writeFileSync(path.join(repo, 'work.bench.ts'), BENCH.replace('WORK', '2000'));
  git('add', '-A');
  git('commit', '-qm', 'before');
  writeFileSync(path.join(repo, 'work.bench.ts'), `${BENCH.replace('WORK', '6000')}bench('delta', () => spin(100));\n`);
  git('commit', '-qam', 'beta does three times the work');
  afterAll(() => rmSync(repo, { recursive: true, force: true }));
  const env = { GITHUB_ACTIONS: 'false' };

  it('finds the slower case from interleaved samples, and only that one', () => {
    const r = assay(['ab', 'HEAD~1', 'HEAD', 'work.bench.ts', '--time', '0.2', '--json', '-'], { cwd: repo, env });
    expect(r.stderr).toMatch(/ab: checking out [0-9a-f]{10} into \.assay\/ab\//);
    expect(r.code).toBe(1);
    const cmp = JSON.parse(r.stdout);
    expect(cmp.mode).toBe('interleaved');
    const v = Object.fromEntries(cmp.cases.map((c: { variant: string; verdict: string }) => [c.variant, c]));
    expect(v.beta.verdict).toBe('slower');
    expect(v.beta.paired).toBe(true);
    expect(v.beta.ratio).toBeGreaterThan(2.5);
    expect(v.beta.ratio).toBeLessThan(3.5);
    // the same number of paired samples on each side
    expect(v.beta.base.n).toBe(v.beta.head.n);
    for (const name of ['alpha', 'gamma']) expect(v[name].verdict).not.toMatch(/slower|failed/);
    expect(cmp.failing).toEqual(['work.bench.ts/beta']);
    expect(v.delta).toMatchObject({ verdict: 'new', reason: 'only in B' });
    // the cache folder ignores itself
    expect(readFileSync(path.join(repo, '.assay', 'ab', '.gitignore'), 'utf8')).toBe('*\n');
    expect(git('status', '--porcelain')).toBe('');
  });

  it('reuses the checkouts the second time, and gates with --fail-on like compare', () => {
    const r = assay(['ab', 'HEAD~1', 'HEAD', 'work.bench.ts', 'beta', '--time', '0.1', '--processes', '1', '--fail-on', 'failed'], { cwd: repo, env });
    expect(r.stderr).toMatch(/HEAD~1 = [0-9a-f]{10}: cached/);
    expect(r.stderr).not.toMatch(/checking out/);
    expect(r.stdout).toMatch(/work\.bench\.ts\/beta .*slower/);
    expect(r.stdout).not.toMatch(/alpha/);
    expect(r.code).toBe(0);
  });

  it('counts instructions side by side under callgrind with --measure instructions, and finds the same case', () => {
    const r = assay(['ab', 'HEAD~1', 'HEAD', 'work.bench.ts', 'beta', 'alpha', '--measure', 'instructions', '--json', '-'], { cwd: repo, env });
    expect(r.code, r.stderr).toBe(1);
    const cmp = JSON.parse(r.stdout);
    expect(cmp).toMatchObject({ mode: 'side-by-side', measure: 'instructions', threshold: 0.005 });
    const v = Object.fromEntries(cmp.cases.map((c: { variant: string; verdict: string }) => [c.variant, c]));
    expect(v.beta.verdict).toBe('slower');
    // three times the loop, nearly three times the instructions (the call around it is the same)
    expect(v.beta.ratio).toBeGreaterThan(2.7);
    expect(v.beta.ratio).toBeLessThan(3.05);
    expect(v.alpha.verdict).toBe('same');
    expect(Math.abs(v.alpha.ratio - 1)).toBeLessThan(0.001);
  });

  it('2 for a revision that does not exist', () => {
    const r = assay(['ab', 'HEAD', 'no-such-branch', '--time', '0.1'], { cwd: repo, env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/"no-such-branch" is not a commit/);
  });
});
