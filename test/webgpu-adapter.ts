// The WebGPU adapter for the WGSL tests. These tests must really run (in CI on
// lavapipe, after `npm ci` has run the set-up): with no adapter they fail with
// the reason, unless ASSAY_SKIP_WEBGPU_TESTS=1 says to skip them on purpose.
import { expect } from 'vitest';
import { webgpuBackend } from '../harness/backends/webgpu/webgpu-backend.ts';

export const adapter = await webgpuBackend.availability();

/** True only when there is no adapter and the user opted out of the WGSL tests. */
export const skipWebGpu = !adapter.ok && process.env.ASSAY_SKIP_WEBGPU_TESTS === '1';

/** The first assertion of every WGSL test file: an adapter exists, or the failure says why. */
export function expectAdapter(): void {
  expect(adapter.ok, `no WebGPU adapter: ${adapter.detail} (set ASSAY_SKIP_WEBGPU_TESTS=1 to skip the WGSL tests)`).toBe(true);
}
