// The native clock (CLOCK_MONOTONIC_RAW through the addon): it never goes
// backwards, it agrees with process.hrtime over a sleep, and where the addon
// loads it is the measuring clock, as the run's environment says.
import { describe, expect, it } from 'vitest';
import { measuringClock, nativeClock } from '../harness/measure/clock.ts';
import { assay } from './helpers.ts';

const SLEEP_MS = 200;

describe('native clock', () => {
  it('is monotonic', () => {
    expect(nativeClock).not.toBeNull();
    let prev = nativeClock!.now();
    for (let i = 0; i < 100_000; i++) {
      const t = nativeClock!.now();
      expect(t >= prev).toBe(true);
      prev = t;
    }
  });

  it('agrees with process.hrtime over a sleep', async () => {
    const h0 = process.hrtime.bigint();
    const n0 = nativeClock!.now();
    await new Promise((r) => setTimeout(r, SLEEP_MS));
    const n1 = nativeClock!.now();
    const h1 = process.hrtime.bigint();
    const native = n1 - n0;
    const hr = Number(h1 - h0);
    expect(native).toBeGreaterThanOrEqual(SLEEP_MS * 0.95e6);
    // the native interval lies inside the hrtime one; NTP slewing of hrtime is at most 500 ppm
    expect(native).toBeLessThanOrEqual(hr * 1.001);
    expect(Math.abs(native - hr) / hr).toBeLessThan(0.01);
  });

  it('is the measuring clock, and the environment says so', () => {
    expect(measuringClock()).toBe(nativeClock);
    const env = JSON.parse(assay(['env']).stdout);
    expect(env.machine.clock).toBe('CLOCK_MONOTONIC_RAW (native addon)');
    const hr = JSON.parse(assay(['env'], { env: { ASSAY_CLOCK: 'hrtime' } }).stdout);
    expect(hr.machine.clock).toBe('process.hrtime.bigint');
  });
});
