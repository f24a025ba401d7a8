// Sampling on request: a case's work, warmed up and calibrated once, then timed
// in batches whenever asked, with the same batching code `measure` uses.
import type { MeasurableWork } from '../run/case-runner.ts';
import { calibrate, compileBatchLoop, timeBatch } from './batching.ts';
import type { Clock } from './clock.ts';
import { calibrateSelfTimed, type MeasureOptions } from './measure.ts';

export interface Sampler {
  /** The batch size the warm-up chose. */
  batch: number;
  perCallNs: number;
  warmupNs: number;
  timer: string;
  /** Times `count` batches of `batch` calls; each sample is ns per call. */
  take(count: number, batch: number): Promise<number[]>;
}

export async function startSampler(work: MeasurableWork, opts: MeasureOptions, clock: Clock): Promise<Sampler> {
  if (work.mode === 'timed') {
    const cal = await calibrateSelfTimed(work, opts, clock);
    return {
      ...cal,
      timer: work.timer,
      async take(count, batch) {
        const out: number[] = [];
        for (let i = 0; i < count; i++) out.push((await work.time(batch)) / batch);
        return out;
      },
    };
  }
  const loop = compileBatchLoop(work);
  const cal = await calibrate(loop, work, clock, opts.warmupS * 1e9, opts.targetSampleNs);
  return {
    batch: cal.batch,
    perCallNs: cal.perCallNs,
    warmupNs: cal.warmupNs,
    timer: clock.name,
    async take(count, batch) {
      const out: number[] = [];
      for (let i = 0; i < count; i++) out.push((await timeBatch(loop, batch, clock, work.async)) / batch);
      return out;
    },
  };
}
