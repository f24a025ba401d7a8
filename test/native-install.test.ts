// The install-time build never fails `npm install`: without cmake it warns, says
// how to fix it, records why (for `assay list`), and exits 0.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from './helpers.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'assay-install-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('native build at install', () => {
  it('exits 0 with a warning when cmake is missing', () => {
    const status = path.join(dir, 'status.json');
    // a PATH holding node alone: no cmake, no compiler
    const bin = path.join(dir, 'bin');
    mkdirSync(bin);
    symlinkSync(process.execPath, path.join(bin, 'node'));
    const r = spawnSync(process.execPath, ['scripts/build-addon.mjs'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { PATH: bin, ASSAY_NATIVE_STATUS: status },
    });
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/WARNING: the native addon was not built: cmake was not found on PATH/);
    expect(r.stderr).toMatch(/install cmake and a C\+\+ compiler.*npm run build:native/);
    expect(JSON.parse(readFileSync(status, 'utf8'))).toMatchObject({ ok: false, reason: 'cmake was not found on PATH' });
  });
});
