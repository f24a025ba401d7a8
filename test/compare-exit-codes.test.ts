// `assay compare` exit codes: 1 for a slower case (or what --fail-on names), 0
// otherwise; --threshold moves the noise band; bad options are usage errors.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { assay } from './helpers.ts';
import { baseAndHead, measuredCase, noisy, runOf, tempFiles } from './compare-helpers.ts';

const env = { GITHUB_ACTIONS: 'false' };

describe('compare exit codes', () => {
  const { base, head } = baseAndHead();
  const dir = tempFiles({
    'base.json': base,
    'head.json': head,
    'same.json': runOf([measuredCase('steady', noisy(99, 200, 1000)), measuredCase('regressed', noisy(98, 200, 5000))]),
    'one.json': runOf([measuredCase('steady', noisy(97, 200, 1000))]),
    'moved.json': runOf(['a/steady', 'a/regressed', 'a/improved'].map((id, i) => measuredCase(id, noisy(90 + i, 200, 1000)))),
  });
  const f = (name: string): string => path.join(dir, name);

  it('1 when a case is slower, naming it in the table', () => {
    const r = assay(['compare', f('base.json'), f('head.json')], { env });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/regressed\s.*\+10%.*slower/);
    expect(r.stdout).toMatch(/improved\s.*-10%.*faster/);
    expect(r.stdout).toMatch(/1 slower, 1 faster, 1 same/);
  });

  it('0 when nothing is slower; --fail-on names the verdicts that fail instead', () => {
    const r = assay(['compare', f('base.json'), f('same.json')], { env });
    // steady and regressed are same; improved is missing from head, which does not fail by default
    expect(r.stdout).toMatch(/1 missing/);
    expect(r.code).toBe(0);
    expect(assay(['compare', f('base.json'), f('same.json'), '--fail-on', 'missing'], { env }).code).toBe(1);
    expect(assay(['compare', f('base.json'), f('head.json'), '--fail-on', 'failed,new'], { env }).code).toBe(0);
    expect(assay(['compare', f('base.json'), f('head.json'), '--fail-on', 'faster'], { env }).code).toBe(1);
  });

  it('2 when nothing is in common, or more than half of the base is missing, saying what did not match', () => {
    const moved = assay(['compare', f('base.json'), f('moved.json')], { env });
    expect(moved.code).toBe(2);
    expect(moved.stderr).toMatch(/nothing in common: none of the 3 cases of result file .*base\.json \("steady", "regressed", "improved"\) is in .*moved\.json \(whose cases are "a\/steady"/);
    expect(moved.stderr).toMatch(/relative to the folder assay ran in/);
    const one = assay(['compare', f('base.json'), f('one.json')], { env });
    expect(one.code).toBe(2);
    expect(one.stderr).toMatch(/too little in common: 2 of the 3 cases of .* are missing from/);
  });

  it('--threshold widens the band: a 10% change within ±15% is same', () => {
    const r = assay(['compare', f('base.json'), f('head.json'), '--threshold', '15%', '--json', '-'], { env });
    expect(r.code).toBe(0);
    const cmp = JSON.parse(r.stdout);
    expect(cmp.threshold).toBe(0.15);
    expect(cmp.cases.map((c: { verdict: string }) => c.verdict)).toEqual(['same', 'same', 'same']);
    expect(assay(['compare', f('base.json'), f('head.json'), '--threshold', '0.15'], { env }).code).toBe(0);
  });

  it('2 for a bad --threshold or --fail-on, or a missing argument', () => {
    const t = assay(['compare', f('base.json'), f('head.json'), '--threshold', '150%'], { env });
    expect(t.code).toBe(2);
    expect(t.stderr).toMatch(/--threshold/);
    const v = assay(['compare', f('base.json'), f('head.json'), '--fail-on', 'slow'], { env });
    expect(v.code).toBe(2);
    expect(v.stderr).toMatch(/unknown verdict "slow"; the verdicts are/);
    expect(assay(['compare'], { env }).code).toBe(2);
  });

  it('reads HEAD from stdin when it is omitted', () => {
    const r = assay(['compare', f('base.json')], { env, input: JSON.stringify(head) });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/stdin against/);
  });
});
