// The sampling loop: take samples in rounds from a source until the stopping
// rule says stop. The source, the clock and the interval's width are
// parameters, so the rule can be exercised with synthetic samples and virtual
// time, and `assay ab` can run the same loop over pairs of samples.
import type { Clock } from './clock.ts';
import { decideStop, medianRelCI, nextRoundSize, type StopReason, type StopRule } from './stopping.ts';

/** Where samples come from: for `assay run`, each is the time of one iteration, in ns. */
export interface SampleSource<S = number> {
  take(count: number): S[] | Promise<S[]>;
}

export interface SamplingOutcome<S = number> {
  /** Samples in the order they were taken. */
  samples: S[];
  stop: StopReason;
  elapsedNs: number;
  relCI: number;
}

export interface SamplingProgress {
  samples: number;
  elapsedNs: number;
  relCI: number;
}

/** Samples until the rule stops; `width` gives the interval's relative half-width over the samples so far (the median's by default). */
export async function sampleUntilStopped<S = number>(
  source: SampleSource<S>,
  rule: StopRule,
  clock: Clock,
  onProgress?: (p: SamplingProgress) => void,
  width?: (samples: S[]) => number,
): Promise<SamplingOutcome<S>> {
  // numbers stop on the CI of their median unless told otherwise
  const w = width ?? (medianRelCI as unknown as (samples: S[]) => number);
  const samples: S[] = [];
  const start = clock.now();
  for (;;) {
    const elapsedBefore = clock.now() - start;
    const round = await source.take(nextRoundSize(samples.length, elapsedBefore, rule));
    for (const s of round) samples.push(s);
    const elapsedNs = clock.now() - start;
    const relCI = samples.length >= rule.minSamples ? w(samples) : Infinity;
    const stop = decideStop(samples.length, elapsedNs, relCI, rule);
    onProgress?.({ samples: samples.length, elapsedNs, relCI });
    if (stop) return { samples, stop, elapsedNs, relCI };
  }
}
