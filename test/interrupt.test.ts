// An interrupted run keeps what it measured: the case in hand finishes, the rest
// are recorded as skipped, and the RunResult is still complete and well-formed.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { run } from '../harness/run/run.ts';

const fixtures = fileURLToPath(new URL('./fixtures/bench/ok', import.meta.url));

describe('interrupting a run', () => {
  it('finishes the case in hand and skips the rest', async () => {
    const ac = new AbortController();
    const r = await run({
      paths: [fixtures],
      measure: { budgetS: 0.03, warmupS: 0.01 },
      signal: ac.signal,
      onEvent: (e) => {
        if (e.type === 'case-start' && e.index === 0) ac.abort();
      },
    });
    expect(r.cases.map((c) => c.state)).toEqual(['measured', 'skipped', 'skipped']);
    expect(r.cases[1]).toMatchObject({ reason: expect.stringMatching(/interrupted/) });
  });
});
