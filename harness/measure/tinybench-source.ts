// Timing batches through tinybench: each tinybench iteration runs one batch of
// calls through the case's compiled loop, and reports the per-call time back to
// tinybench as an overridden duration. Assay keeps its own time-ordered copy of
// the samples; tinybench provides the iteration scheduling and error handling.
import { Bench } from 'tinybench';
import { sink, type BatchLoop } from './batching.ts';
import type { Clock } from './clock.ts';

/** Takes `count` samples of `batch` calls each; every sample is ns per call. */
export type BatchSampler = (count: number, batch: number) => Promise<number[]>;

export function tinybenchSampler(name: string, loop: BatchLoop, async: boolean, clock: Clock): BatchSampler {
  const now = (): number => clock.now() / 1e6;
  let round: number[] = [];
  let batch = 1;
  const record = (batchNs: number): { overriddenDuration: number; overriddenIterationCost: number } => {
    round.push(batchNs / batch);
    return { overriddenDuration: batchNs / batch / 1e6, overriddenIterationCost: batchNs / 1e6 };
  };
  const task = async
    ? async () => {
        const t0 = clock.now();
        sink.value = await loop(batch);
        return record(clock.now() - t0);
      }
    : () => {
        const t0 = clock.now();
        sink.value = loop(batch);
        return record(clock.now() - t0);
      };
  return async (count, k) => {
    round = [];
    batch = k;
    const bench = new Bench({ iterations: count, time: 0, warmup: false, throws: true, now, retainSamples: false });
    bench.add(name, task, { async });
    if (async) await bench.run();
    else bench.runSync();
    const result = bench.tasks[0]?.result;
    if (result?.state === 'errored') throw result.error;
    return round;
  };
}
