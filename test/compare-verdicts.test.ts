// The verdict logic on synthetic sample sets with known shifts: the ratio of
// medians, its bootstrap CI, and the CI held against the noise threshold.
import { describe, expect, it } from 'vitest';
import { compareCase, compareCases, pairedRatioOfMedians, ratioOfMedians, verdictOf } from '../harness/stats/compare.ts';
import type { CaseResult } from '../harness/model/types.ts';
import { studentTQuantile } from '../harness/stats/student-t.ts';
import { measuredCase, noisy } from './compare-helpers.ts';

const ref = { id: 'c', problem: 'p', variant: 'v', kind: 'js' as const, params: {} };
const side = (samples: number[]) => ({ state: 'measured' as const, samples });

describe('verdicts from the CI of the ratio of medians', () => {
  it('classifies an interval against ±T', () => {
    expect(verdictOf([1.03, 1.06], 0.02)).toBe('slower');
    expect(verdictOf([0.9, 0.97], 0.02)).toBe('faster');
    expect(verdictOf([0.99, 1.01], 0.02)).toBe('same');
    expect(verdictOf([1.01, 1.04], 0.02)).toBe('inconclusive');
    expect(verdictOf([0.95, 1.05], 0.02)).toBe('inconclusive');
  });

  it('calls a 10% slowdown slower and a 10% speedup faster, with the CI around the true ratio', () => {
    const slow = compareCase(ref, side(noisy(1, 100, 1000)), side(noisy(2, 100, 1100)));
    expect(slow.verdict).toBe('slower');
    expect(slow.ratio!).toBeCloseTo(1.1, 1);
    expect(slow.ci![0]).toBeLessThan(1.1);
    expect(slow.ci![1]).toBeGreaterThan(1.1);
    expect(compareCase(ref, side(noisy(3, 100, 1000)), side(noisy(4, 100, 900))).verdict).toBe('faster');
  });

  it('calls an unchanged case same when the samples pin it down, inconclusive when they do not', () => {
    expect(compareCase(ref, side(noisy(5, 400, 1000)), side(noisy(6, 400, 1000))).verdict).toBe('same');
    // 10% noise and 12 samples: the interval is wider than the ±2% band
    expect(compareCase(ref, side(noisy(7, 12, 1000, 0.1)), side(noisy(8, 12, 1000, 0.1))).verdict).toBe('inconclusive');
    // a 3% change measured precisely is beyond a 2% threshold, and within a 5% one
    const b = noisy(9, 400, 1000, 0.005);
    const h = noisy(10, 400, 1030, 0.005);
    expect(compareCase(ref, side(b), side(h), { threshold: 0.02 }).verdict).toBe('slower');
    expect(compareCase(ref, side(b), side(h), { threshold: 0.05 }).verdict).toBe('same');
  });

  it('new, missing and failed for one-sided and failed cases, matched by id', () => {
    const failed: CaseResult = { ...ref, id: 'broken', state: 'failed', stage: 'verify', error: 'wrong output' };
    const cases = compareCases(
      [measuredCase('kept', noisy(1, 50, 100)), measuredCase('dropped', noisy(2, 50, 100)), measuredCase('broken', noisy(3, 50, 100))],
      [measuredCase('added', noisy(4, 50, 100)), { ...failed }, measuredCase('kept', noisy(5, 50, 100))],
    );
    const byId = Object.fromEntries(cases.map((c) => [c.id, c]));
    expect(byId['dropped']!.verdict).toBe('missing');
    expect(byId['added']!.verdict).toBe('new');
    expect(byId['broken']).toMatchObject({ verdict: 'failed', reason: 'head: wrong output' });
    expect(['same', 'inconclusive']).toContain(byId['kept']!.verdict);
    expect(cases.map((c) => c.id)).toEqual(['kept', 'dropped', 'broken', 'added']);
  });

  it('uses the pairing: drift shared by both sides of each pair cancels', () => {
    // a machine whose speed wanders by ±30% over the session, and a true 5% slowdown
    const drift = Array.from({ length: 300 }, (_, i) => 1 + 0.3 * Math.sin(i / 15));
    const a = noisy(21, 300, 1000, 0.005).map((x, i) => x * drift[i]!);
    const b = noisy(22, 300, 1050, 0.005).map((x, i) => x * drift[i]!);
    const paired = pairedRatioOfMedians(a, b);
    const independent = ratioOfMedians(a, b);
    expect(paired.ci[1] - paired.ci[0]).toBeLessThan((independent.ci[1] - independent.ci[0]) / 2);
    expect(compareCase(ref, side(a), side(b), { paired: true }).verdict).toBe('slower');
    expect(compareCase(ref, side(a), side(b)).verdict).toBe('inconclusive');
  });

  it('with several process pairs, one process running slow is inconclusive, and a change in all of them is slower', () => {
    const groups = Array.from({ length: 300 }, (_, i) => i % 3);
    const a = noisy(41, 300, 1000, 0.005);
    // process pair 0 runs B 17% slow (its JIT or heap was unlucky); pairs 1 and 2 agree
    const lucky = noisy(42, 300, 1000, 0.005).map((x, i) => (groups[i] === 0 ? x * 1.17 : x));
    expect(compareCase(ref, side(a), side(lucky), { paired: true, groups }).verdict).toBe('inconclusive');
    const real = noisy(43, 300, 1060, 0.005);
    const c = compareCase(ref, side(a), side(real), { paired: true, groups });
    expect(c).toMatchObject({ verdict: 'slower', processes: 3 });
  });

  it('with three process pairs that agree only loosely, the interval is at least the t interval over the pairs', () => {
    // each process pair's own ratio: +4%, +1%, +7%; a bootstrap over three units would call this slower
    const groups = Array.from({ length: 300 }, (_, i) => i % 3);
    const a = noisy(51, 300, 1000, 0.002);
    const b = noisy(52, 300, 1000, 0.002).map((x, i) => x * [1.04, 1.01, 1.07][groups[i]!]!);
    const c = compareCase(ref, side(a), side(b), { paired: true, groups });
    // mean of the log ratios ≈ 4%, sd ≈ 3%, t(0.975, 2) = 4.303: the interval reaches below 1 - 2%
    expect(c.ci![0]).toBeLessThan(0.98);
    expect(c.verdict).toBe('inconclusive');
    expect(studentTQuantile(0.975, 2)).toBe(4.303);
    expect(studentTQuantile(0.975, 40)).toBeCloseTo(2.021, 2);
  });

  it('gives the same interval for the same samples (seeded by case id)', () => {
    const a = noisy(31, 50, 100);
    const b = noisy(32, 50, 104);
    expect(compareCase(ref, side(a), side(b)).ci).toEqual(compareCase(ref, side(a), side(b)).ci);
  });
});
