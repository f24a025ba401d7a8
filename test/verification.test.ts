// Verification before measurement: wrong, silent, mutating, throwing and
// unparsable variants are failed with a reason and never measured; good ones
// (sync and async) are measured with their verification report attached.
import { beforeAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { run } from '../harness/run/run.ts';
import type { CaseResult, RunResult } from '../harness/model/types.ts';

const kernelsDir = fileURLToPath(new URL('./fixtures/kernels/', import.meta.url));
let result: RunResult;
const find = (variant: string, n: number): CaseResult => {
  const c = result.cases.find((x) => x.variant === variant && x.params.n === n);
  if (!c) throw new Error(`no case ${variant} n=${n}`);
  return c;
};

beforeAll(async () => {
  result = await run({ kernelsDir, measure: { budgetS: 0.05, warmupS: 0.01 } });
});

describe('verification', () => {
  it('catches a deliberately wrong variant, with its errors and the failing element', () => {
    const c = find('wrong.ts', 37);
    expect(c.state).toBe('failed');
    if (c.state !== 'failed') return;
    expect(c.error).toMatch(/wrong output at n=5: out\[4\] = 0, expected/);
    expect(c.verify?.passed).toBe(false);
    expect(c.verify?.max_abs_err).toBeGreaterThan(0.1);
    expect(c.verify?.max_rel_err).toBeCloseTo(1, 5);
    expect('stats' in c).toBe(false);
  });

  it('fails a variant that writes nothing, because outputs are poisoned with NaN', () => {
    const c = find('nothing.ts', 5);
    expect(c.state).toBe('failed');
    if (c.state === 'failed') expect(c.error).toMatch(/= NaN/);
  });

  it('fails a variant that modifies its inputs, and restores them for the next case', () => {
    const c = find('mutates.ts', 5);
    expect(c.state).toBe('failed');
    if (c.state === 'failed') expect(c.error).toMatch(/modified its input "x"/);
    // the variants after it still verify against the original inputs
    expect(find('reference.ts', 5).state).toBe('measured');
  });

  it('fails a variant that throws, or does not parse, with the message and file:line', () => {
    const t = find('throws.ts', 5);
    expect(t.state === 'failed' && t.error).toMatch(/kernel exploded/);
    const b = find('broken.ts', 5);
    expect(b.state === 'failed' && b.error).toMatch(/broken\.ts:2:\d+: /);
  });

  it('measures correct sync and async variants at every axis point, with throughput and speedup', () => {
    for (const v of ['good.ts', 'async-good.ts', 'reference.ts']) {
      for (const n of [5, 37]) {
        const c = find(v, n);
        expect(c.state, `${v} n=${n}`).toBe('measured');
        if (c.state !== 'measured') continue;
        expect(c.stats.verify).toMatchObject({ passed: true, points: 2 });
        expect(c.stats.median).toBeGreaterThan(0);
        expect(c.stats.ci[0]).toBeLessThanOrEqual(c.stats.median);
        expect(c.stats.ci[1]).toBeGreaterThanOrEqual(c.stats.median);
        expect(c.stats.throughput?.gflops).toBeCloseTo(n / c.stats.median, 6);
        expect(c.speedup).toBeGreaterThan(0);
      }
    }
    const ref = find('reference.ts', 37);
    expect(ref.state === 'measured' && ref.speedup).toBe(1);
  });

  it('checks outputs again after the timed runs, and fails a kernel that stops working', () => {
    const c = find('decays.ts', 5);
    expect(c.state).toBe('failed');
    if (c.state === 'failed') expect(c.error).toMatch(/^after the timed runs: wrong output at n=5: out\[0\] = NaN/);
  });

  it('batches fast calls so each sample spans many iterations', () => {
    const c = find('good.ts', 5);
    expect(c.state === 'measured' && c.stats.batch).toBeGreaterThan(100);
  });
});
