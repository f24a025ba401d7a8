// Without the native addon (not built: no cmake or no compiler at install time),
// `assay list` says native is unavailable, why and how to fix it; native cases
// are skipped with that reason; everything else still runs, on process.hrtime.
import { describe, expect, it } from 'vitest';
import { assay } from './helpers.ts';

const MISSING = { ASSAY_NATIVE_ADDON: '/nonexistent/assay_native.node' };

describe('native backend unavailable', () => {
  it('assay list says why and how to fix it', () => {
    const r = assay(['list'], { env: MISSING });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/✗ native\s+the native addon is not built \(\/nonexistent\/assay_native\.node does not exist.*\); to fix: install cmake and a C\+\+ compiler.*npm run build:native/);
  });

  it('native cases are skipped, the rest is measured', () => {
    const r = assay(['run', '--problem', 'saxpy', '--time', '0.05', '--json', '-', '--no-samples', 'n=1000]'], { env: MISSING });
    expect(r.code).toBe(0);
    const run = JSON.parse(r.stdout);
    const native = run.cases.filter((c: any) => c.kind === 'native');
    expect(native.length).toBeGreaterThan(0);
    for (const c of native) {
      expect(c.state).toBe('skipped');
      expect(c.reason).toMatch(/the native addon is not built/);
    }
    expect(run.cases.filter((c: any) => c.kind === 'js').every((c: any) => c.state === 'measured')).toBe(true);
    expect(run.machine.clock).toBe('process.hrtime.bigint');
  });

  it('--backend native alone exits 3 with the reason', () => {
    const r = assay(['run', '--backend', 'native', '--time', '0.05'], { env: MISSING });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/native: the native addon is not built/);
  });
});
