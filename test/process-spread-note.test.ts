// When the processes of an interleaved comparison disagree, the report says so,
// with each process pair's change, instead of leaving a bare `inconclusive`.
import { describe, expect, it } from 'vitest';
import { renderVerdictsConsole } from '../harness/report/verdict-console.ts';
import { compareCase, makeComparison } from '../harness/stats/compare.ts';
import { noisy } from './compare-helpers.ts';

const ref = { id: 'gc heavy', problem: 'p', variant: 'gc heavy', kind: 'js' as const, params: {} };

describe('the spread between processes, in words', () => {
  it('names each pair of processes and their changes when they disagree', () => {
    // three runner pairs of identical code, in which B's process happened to be 8% slower, 1% faster, 6% slower
    const shifts = [1.08, 0.99, 1.06];
    const a: number[] = [];
    const b: number[] = [];
    const groups: number[] = [];
    for (let i = 0; i < 300; i++) {
      const g = i % 3;
      a.push(noisy(i, 1, 1000, 0.002)[0]!);
      b.push(noisy(1000 + i, 1, 1000 * shifts[g]!, 0.002)[0]!);
      groups.push(g);
    }
    const c = compareCase(ref, { state: 'measured', samples: a }, { state: 'measured', samples: b }, { paired: true, groups });
    expect(c.verdict).toBe('inconclusive');
    expect(c.per_process!.map((r) => Math.round((r - 1) * 100))).toEqual([8, -1, 6]);
    const text = renderVerdictsConsole(makeComparison([c], { mode: 'interleaved', base: { label: 'A', machine: 'm', git: null }, head: { label: 'B', machine: 'm', git: null } }));
    expect(text).toMatch(/the processes disagree: their changes are \+8\.\d%, -1\.\d%, \+6\.\d%/);
  });

  it('says nothing when the processes agree', () => {
    const a = noisy(1, 300, 1000, 0.002);
    const b = noisy(2, 300, 1000, 0.002);
    const c = compareCase(ref, { state: 'measured', samples: a }, { state: 'measured', samples: b }, { paired: true, groups: a.map((_, i) => i % 3) });
    const text = renderVerdictsConsole(makeComparison([c], { mode: 'interleaved', base: { label: 'A', machine: 'm', git: null }, head: { label: 'B', machine: 'm', git: null } }));
    expect(text).not.toMatch(/disagree/);
  });
});
