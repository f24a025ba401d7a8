// A native variant's `// @settings` header: each name=values item is a setting
// axis of uint32 values; malformed lines are rejected with their line number.
import { describe, expect, it } from 'vitest';
import { parseSettings } from '../harness/backends/native/settings.ts';
import { assay } from './helpers.ts';

describe('native settings header', () => {
  it('reads one or more axes', () => {
    expect(parseSettings('// @settings threads=1,2\nint x;')).toEqual({ threads: [1, 2] });
    expect(parseSettings('//@settings threads=1,2,4 unroll=8\n// @settings tile=16')).toEqual({ threads: [1, 2, 4], unroll: [8], tile: [16] });
    expect(parseSettings('// no settings here\n')).toEqual({});
  });

  it('rejects malformed lines with the line number', () => {
    expect(() => parseSettings('\n// @settings threads=1,two')).toThrow(/line 2: setting "threads" has values that are not uint32 integers \("two"\)/);
    expect(() => parseSettings('// @settings')).toThrow(/line 1: "\/\/ @settings" names no setting/);
    expect(() => parseSettings('// @settings Threads=1')).toThrow(/line 1: "Threads=1" is not a setting/);
    expect(() => parseSettings('// @settings threads=1\n// @settings threads=2')).toThrow(/line 2: setting "threads" is declared twice/);
  });

  it('a declared setting without its hook fails the build with the hook to define', () => {
    const r = assay(['run', '--problem', 'saxpy', '--candidate', 'test/fixtures/native/settings-no-hook.cc', '--backend', 'native', '--time', '0.05']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/settings-no-hook\.cc: declares the setting "threads" but defines no hook for it; define extern "C" void assay_set_threads\(uint32_t threads\)/);
  });
});
