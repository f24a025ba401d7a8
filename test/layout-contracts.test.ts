// Contracts the layout change added: an unexpected failure is Assay's own (exit
// 4, said so), a bench file anywhere imports 'assay' as the running Assay, and a
// failed case carries the location of the fault in the user's file.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { errorMessage, exitCodeFor, exitCodeForError } from '../harness/cli/exit.ts';
import { BackendUnavailableError, EXIT, InputError, InternalError, UsageError } from '../harness/model/errors.ts';
import type { RunResult } from '../harness/model/types.ts';
import { assay } from './helpers.ts';

describe('exit codes, from typed outcomes', () => {
  it('maps each error kind, and anything unexpected to 4 with a request for a report', () => {
    expect(exitCodeForError(new UsageError('x'))).toBe(EXIT.usage);
    expect(exitCodeForError(new InputError('x', 'f.ts'))).toBe(EXIT.usage);
    expect(exitCodeForError(new BackendUnavailableError('x'))).toBe(EXIT.unavailable);
    expect(exitCodeForError(new InternalError('x'))).toBe(EXIT.internal);
    expect(exitCodeForError(new TypeError("cannot read properties of undefined (reading 'x')"))).toBe(EXIT.internal);
    const msg = errorMessage(new TypeError('boom'), EXIT.internal);
    expect(msg).toMatch(/^assay: internal error: boom/);
    expect(msg).toMatch(/not of the code under test; please report it|Please report it/);
    expect(errorMessage(new UsageError('bad flag'), EXIT.usage)).toBe('assay: bad flag\n');
  });

  it('maps run outcomes: a failed case is 1, an unbuilt candidate 2, an interruption 130', () => {
    const base = { config: { candidates: ['c.ts'] } } as unknown as RunResult;
    const measured = { state: 'measured', variant: 'x.ts' };
    expect(exitCodeFor({ kind: 'run', result: { ...base, cases: [measured] } as unknown as RunResult })).toBe(0);
    expect(exitCodeFor({ kind: 'run', result: { ...base, cases: [measured, { state: 'failed', stage: 'verify', variant: 'x.ts' }] } as unknown as RunResult })).toBe(1);
    expect(exitCodeFor({ kind: 'run', result: { ...base, cases: [{ state: 'failed', stage: 'build', variant: 'c.ts' }] } as unknown as RunResult })).toBe(2);
    expect(exitCodeFor({ kind: 'run', result: { ...base, cases: [measured] } as unknown as RunResult, interrupted: true })).toBe(130);
  });
});

describe("import 'assay' outside any project", () => {
  it('a bench file in a bare temporary folder loads the running Assay', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'assay-bare-'));
    writeFileSync(path.join(dir, 'sum.bench.ts'), "import { bench } from 'assay';\nbench('sum', () => [1, 2, 3].reduce((a, b) => a + b, 0), { check: (s) => s === 6 });\n");
    try {
      const r = assay(['run', dir, '--time', '0.05', '--json', '-', '--no-samples']);
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout).cases.map((c: { state: string }) => c.state)).toEqual(['measured']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a failed case says where', () => {
  it('a native candidate that does not compile records file and line', () => {
    const r = assay(['run', '--problem', 'saxpy', '--backend', 'native', '--candidate', 'test/fixtures/native/syntax-error.cc', '--time', '0.05', '--json', '-', 'syntax-error']);
    expect(r.code).toBe(2);
    const c = JSON.parse(r.stdout).cases.find((x: { variant: string }) => x.variant === 'syntax-error.cc');
    expect(c).toMatchObject({ state: 'failed', stage: 'build', location: { file: 'test/fixtures/native/syntax-error.cc', line: expect.any(Number) } });
    expect(c.error).toContain(`syntax-error.cc:${c.location.line}:`);
  });
});
