// A sampler: a case's work, warmed up and calibrated once, then timed in
// batches whenever asked. `assay run` drains it with the stopping rule in one
// go; the runner process takes samples when its parent asks, so that two
// runners can be interleaved. Both go through this one path.
import { calibrate } from './calibrate.ts';
import { compileBatchLoop, timeBatch, type Invocable } from './batching.ts';
import type { Clock } from './clock.ts';
import { tinybenchSampler, type BatchSampler } from './tinybench-source.ts';
import { countBatch, type CounterDetails } from './hardware-counters.ts';

/**
 * Work that times itself, on a device clock the host cannot read directly (GPU
 * timestamps): `time(k)` runs k iterations back to back and returns their total ns.
 */
export interface SelfTimed {
  timer: string;
  time(iterations: number): Promise<number>;
}

/** Work ready to be timed: a call the loop times with its own clock, or work that times itself. */
export type MeasurableWork = ({ mode: 'call' } & Invocable) | ({ mode: 'timed' } & SelfTimed);

export interface Sampler {
  /** The batch size the warm-up chose. */
  batch: number;
  perCallNs: number;
  warmupNs: number;
  /** What times the samples: the loop's clock, or the work's own timer. */
  timer: string;
  /** Takes `count` samples of `batch` iterations each; every sample is ns per iteration. */
  take: BatchSampler;
  /** Hardware counters over one more batch of the same calls (JS work only); null where the kernel refuses them. */
  counted?: (batch: number) => Promise<CounterDetails | null>;
}

/** What a sampler needs of the measuring options. */
export interface SamplerOptions {
  warmupS: number;
  maxWarmupS: number;
  targetSampleNs: number;
}

/** Warms `work` up, picks its batch size, and returns the sampler of it. */
export async function startSampler(name: string, work: MeasurableWork, opts: SamplerOptions, clock: Clock): Promise<Sampler> {
  const warmupNs = opts.warmupS * 1e9;
  const maxWarmupNs = opts.maxWarmupS * 1e9;
  if (work.mode === 'timed') {
    const cal = await calibrate((k) => work.time(k), clock, warmupNs, opts.targetSampleNs, maxWarmupNs);
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
  const cal = await calibrate((k) => timeBatch(loop, k, clock, work.async), clock, warmupNs, opts.targetSampleNs, maxWarmupNs);
  return { ...cal, timer: clock.name, take: tinybenchSampler(name, loop, work.async, clock), counted: (batch) => countBatch(loop, batch, work.async) };
}
