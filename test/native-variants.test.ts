// Every built-in native variant compiles with the native flags, verifies against
// its problem's reference at every point, and is measured; the multi-threaded
// matmul runs once per thread count.
import { describe, expect, it } from 'vitest';
import { assay } from './helpers.ts';

const PROBLEMS = ['matmul', 'prefix-sum', 'reduce-sum', 'saxpy', 'softmax', 'sort'];
/** A cold cache compiles all seven files first (about 12 s of compiling on a busy 2-core machine). */
const COLD_COMPILE_TIMEOUT_MS = 110_000;

describe('native variants', () => {
  it('each verifies and is measured, on every problem', () => {
    const r = assay(['run', '--backend', 'native', '--time', '0.05', '--json', '-', '--no-samples']);
    expect(r.stderr).not.toMatch(/Error/);
    expect(r.code).toBe(0);
    const cases = JSON.parse(r.stdout).cases as Array<Record<string, any>>;
    expect(new Set(cases.map((c) => c.problem))).toEqual(new Set(PROBLEMS));
    for (const c of cases) {
      expect(c.kind).toBe('native');
      expect({ id: c.id, state: c.state, error: c.error }).toEqual({ id: c.id, state: 'measured', error: undefined });
      expect(c.stats.verify.passed).toBe(true);
      expect(c.timer).toBe('native loop (CLOCK_MONOTONIC_RAW)');
      expect(c.details.flags).toMatch(/-O3 -march=native/);
      expect(typeof c.details.compile_ms).toBe('number');
      expect(typeof c.details.cached).toBe('boolean');
    }
    const mt = cases.filter((c) => c.variant === 'packed.cc').map((c) => c.id);
    expect(mt).toEqual(expect.arrayContaining(['matmul/packed.cc[n=512,threads=1]', 'matmul/packed.cc[n=512,threads=2]']));
  }, COLD_COMPILE_TIMEOUT_MS);
});
