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
    // building the pipeline compiles the shader: it takes time, and that time is outside the samples
    expect(c.details.compile_ms).toBeGreaterThan(0);
    expect(c.stats.median).toBeGreaterThan(0);
    expect(run.machine.gpu?.vendor).toBe((adapter.info as { vendor: string }).vendor);
  });

  it('the GPU timer reads the work: a thousand times the elements takes far longer per call', () => {
    const r = assay(['run', '--problem', 'saxpy', '--backend', 'wgsl', '--time', '0.2', '--json', '-', '--no-samples', 'naive.wgsl']);
    expect(r.code).toBe(0);
    const cases = (JSON.parse(r.stdout) as { cases: Array<{ params: { n: number }; timer: string; stats: { median: number } }> }).cases;
    const small = cases.find((c) => c.params.n === 1000)!;
    const large = cases.find((c) => c.params.n === 1000003)!;
    const features = (adapter.info as { features: string[] }).features;
    if (features.includes('timestamp-query')) expect(large.timer).toBe('gpu-timestamp');
    // ~1000x the elements: a timer that read a fixed overhead would see a ratio near 1
    expect(large.stats.median / small.stats.median).toBeGreaterThan(20);
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
