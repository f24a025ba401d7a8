// A native candidate that compiles but does not define the problem's prototype
// gets a message naming the exact prototype to define, and the CLI exits 2.
import { describe, expect, it } from 'vitest';
import { assay } from './helpers.ts';

const PROTOTYPE = 'extern "C" void kernel(const float* a, const float* x, const float* y, float* out, uint32_t n)';

function candidate(file: string) {
  return assay(['run', '--problem', 'saxpy', '--candidate', file, '--backend', 'native', '--time', '0.05']);
}

describe('native candidates without the prototype', () => {
  it('a function with another name: says which prototype to define', () => {
    const r = candidate('test/fixtures/native/wrong-name.c');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/wrong-name\.c: defines no function `kernel` with C linkage/);
    expect(r.stderr).toContain(PROTOTYPE);
  });

  it('a C++ function with other parameters and no extern "C": names the function it found', () => {
    const r = candidate('test/fixtures/native/cxx-linkage.cc');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cxx-linkage\.cc: defines no function `kernel` with C linkage/);
    expect(r.stderr).toMatch(/`kernel\(float const\*, float\*, float\*, float\*, unsigned int\)`, a C\+\+ function/);
    expect(r.stderr).toContain(PROTOTYPE);
  });
});
