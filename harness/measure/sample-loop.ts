// The sampling loop: take samples in rounds from a source until the stopping
// rule says stop. The source and the clock are parameters, so the rule can be
// exercised with synthetic samples and virtual time.
import type { Clock } from './clock.ts';
import { checkStop, nextRoundSize, type StopReason, type StopRule } from './stopping.ts';

/** Where samples come from: each is the time of one iteration, in ns. */
export interface SampleSource {
  take(count: number): number[] | Promise<number[]>;
}

export interface SamplingOutcome {
  /** Samples in the order they were taken. */
  samples: number[];
  stop: StopReason;
  elapsedNs: number;
  relCI: number;
}

export interface SamplingProgress {
  samples: number;
  elapsedNs: number;
  relCI: number;
}

export async function sampleUntilStopped(
  source: SampleSource,
  rule: StopRule,
  clock: Clock,
  onProgress?: (p: SamplingProgress) => void,
): Promise<SamplingOutcome> {
  const samples: number[] = [];
  const start = clock.now();
  for (;;) {
    const elapsedBefore = clock.now() - start;
    const round = await source.take(nextRoundSize(samples.length, elapsedBefore, rule));
    for (const s of round) samples.push(s);
    const elapsedNs = clock.now() - start;
    const check = checkStop(samples, elapsedNs, rule);
    onProgress?.({ samples: samples.length, elapsedNs, relCI: check.relCI });
    if (check.stop) return { samples, stop: check.stop, elapsedNs, relCI: check.relCI };
  }
}
