// `assay run --problem P --candidate FILE`: a candidate file is verified and measured
// beside the problem's own variants; one that does not build is an input error (exit 2).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunResult } from '../harness/model/types.ts';
import { assay } from './helpers.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'assay-candidate-'));
function candidate(name: string, body: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, body);
  return file;
}
const SAXPY = 'export default function (i: any, o: any, p: any) { for (let k = 0; k < p.n; k++) o.out[k] = i.a[0] * i.x[k] + i.y[k]; }\n';
const QUICK = ['--time', '0.05', 'n=1000]'];

describe('--candidate', () => {
  it('measures a candidate beside the built-in variants, outside any package', () => {
    const file = candidate('mine.ts', SAXPY);
    const r = assay(['run', '--problem', 'saxpy', '--candidate', file, '--json', '-', ...QUICK]);
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout) as RunResult;
    expect(result.config.candidates).toEqual(['mine.ts']);
    const mine = result.cases.find((c) => c.variant === 'mine.ts');
    expect(mine?.state).toBe('measured');
    expect(result.cases.some((c) => c.variant === 'reference.ts' && c.state === 'measured')).toBe(true);
  });

  it('fails a wrong candidate at the verify stage (exit 1)', () => {
    const file = candidate('off.ts', SAXPY.replace('+ i.y[k]', '+ i.y[k] + 0.5'));
    const r = assay(['run', '--problem', 'saxpy', '--candidate', file, '--json', '-', ...QUICK]);
    expect(r.code).toBe(1);
    const off = (JSON.parse(r.stdout) as RunResult).cases.find((c) => c.variant === 'off.ts');
    expect(off).toMatchObject({ state: 'failed', stage: 'verify' });
  });

  it('exits 2 with file:line for a candidate that does not build', () => {
    const file = candidate('broken.ts', 'export default function (i, o, p) {\n  let x = ;\n}\n');
    const r = assay(['run', '--problem', 'saxpy', '--candidate', file, ...QUICK]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/the candidate did not build/);
    expect(r.stderr).toMatch(/broken\.ts:2:\d+/);
  });

  it('exits 2 without exactly one --problem, or for a file that is not a candidate', () => {
    const file = candidate('again.ts', SAXPY);
    const none = assay(['run', '--candidate', file, ...QUICK]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/--candidate needs exactly one --problem/);
    const txt = candidate('notes.txt', 'hello');
    const bad = assay(['run', '--problem', 'saxpy', '--candidate', txt, ...QUICK]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/notes\.txt: not a variant file/);
    const missing = assay(['run', '--problem', 'saxpy', '--candidate', path.join(dir, 'absent.ts'), ...QUICK]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no such candidate file/);
  });
});
