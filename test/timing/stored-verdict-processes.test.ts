// Stored verdicts that include the spread between processes: a case measured in
// several processes keeps each process's summary, and a comparison of two such
// runs widens its interval to the spread of the process medians, so that one
// process's luck is not called a change in the code.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { mergeProcesses } from '../../harness/runner/processes.ts';
import { compareCases } from '../../harness/stats/compare.ts';
import type { CaseResult, MeasuredCase } from '../../harness/model/types.ts';
import { measuredCase, noisy } from '../compare-helpers.ts';
import { assay } from '../helpers.ts';

/** A case measured in processes whose speeds are `centers`, each with 0.3% noise within. */
function inProcesses(id: string, seed: number, centers: number[]): CaseResult {
  const each = centers.map((c, i) => measuredCase(id, noisy(seed * 10 + i, 150, c, 0.003)));
  return mergeProcesses(each[0]!, each, true);
}

describe('stored verdicts across processes', () => {
  it('keeps every process summary and pools the samples', () => {
    const c = inProcesses('x', 1, [1000, 1030, 985]) as MeasuredCase;
    expect(c.stats.processes).toHaveLength(3);
    expect(c.stats.samples).toHaveLength(450);
    expect(c.stats.processes!.map((p) => Math.round(p.median / 5) * 5)).toEqual([1000, 1030, 985]);
  });

  it('identical code whose processes differ by a few percent is not called faster or slower', () => {
    // every process of either side draws its speed from the same spread: no change in the code
    const base = inProcesses('x', 2, [1000, 1035, 990]);
    const head = inProcesses('x', 3, [1030, 1040, 1025]);
    const [withSpread] = compareCases([base], [head]);
    expect(['same', 'inconclusive']).toContain(withSpread!.verdict);
    expect(withSpread!.processes).toBe(3);
    // the same samples without their process summaries: the within-process interval alone calls it a change
    const strip = (r: CaseResult): CaseResult => (r.state === 'measured' ? { ...r, stats: { ...r.stats, processes: undefined } } : r);
    const [without] = compareCases([strip(base)], [strip(head)]);
    expect(without!.verdict).toBe('slower');
    expect(withSpread!.ci![1] - withSpread!.ci![0]).toBeGreaterThan(without!.ci![1] - without!.ci![0]);
  });

  it('a real 10% slowdown is still found', () => {
    const base = inProcesses('x', 4, [1000, 1010, 995]);
    const head = inProcesses('x', 5, [1100, 1108, 1096]);
    const [c] = compareCases([base], [head]);
    expect(c!.verdict).toBe('slower');
    expect(c!.ratio!).toBeGreaterThan(1.08);
  });
});

// How often identical code is called faster or slower is a rate, measured by
// `npm run bench:validity` over hundreds of comparisons; one A/A pair here cannot
// assert it (on a shared VM the whole machine's speed moves between two runs, by
// 20% at times). This test checks what a user sees of the processes: every
// process's summary is stored and compared, and a verdict names them.
describe('assay run --processes', () => {
  it('a baseline and a later run, each in several processes, are compared process by process', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'assay-aa-'));
    const env = { ASSAY_BASELINES_DIR: dir, GITHUB_ACTIONS: 'false' };
    try {
      const save = assay(['run', 'test/fixtures/bench/ok', '--time', '0.3', '--processes', '2', '--save-baseline', 'aa', '--json', path.join(dir, 'a.json')], { env });
      expect(save.code, save.stderr).toBe(0);
      const again = assay(['run', 'test/fixtures/bench/ok', '--time', '0.3', '--baseline', 'aa', '--fail-on', 'failed', '--json', '-'], { env });
      expect(again.code, again.stderr).toBe(0);
      const run = JSON.parse(again.stdout);
      expect(run.config.processes).toBe(3); // the default when comparing with a baseline
      for (const c of run.cases) expect(c.stats.processes).toHaveLength(3);
      // every case compared, none failed or unmatched, on the spread of its processes
      expect(again.stderr).toMatch(/3 cases: \d+ slower, \d+ faster, \d+ same, \d+ inconclusive, 0 failed, 0 new, 0 missing/);
      expect(again.stderr).toMatch(/this run against baseline aa \(stored runs\)/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
