// A WGSL candidate at fault is stopped at the build stage with its own clear
// message (what, file:line, how to fix) and `assay run --candidate` exits 2:
// malformed WGSL (from the compiler, with the offending line), no `main`,
// bindings that do not match the problem, a missing or unparsable @dispatch.
import { describe, expect, it } from 'vitest';
import { assay } from './helpers.ts';
import { expectAdapter, skipWebGpu } from './webgpu-adapter.ts';

function runCandidate(file: string): { code: number | null; stderr: string } {
  const r = assay(['run', '--problem', 'matmul', '--backend', 'wgsl', '--candidate', `test/fixtures/wgsl/${file}`, '--time', '0.05', file]);
  return { code: r.code, stderr: r.stderr };
}

describe.skipIf(skipWebGpu)('bad WGSL kernels', () => {
  it('has a WebGPU adapter', expectAdapter);

  it('malformed WGSL: the compiler message at line:column, with the source line and a caret', () => {
    const r = runCandidate('malformed.wgsl');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/malformed\.wgsl:14:5: WGSL error: unresolved value 'sum'/);
    expect(r.stderr).toContain('  14 |     sum += a[id.y * n + k] * b[k * n + id.x];');
    expect(r.stderr).toContain('\n     |     ^\n');
  });

  it('no main: names the entry points it found', () => {
    const r = runCandidate('no-main.wgsl');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no-main\.wgsl:9:1: no compute entry point "main" \(found matmul\)/);
  });

  it('bindings out of order: says which binding and prints the layout', () => {
    const r = runCandidate('wrong-bindings.wgsl');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/wrong-bindings\.wgsl:4:1: "c" is @binding\(0\), but it is @binding\(2\) in the layout/);
    expect(r.stderr).toContain('@group(0) @binding(2) var<storage, read_write> c: array<f32>;');
  });

  it('no @dispatch header: says how to write one', () => {
    const r = runCandidate('no-dispatch.wgsl');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no-dispatch\.wgsl:1:1: no "\/\/ @dispatch X, Y, Z" header: add a line such as/);
  });

  it('an unparsable @dispatch header: points at it', () => {
    const r = runCandidate('bad-dispatch.wgsl');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad-dispatch\.wgsl:2:13: unbalanced parentheses in "ceil\(n \/ 16, ceil\(n \/ 16\), 1"/);
  });
});
