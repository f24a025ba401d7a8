// The comparison's outputs: a markdown table for a PR comment (largest change
// first), the GitHub Actions mode (job summary and annotations), and --json.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { assay } from './helpers.ts';
import { baseAndHead, measuredCase, noisy, runOf, tempFiles } from './compare-helpers.ts';

describe('comparison reports', () => {
  const { base, head } = baseAndHead();
  // a bigger regression, so the order of the table is by size of change
  base.cases.push(measuredCase('doubled', noisy(4, 200, 100)));
  head.cases.push(measuredCase('doubled', noisy(14, 200, 200)));
  head.cases.push(measuredCase('brand-new', noisy(15, 50, 10)));
  const dir = tempFiles({ 'base.json': base, 'head.json': head });
  const f = (name: string): string => path.join(dir, name);

  it('writes a markdown table with the largest changes first', () => {
    const r = assay(['compare', f('base.json'), f('head.json'), '--markdown', '-'], { env: { GITHUB_ACTIONS: 'false' } });
    expect(r.code).toBe(1);
    const rows = r.stdout.split('\n').filter((l) => l.startsWith('| `'));
    expect(rows.map((l) => l.match(/`([^`]+)`/)![1])).toEqual(['doubled', 'improved', 'regressed', 'steady', 'brand-new']);
    expect(r.stdout).toMatch(/\| case \| base \| head \| change \| 95% CI \| verdict \|/);
    expect(rows[0]).toMatch(/\+100%.*🔴 slower/);
    expect(r.stdout).toMatch(/❌ 2 cases slower/);
    // the console table went to stderr, so stdout is only markdown
    expect(r.stderr).toMatch(/5 cases: 2 slower/);
  });

  it('in GitHub Actions, appends the table to the job summary and annotates slower cases', () => {
    const summary = f('summary.md');
    writeFileSync(summary, '# earlier step\n');
    const r = assay(['compare', f('base.json'), f('head.json')], { env: { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary } });
    expect(r.code).toBe(1);
    const text = readFileSync(summary, 'utf8');
    expect(text.startsWith('# earlier step\n')).toBe(true);
    expect(text).toMatch(/### Assay: .*head\.json against .*base\.json/);
    expect(text).toMatch(/`doubled` .*slower/);
    const annotations = r.stdout.split('\n').filter((l) => l.startsWith('::'));
    expect(annotations).toHaveLength(2);
    expect(annotations[0]).toMatch(/^::error title=Assay%3A regressed slower::regressed slower: \+(9\.\d|10)%25 \(95%25 CI/);
    // a slower case that --fail-on does not name is a warning
    const warn = assay(['compare', f('base.json'), f('head.json'), '--github', '--fail-on', 'failed'], { env: { GITHUB_ACTIONS: 'false', GITHUB_STEP_SUMMARY: '' } });
    expect(warn.code).toBe(0);
    expect(warn.stdout.split('\n').filter((l) => l.startsWith('::warning'))).toHaveLength(2);
  });

  it('writes the comparison as JSON', () => {
    const r = assay(['compare', f('base.json'), f('head.json'), '--json', '-'], { env: { GITHUB_ACTIONS: 'false' } });
    const cmp = JSON.parse(r.stdout);
    expect(cmp).toMatchObject({ schema: 1, mode: 'stored', threshold: 0.02, fail_on: ['slower'], failing: ['regressed', 'doubled'] });
    expect(cmp.counts).toMatchObject({ slower: 2, faster: 1, same: 1, new: 1 });
    const doubled = cmp.cases.find((c: { id: string }) => c.id === 'doubled');
    expect(doubled.ratio).toBeGreaterThan(1.9);
    expect(doubled.ci[0]).toBeLessThan(doubled.ratio);
    expect(doubled.base.n).toBe(200);
    void runOf;
  });
});
