// Where Dawn finds no adapter, the WGSL backend says why and how to get one: a run
// that asks only for wgsl exits 3 with that reason, and in a mixed run the WGSL
// cases are skipped with it while the others are measured.
import { describe, expect, it } from 'vitest';
import { assay } from './helpers.ts';

// no Vulkan driver (an ICD list naming none) and no EGL platform that exists
const NO_ADAPTER = { VK_ICD_FILENAMES: '/dev/null', EGL_PLATFORM: 'no-such-platform' };

describe('no WebGPU adapter', () => {
  it('exits 3 when only wgsl is asked for, saying why and how to fix it', () => {
    const r = assay(['run', '--backend', 'wgsl', '--quick'], { env: NO_ADAPTER });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/wgsl: Dawn found no adapter/);
    expect(r.stderr).toMatch(/npm run setup:webgpu/);
  });

  it('skips the WGSL cases of a mixed run with the reason', () => {
    const r = assay(['run', '--problem', 'saxpy', '--backend', 'js,wgsl', '--time', '0.05', '--json', '-', 'n=1000]'], { env: NO_ADAPTER });
    expect(r.code).toBe(0);
    const cases = (JSON.parse(r.stdout) as { cases: Array<{ kind: string; state: string; reason?: string }> }).cases;
    const wgsl = cases.filter((c) => c.kind === 'wgsl');
    expect(wgsl.length).toBeGreaterThan(0);
    for (const c of wgsl) expect(c).toMatchObject({ state: 'skipped', reason: expect.stringMatching(/Dawn found no adapter.*setup:webgpu/) });
    expect(cases.filter((c) => c.kind === 'js').every((c) => c.state === 'measured')).toBe(true);
  });
});
