// A runner that dies shows the lines of its output that say why: a V8 fatal
// error keeps its own line, not the native stack frames printed after it.
import { describe, expect, it } from 'vitest';
import { tellingLines } from '../harness/runner/client.ts';

describe('the last output of a dead runner', () => {
  it('drops native stack frames and banners, and keeps the fatal line', () => {
    const out = [
      '',
      '<--- Last few GCs --->',
      '[11718:0x1da8ae20]      918 ms: Mark-Compact (reduce) 49.0 (50.6) -> 48.4 (50.6) MB',
      '<--- JS stacktrace --->',
      'FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory',
      '----- Native stack trace -----',
      '',
      ...Array.from({ length: 14 }, (_, i) => ` ${i + 1}: 0x${(0xb78db3 + i).toString(16)} v8::internal::Something() [node]`),
    ].join('\n');
    const lines = tellingLines(out);
    expect(lines.at(-1)).toBe('FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory');
    expect(lines.some((l) => l.includes('0xb78db3'))).toBe(false);
  });
});
