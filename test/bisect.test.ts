// `assay bisect` on a temporary git repository of six commits, where one commit
// in the middle makes a bench function three times slower: the culprit is that
// commit, with a `slower` verdict against its parent; a case that did not get
// slower has no culprit (exit 1).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { assay } from './helpers.ts';

const BENCH = (work: number): string => `import { bench } from 'assay';
function spin(n: number): number {
  let x = 0x9e3779b9 | 0;
  for (let i = 0; i < n; i++) { x ^= x << 13; x ^= x >>> 17; x ^= x << 5; }
  return x;
}
bench('alpha', () => spin(2000));
bench('beta', () => spin(${work}));
`;

describe('assay bisect', () => {
  const repo = mkdtempSync(path.join(tmpdir(), 'assay-bisect-'));
  const git = (...args: string[]): string => execFileSync('git', args, { cwd: repo, encoding: 'utf8' }).trim();
  git('init', '-q');
  git('config', 'user.email', 'test@example.com');
  git('config', 'user.name', 'test');
  writeFileSync(path.join(repo, 'package.json'), JSON.stringify({ name: 'bisect-demo', private: true }));
  // a bench file no commit touches: its case is the same code at every revision
  writeFileSync(path.join(repo, 'steady.bench.ts'), BENCH(2000).replace("bench('beta', () => spin(2000));\n", ''));
  const commit = (msg: string, work: number, note: string): string => {
    writeFileSync(path.join(repo, 'work.bench.ts'), BENCH(work));
    writeFileSync(path.join(repo, 'NOTES.md'), `${note}\n`);
    git('add', '-A');
    git('commit', '-qm', msg);
    return git('rev-parse', 'HEAD');
  };
  commit('first', 2000, 'a');
  commit('docs', 2000, 'b');
  commit('more docs', 2000, 'c');
  const culprit = commit('beta does three times the work', 6000, 'c');
  commit('tidy', 6000, 'd');
  commit('last', 6000, 'e');
  afterAll(() => rmSync(repo, { recursive: true, force: true }));
  const env = { GITHUB_ACTIONS: 'false' };

  it('finds the commit that made the case three times slower, with its verdict', () => {
    const r = assay(['bisect', 'work.bench.ts/beta', 'HEAD~5', 'HEAD', '--time', '0.05', '--processes', '1', '--json', '-'], { cwd: repo, env });
    expect(r.code, r.stderr).toBe(0);
    const res = JSON.parse(r.stdout);
    expect(res.revisions).toBe(5);
    expect(res.slowdown.verdict).toBe('slower');
    expect(res.culprit.sha).toBe(culprit);
    expect(res.culprit.subject).toBe('beta does three times the work');
    expect(res.culprit.comparison.verdict).toBe('slower');
    expect(res.culprit.comparison.ratio).toBeGreaterThan(2.4);
    expect(res.culprit.comparison.ratio).toBeLessThan(3.6);
    // a binary search: fewer steps than commits
    expect(res.steps.length).toBeLessThanOrEqual(3);
    expect(r.stderr).toMatch(new RegExp(`culprit: ${culprit} "beta does three times the work"`));
    expect(r.stderr).toMatch(/against its parent [0-9a-f]{10}: slower, \+\d+/);
  });

  it('exits 1 with the reason when the case did not get slower', () => {
    const r = assay(['bisect', 'steady.bench.ts/alpha', 'HEAD~5', 'HEAD', '--time', '0.05', '--processes', '1'], { cwd: repo, env });
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toMatch(/no culprit: HEAD is not slower than HEAD~5 for steady\.bench\.ts\/alpha/);
  });

  it('2 for a good revision that does not come before the bad one', () => {
    const r = assay(['bisect', 'work.bench.ts/beta', 'HEAD', 'HEAD~2'], { cwd: repo, env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/is not an ancestor of HEAD~2/);
  });
});
