// Work that times itself (a GPU's timestamps) goes through the same warm-up,
// batching and stopping rule as host-timed code, and its own readings are the samples.
import { describe, expect, it } from 'vitest';
import { measureSelfTimed, resolveMeasureOptions } from '../harness/measure/measure.ts';
import type { Clock } from '../harness/measure/clock.ts';
import { settingPoints, variantCaseId } from '../harness/run/suite.ts';

describe('measureSelfTimed', () => {
  it('reports the device readings per iteration, batched up to the target sample time', async () => {
    // a virtual wall clock that advances by twice the device time (submission overhead)
    let wall = 0;
    const clock: Clock = { name: 'virtual', now: () => wall };
    const calls: number[] = [];
    const work = {
      timer: 'device',
      async time(k: number) {
        calls.push(k);
        wall += 2 * 250_000 * k;
        return 250_000 * k; // 250 µs per iteration on the device
      },
    };
    const opts = resolveMeasureOptions({ budgetS: 0.5, targetSampleNs: 1e6 });
    const m = await measureSelfTimed(work, opts, clock);
    expect(m.timer).toBe('device');
    expect(m.stats.median).toBe(250_000);
    expect(m.stats.batch).toBe(4);
    expect(m.stats.stop).toBe('converged');
    expect(calls.at(-1)).toBe(4);
  });
});

describe('variant settings', () => {
  it('expand into one case per combination, named after the axes', () => {
    const points = settingPoints({ ep: ['cpu', 'webgpu'], threads: [1, 2] });
    expect(points).toEqual([
      { ep: 'cpu', threads: 1 },
      { ep: 'cpu', threads: 2 },
      { ep: 'webgpu', threads: 1 },
      { ep: 'webgpu', threads: 2 },
    ]);
    expect(settingPoints({})).toEqual([{}]);
    expect(variantCaseId('matmul', 'mt.cc', { n: 512 }, { threads: 2 })).toBe('matmul/mt.cc[n=512,threads=2]');
    expect(variantCaseId('matmul', 'ikj.ts', { n: 512 })).toBe('matmul/ikj.ts[n=512]');
  });
});
