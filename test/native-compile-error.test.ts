// A native candidate that does not compile: the CLI exits 2 and names the
// candidate's file and line, with the compiler's own message.
import { describe, expect, it } from 'vitest';
import { assay } from './helpers.ts';

describe('native compile errors', () => {
  it('exit 2 with file:line and the compiler message', () => {
    const r = assay(['run', '--problem', 'saxpy', '--candidate', 'test/fixtures/native/syntax-error.cc', '--backend', 'native', '--time', '0.05']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/the candidate did not build/);
    // gcc reports the missing ';' at the end of line 5 or the start of line 6
    expect(r.stderr).toMatch(/test\/fixtures\/native\/syntax-error\.cc:[56]:\d+: compile error: expected ';'/);
    // the compiler's full diagnostic follows, pointing at the user's file, not a copy
    expect(r.stderr).not.toMatch(/kernel\.cc/);
    expect(r.stderr).toMatch(/defines extern "C" void kernel\(const float\* a, const float\* x, const float\* y, float\* out, uint32_t n\)/);
  });
});
