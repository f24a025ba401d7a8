// The measuring clock is captured before user code loads: a bench file that
// replaces process.hrtime and performance.now cannot change what Assay reads.
import { describe, expect, it } from 'vitest';
import { assay } from './helpers.ts';

describe('clock isolation', () => {
  it('measures real time even when the bench file fakes the clocks', () => {
    const r = assay(['run', 'test/fixtures/bench/tamper', '--time', '0.2', '--json', '-', '--no-samples']);
    expect(r.code).toBe(0);
    const c = JSON.parse(r.stdout).cases[0];
    expect(c.state).toBe('measured');
    // 20,000 dependent multiply-adds take microseconds, not the ~1 ns the fake clock would report
    expect(c.stats.median).toBeGreaterThan(2_000);
    expect(c.stats.median).toBeLessThan(5_000_000);
    // the native addon's clock where it is built, process.hrtime.bigint otherwise
    expect(c.timer).toMatch(/^(process\.hrtime\.bigint|CLOCK_MONOTONIC_RAW \(native addon\))$/);
  });
});
