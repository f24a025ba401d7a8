// The markdown report: one table per problem, every case a row, pipes escaped.
import { describe, expect, it } from 'vitest';
import { assay } from './helpers.ts';

describe('markdown report', () => {
  it('writes a pasteable table with the state and reason of every case', () => {
    const r = assay(['run', 'test/fixtures/bench/failing', '--time', '0.05', '--markdown', '-']);
    expect(r.code).toBe(1);
    const md = r.stdout;
    expect(md).toMatch(/^# Assay run/);
    expect(md).toMatch(/^## test\/fixtures\/bench\/failing\/check\.bench\.ts$/m);
    expect(md).toMatch(/^\| variant \| params \| median \| 95% CI of median \| throughput \| vs ref \| state \|$/m);
    const rows = md.split('\n').filter((l) => /^\| (passes|wrong result|throws) \|/.test(l));
    expect(rows).toHaveLength(3);
    expect(rows.find((l) => l.startsWith('| wrong result'))).toMatch(/failed: check failed: expected 1 first/);
    // the console table went to stderr, since stdout carries the markdown
    expect(r.stderr).toMatch(/3 cases: 1 measured/);
  });
});
