// A WGSL kernel that never finishes is stopped by the time limit: its case fails
// with "timed out", its GPU process (and device) is killed, and the cases after
// it run on a fresh one. Nothing is left running afterwards.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { assay, ROOT } from './helpers.ts';
import { expectAdapter, skipWebGpu } from './webgpu-adapter.ts';

describe.skipIf(skipWebGpu)('a hanging WGSL kernel', () => {
  it('has a WebGPU adapter', expectAdapter);

  it('fails with "timed out", and the next case is still measured', () => {
    const r = assay(
      ['run', '--problem', 'saxpy', '--backend', 'wgsl', '--candidate', 'test/fixtures/wgsl/hang.wgsl', '--candidate', 'test/fixtures/wgsl/good-saxpy.wgsl', '--time', '0.05', '--json', '-', 'n=1000]'],
      { env: { ASSAY_WEBGPU_TIMEOUT_S: '3' } },
    );
    expect(r.code).toBe(1);
    const cases = (JSON.parse(r.stdout) as { cases: Array<{ variant: string; state: string; error?: string }> }).cases;
    const byName = Object.fromEntries(cases.map((c) => [c.variant, c]));
    expect(byName['hang.wgsl']?.state).toBe('failed');
    expect(byName['hang.wgsl']?.error).toMatch(/timed out after 3 s .*the kernel did not finish/);
    expect(byName['good-saxpy.wgsl']?.state).toBe('measured');
    // the killed GPU process and its spinning lavapipe threads are gone: no GPU process of
    // this checkout is left orphaned (the test workers' own ones still have their node parent)
    const procs = execFileSync('ps', ['-eo', 'pid=,ppid=,args='], { encoding: 'utf8' })
      .split('\n')
      .map((l) => l.trim().match(/^(\d+)\s+(\d+)\s+(.*)$/))
      .filter((m): m is RegExpMatchArray => m !== null);
    const parentOf = (m: RegExpMatchArray): RegExpMatchArray | undefined => procs.find((p) => p[1] === m[2]);
    const orphans = procs.filter((m) => m[3]!.includes(`${ROOT}harness/backends/webgpu/host.ts`) && !/\bnode\b/.test(parentOf(m)?.[3] ?? ''));
    expect(orphans.map((m) => m[3])).toEqual([]);
  });
});
