// Hardware counters through perf_event_open: where the kernel refuses them (as on
// most VMs) they are reported absent with the errno and its meaning, and runs
// still succeed; where it allows them, native cases and JS bench functions
// report cycles and instructions per call of the measured calls.
import { describe, expect, it } from 'vitest';
import { counterProbe } from '../harness/addon/addon.ts';
import { assay } from './helpers.ts';

describe('hardware counters', () => {
  it('are available, or absent with the reason, in the environment', () => {
    const probe = counterProbe();
    const env = assay(['env']);
    expect(env.code).toBe(0);
    const counters = JSON.parse(env.stdout).machine.counters;
    expect(counters).toEqual(probe);
    if (probe.available) expect(probe.events).toEqual(['cycles', 'instructions']);
    else expect(probe.reason).toMatch(/^perf_event_open\((cycles|instructions)\) failed: .+ \(errno \d+\)/);
  });

  it('never fail a native run, which records whether it had them', () => {
    const r = assay(['run', '--problem', 'saxpy', '--backend', 'native', '--time', '0.05', '--json', '-', '--no-samples', 'n=1000]']);
    expect(r.code).toBe(0);
    const run = JSON.parse(r.stdout);
    expect(run.cases[0].state).toBe('measured');
    // what a reader of the result is told: counters there, or the reason they are not
    expect(run.machine.counters).toEqual(counterProbe());
    if (counterProbe().available) expect(run.cases[0].details.cycles_per_call).toBeGreaterThan(0);
  });

  it('are read over the measured calls of a JS bench function in time mode, where the kernel allows them', () => {
    const r = assay(['run', 'test/fixtures/bench/ok/strings.bench.ts', 'join', '--time', '0.05', '--json', '-', '--no-samples']);
    expect(r.code).toBe(0);
    const c = JSON.parse(r.stdout).cases[0];
    expect(c.state).toBe('measured');
    if (counterProbe().available) {
      expect(c.details.instructions_per_call).toBeGreaterThan(0);
      expect(c.details.ipc).toBeGreaterThan(0);
    } else expect(c.details?.instructions_per_call).toBeUndefined();
  });
});
