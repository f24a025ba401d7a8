// A missing, corrupt, truncated, wrong-schema or wrongly shaped baseline is an
// input error (exit 2) that names the file; it is never read as "no regressions".
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { assay } from './helpers.ts';
import { baseAndHead } from './compare-helpers.ts';

const MACHINE = 'corrupt-test-machine';

describe('corrupt baselines', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'assay-baselines-'));
  const env = { ASSAY_BASELINES_DIR: root, ASSAY_MACHINE_ID: MACHINE, GITHUB_ACTIONS: 'false' };
  const { base, head } = baseAndHead(MACHINE);
  const good = JSON.stringify(base);
  const noSamples = structuredClone(base);
  delete (noSamples.cases[1] as { stats: { samples?: number[] } }).stats.samples;
  const files: Record<string, string> = {
    badjson: '{"schema": 1, "machine": {"id": oops}}',
    truncated: good.slice(0, Math.floor(good.length / 2)),
    empty: '',
    schema: JSON.stringify({ ...base, schema: 2 }),
    notruns: JSON.stringify({ ...base, cases: { steady: 1 } }),
    nosamples: JSON.stringify(noSamples),
    badsample: JSON.stringify({ ...base, cases: [{ ...base.cases[0], stats: { ...(base.cases[0] as { stats: object }).stats, samples: [1, 'x'] } }] }),
  };
  mkdirSync(path.join(root, MACHINE));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(root, MACHINE, `${name}.json`), text);
  const headFile = path.join(root, 'head.json');
  writeFileSync(headFile, JSON.stringify(head));
  const fileOf = (name: string): RegExp => new RegExp(`${MACHINE}/${name}\\.json`);

  it.each([
    ['badjson', /is not valid JSON/],
    ['truncated', /is truncated or empty/],
    ['empty', /is truncated or empty/],
    ['schema', /has schema 2, and this Assay reads schema 1/],
    ['notruns', /"cases" is not an array/],
    ['nosamples', /cases\[1\] \(regressed\) has no raw samples/],
    ['badsample', /a sample that is not a finite non-negative number/],
  ])('compare against baseline "%s": exit 2 naming the file', (name, why) => {
    const r = assay(['compare', name, headFile], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(fileOf(name));
    expect(r.stderr).toMatch(why);
    expect(r.stdout).not.toMatch(/no regressions|pass/);
  });

  it('a missing baseline: exit 2 with the file it looked for', () => {
    const r = assay(['compare', 'nope', headFile], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no baseline "nope" for this machine \(corrupt-test-machine\): .*corrupt-test-machine\/nope\.json does not exist/);
  });

  it('run --baseline checks the baseline before measuring anything', () => {
    const r = assay(['run', 'test/fixtures/bench/ok', '--time', '0.05', '--baseline', 'truncated'], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(fileOf('truncated'));
    expect(r.stdout).not.toMatch(/measured/);
    const missing = assay(['run', 'test/fixtures/bench/ok', '--time', '0.05', '--baseline', 'nope'], { env });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/nope\.json does not exist/);
  });

  it('a corrupt result file given by path is refused the same way', () => {
    const r = assay(['compare', path.join(root, MACHINE, 'truncated.json'), headFile], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/result file: .*truncated\.json is truncated/);
    const list = assay(['baseline', 'list'], { env });
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/truncated\s+this machine\s+UNREADABLE/);
  });
});
