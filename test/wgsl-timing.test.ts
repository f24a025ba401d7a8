// WGSL cases are timed on the device: with GPU timestamps where it has
// timestamp-query (lavapipe does), recorded as the case's timer, with the upload
// time reported apart from the kernel time; the run's environment names the
// adapter, and `assay list` shows its vendor, features and limits.
import { describe, expect, it } from 'vitest';
import { assay } from './helpers.ts';
import { adapter, expectAdapter, skipWebGpu } from './webgpu-adapter.ts';

describe.skipIf(skipWebGpu)('WGSL timing', () => {
  it('has a WebGPU adapter', expectAdapter);

  it('uses GPU timestamps where the adapter has timestamp-query, and reports transfer time apart', () => {
    const r = assay(['run', '--problem', 'saxpy', '--backend', 'wgsl', '--time', '0.1', '--json', '-', 'naive.wgsl[n=1000]']);
    expect(r.code).toBe(0);
    const run = JSON.parse(r.stdout) as {
      machine: { gpu: { vendor: string; features: string[] } | null };
      cases: Array<{ state: string; timer: string; details: Record<string, number>; stats: { median: number } }>;
    };
    const c = run.cases[0]!;
    expect(c.state).toBe('measured');
    const features = (adapter.info as { features: string[] }).features;
    expect(c.timer).toBe(features.includes('timestamp-query') ? 'gpu-timestamp' : 'gpu-submit-wall');
    expect(c.details.transfer_ns).toBeGreaterThan(0);
    expect(c.details.compile_ms).toBeGreaterThanOrEqual(0);
    expect(c.stats.median).toBeGreaterThan(0);
    expect(run.machine.gpu?.vendor).toBe((adapter.info as { vendor: string }).vendor);
  });

  it('on lavapipe, the timer is gpu-timestamp', () => {
    const info = adapter.info as { description: string; features: string[] };
    if (!/llvmpipe/.test(info.description)) return; // another adapter: the test above covers it
    expect(info.features).toContain('timestamp-query');
  });

  it('assay list shows the adapter', () => {
    const r = assay(['list']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/✓ wgsl {4}".*"( \(.*\))? via (vulkan|opengles); timer gpu-(timestamp|submit-wall)/);
    expect(r.stdout).toMatch(/ vendor: \S+/);
    expect(r.stdout).toMatch(/ limits: .*maxComputeWorkgroupSizeX=\d+/);
    expect(r.stdout).toMatch(/ features: /);
  });
});
