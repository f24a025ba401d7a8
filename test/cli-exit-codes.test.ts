// The CLI's exit codes, exactly as DESIGN.md fixes them, with the messages a
// user needs: 0 success, 1 a failed case, 2 usage/input errors, 3 no backend.
import { describe, expect, it } from 'vitest';
import { assay } from './helpers.ts';

const QUICK = ['--time', '0.05'];

describe('assay exit codes', () => {
  it('0 when every case verifies and is measured', () => {
    const r = assay(['run', 'test/fixtures/bench/ok', ...QUICK]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/3 cases: 3 measured/);
  });

  it('1 when a case fails its check or throws, with the reason in the table', () => {
    const r = assay(['run', 'test/fixtures/bench/failing', ...QUICK]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/check failed: expected 1 first, got 2 \(result: \[2,1,3\]\)/);
    expect(r.stdout).toMatch(/threw before it was measured: .*boom/);
    expect(r.stdout).toMatch(/3 cases: 1 measured .* 2 failed/);
  });

  it('2 for a bench file that does not parse, naming file:line', () => {
    const r = assay(['run', 'test/fixtures/bench/broken', ...QUICK]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/syntax\.bench\.ts:4:\d+: /);
  });

  it('2 for an unknown option, an unknown problem, a bad --time, a filter matching nothing', () => {
    const opt = assay(['run', '--frobnicate']);
    expect(opt.code).toBe(2);
    expect(opt.stderr).toMatch(/frobnicate/);
    const prob = assay(['run', '--problem', 'nosuch']);
    expect(prob.code).toBe(2);
    expect(prob.stderr).toMatch(/unknown problem "nosuch"; known problems: .*matmul/);
    expect(assay(['run', '--time', '-1']).code).toBe(2);
    const none = assay(['run', 'test/fixtures/bench/ok', 'no-such-case', ...QUICK]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/no cases match "no-such-case"/);
    expect(assay(['frobnicate']).code).toBe(2);
    expect(assay(['problem', 'show', 'nosuch']).code).toBe(2);
  });

  it('2 for a bench path that does not exist or is not a bench file', () => {
    const r = assay(['run', 'test/fixtures/bench/ok/not-a-bench.ts', ...QUICK]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not a bench file/);
  });

  it('3 when only unavailable backends are asked for, saying why', () => {
    // every backend can run here now; wgsl is made unavailable by hiding every GPU driver
    const r = assay(['run', '--backend', 'wgsl', ...QUICK], { env: { VK_ICD_FILENAMES: '/dev/null', EGL_PLATFORM: 'no-such-platform' } });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/wgsl: /);
    expect(assay(['run', '--backend', 'cuda']).code).toBe(2);
  });
});
