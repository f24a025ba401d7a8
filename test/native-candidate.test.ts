// A native candidate compiles, runs beside the built-in variants, and is cached
// by content: the second run reuses the library and says so.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { assay, ROOT } from './helpers.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'assay-native-'));
const cache = path.join(dir, 'cache');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function runCandidate(file: string): { code: number | null; cases: Array<Record<string, any>>; stderr: string } {
  const r = assay(['run', '--problem', 'saxpy', '--candidate', file, '--backend', 'native', '--time', '0.05', '--json', '-', '--no-samples'], {
    env: { ASSAY_CACHE_DIR: cache },
  });
  return { code: r.code, cases: r.code === 0 ? JSON.parse(r.stdout).cases : [], stderr: r.stderr };
}

describe('native candidates', () => {
  it('compiles and runs a candidate, then takes it from the cache', () => {
    const file = path.join(dir, 'mine.cc');
    copyFileSync(path.join(ROOT, 'test/fixtures/native/saxpy-candidate.cc'), file);
    const first = runCandidate(file);
    expect(first.code).toBe(0);
    const mine = first.cases.filter((c) => c.variant === 'mine.cc');
    expect(mine.map((c) => c.state)).toEqual(['measured', 'measured']);
    expect(mine[0]!.details).toMatchObject({ cached: false, flags: expect.stringMatching(/-O3 -march=native/) });
    expect(mine[0]!.details.compile_ms).toBeGreaterThan(0);
    // built-in native variants of the problem run beside it
    expect(first.cases.some((c) => c.variant === 'loop.cc' && c.state === 'measured')).toBe(true);

    const second = runCandidate(file);
    expect(second.code).toBe(0);
    const again = second.cases.find((c) => c.variant === 'mine.cc')!;
    expect(again.details).toMatchObject({ cached: true, compile_ms: mine[0]!.details.compile_ms });
  });

  it('runs a C++ kernel that forgot extern "C" but has the exact parameters', () => {
    const r = runCandidate(path.join(ROOT, 'test/fixtures/native/no-extern-c.cc'));
    expect(r.code).toBe(0);
    expect(r.cases.filter((c) => c.variant === 'no-extern-c.cc').every((c) => c.state === 'measured')).toBe(true);
  });
});
