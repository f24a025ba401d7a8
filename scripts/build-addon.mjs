#!/usr/bin/env node
// Builds the native addon during `npm install` / `npm ci` (the package's
// "install" script), and never fails the install: without cmake or a C++
// compiler it prints a warning and records why in build/native-status.json,
// which the native backend reads to say why it is unavailable and how to fix it.
// Set ASSAY_SKIP_NATIVE=1 to skip the build.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const buildDir = path.join(root, 'build');
// ASSAY_NATIVE_STATUS names another status file (tests use it to leave the real one alone)
const statusFile = process.env.ASSAY_NATIVE_STATUS || path.join(buildDir, 'native-status.json');
const FIX = 'install cmake and a C++ compiler (Debian/Ubuntu: apt-get install cmake g++ ninja-build), then run `npm run build:native`';

function record(status) {
  mkdirSync(path.dirname(statusFile), { recursive: true });
  writeFileSync(statusFile, `${JSON.stringify({ ...status, at: new Date().toISOString() }, null, 2)}\n`);
}

function skip(reason, log = '') {
  record({ ok: false, reason, fix: FIX, log: log.slice(-4000) });
  process.stderr.write(`assay: WARNING: the native addon was not built: ${reason}.\n  The native backend stays unavailable (\`assay list\` says why); everything else works.\n  To fix: ${FIX}.\n`);
  process.exit(0);
}

if (process.env.ASSAY_SKIP_NATIVE === '1') skip('ASSAY_SKIP_NATIVE=1 was set');

const cmake = spawnSync('cmake', ['--version'], { encoding: 'utf8' });
if (cmake.error || cmake.status !== 0) skip('cmake was not found on PATH');

let cmakeJs;
try {
  cmakeJs = createRequire(import.meta.url).resolve('cmake-js/bin/cmake-js');
} catch {
  skip('the cmake-js package is not installed (run npm install)');
}

const t0 = performance.now();
const r = spawnSync(process.execPath, [cmakeJs, 'compile', '--directory', root], { cwd: root, encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
const log = `${r.stdout ?? ''}${r.stderr ?? ''}`;
if (r.error || r.status !== 0) {
  const noCompiler = /CMAKE_CXX_COMPILER|No CMAKE_CXX_COMPILER|compiler.*not found/i.test(log);
  skip(noCompiler ? 'cmake found no C++ compiler' : `cmake-js failed (exit ${r.status ?? r.error?.message}); the end of its log is in build/native-status.json`, log);
}
record({ ok: true, seconds: Number(((performance.now() - t0) / 1000).toFixed(1)) });
process.stderr.write(`assay: built the native addon in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
