// Compiling one C or C++ source into a shared library, in an isolated build
// folder under the scratch dir (.assay/native/<key>/), cached by a key over the
// source bytes, the compiler's identity, the flags and the problem's prototype.
// The source is copied into the folder and compiled there together with a
// header declaring the problem's prototype (`-include prototype.h`), so the
// compiler itself checks the kernel's signature, and a C++ definition with the
// right parameters gets C linkage even where `extern "C"` was forgotten.
import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { displayPath } from '../../model/files.ts';
import { promisify } from 'node:util';
import { cPrototype } from '../../problem/signature.ts';
import type { ProblemSpec } from '../../model/types.ts';
import { ArtifactError } from '../../model/errors.ts';
import { projectDataDir } from '../../model/paths.ts';
import { underValgrind } from '../../addon/addon.ts';

const run = promisify(execFile);

/** Bumped when the layout of a build folder or the way it is built changes. */
const CACHE_VERSION = 1;
/** Lines of compiler output kept in an error message. */
const MAX_DIAGNOSTIC_LINES = 25;
/** A compile that takes longer than this is stopped. */
const COMPILE_TIMEOUT_MS = 120_000;

export type Language = 'c' | 'c++';

/**
 * The flags every kernel is compiled with. Under valgrind (instruction counts)
 * an x86-64 kernel is built for x86-64-v3 (AVX2, FMA, BMI2) instead of this
 * CPU: valgrind cannot execute AVX-512, which -march=native emits where the CPU
 * has it, and the kernel would die of SIGILL.
 */
export function flagsFor(lang: Language): string[] {
  const march = process.arch === 'x64' && underValgrind() ? 'x86-64-v3' : 'native';
  return ['-O3', `-march=${march}`, '-fPIC', '-shared', '-pthread', lang === 'c' ? '-std=c11' : '-std=c++17'];
}

export function languageOf(file: string): Language {
  return file.endsWith('.c') ? 'c' : 'c++';
}

/** The compiler command for a language: $CC / $CXX, else cc / c++. */
export function compilerFor(lang: Language): string {
  return (lang === 'c' ? process.env.CC : process.env.CXX) || (lang === 'c' ? 'cc' : 'c++');
}

const identities = new Map<string, string | null>();

/** The first line of `compiler --version`, or null when the compiler cannot be run. */
export function compilerIdentity(compiler: string): string | null {
  if (!identities.has(compiler)) {
    try {
      const out = execFileSync(compiler, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000 });
      identities.set(compiler, out.split('\n')[0]!.trim());
    } catch {
      identities.set(compiler, null);
    }
  }
  return identities.get(compiler)!;
}

/** The folder compiled kernels are cached under: `native/` in the project's data folder. */
export function cacheDir(): string {
  return projectDataDir(process.cwd(), 'native');
}

export interface CompiledKernel {
  /** The shared library. */
  library: string;
  /** How long the compiler ran when this library was built (also when it now came from the cache). */
  compileMs: number;
  /** True when the library came from the cache. */
  cached: boolean;
  compiler: string;
  flags: string[];
}

/** The header force-included into every kernel: the exact prototype of the problem. */
function prototypeHeader(spec: ProblemSpec): string {
  const proto = cPrototype(spec);
  return [
    `/* The prototype Assay compiles every "${spec.name}" kernel against. */`,
    '#include <stdint.h>',
    '#ifdef __cplusplus',
    `${proto};`,
    '#else',
    `${proto.replace(/^extern "C" /, '')};`,
    '#endif',
    '',
  ].join('\n');
}

/** Compiles `file` (or takes it from the cache); throws an ArtifactError pointing at file:line on a compiler error. */
export async function compileKernel(file: string, spec: ProblemSpec): Promise<CompiledKernel> {
  const lang = languageOf(file);
  const compiler = compilerFor(lang);
  const identity = compilerIdentity(compiler);
  if (identity === null) throw new Error(`the ${lang === 'c' ? 'C' : 'C++'} compiler "${compiler}" cannot be run; install one (apt-get install g++) or set ${lang === 'c' ? 'CC' : 'CXX'}`);
  const flags = flagsFor(lang);
  const source = readFileSync(file);
  const header = prototypeHeader(spec);
  const srcName = lang === 'c' ? 'kernel.c' : 'kernel.cc';
  const key = createHash('sha256')
    .update([`v${CACHE_VERSION}`, compiler, identity, flags.join(' '), header, ''].join('\0'))
    .update(source)
    .digest('hex')
    .slice(0, 24);
  const root = cacheDir();
  const dir = path.join(root, key);
  const library = path.join(dir, 'kernel.so');
  const meta = path.join(dir, 'build.json');
  if (existsSync(library) && existsSync(meta)) {
    const m = JSON.parse(readFileSync(meta, 'utf8')) as { compile_ms: number };
    return { library, compileMs: m.compile_ms, cached: true, compiler: identity, flags };
  }

  // build in a private folder and move it into place whole, so that a concurrent
  // run never sees a half-written library
  mkdirSync(root, { recursive: true });
  const tmp = mkdtempSync(path.join(root, 'tmp-'));
  try {
    writeFileSync(path.join(tmp, srcName), source);
    writeFileSync(path.join(tmp, 'prototype.h'), header);
    const args = [...flags, '-include', 'prototype.h', '-o', 'kernel.so', srcName];
    const t0 = performance.now();
    try {
      // the C locale keeps the compiler's quotes plain ASCII in messages
      await run(compiler, args, { cwd: tmp, timeout: COMPILE_TIMEOUT_MS, maxBuffer: 16 * 2 ** 20, env: { ...process.env, LC_ALL: 'C' } });
    } catch (e) {
      throw compileError(e as { stderr?: string; message: string; killed?: boolean }, file, srcName, compiler, flags, spec);
    }
    const compileMs = Number((performance.now() - t0).toFixed(1));
    writeFileSync(path.join(tmp, 'build.json'), `${JSON.stringify({ source: file, compiler: identity, flags, compile_ms: compileMs }, null, 2)}\n`);
    try {
      renameSync(tmp, dir);
    } catch {
      // another process built the same key first; its library is the same
      if (!existsSync(library)) throw new Error(`could not move the build of ${file} into ${dir}`);
    }
    return { library, compileMs, cached: false, compiler: identity, flags };
  } finally {
    if (existsSync(tmp)) rmSync(tmp, { recursive: true, force: true });
  }
}

/** Turns a failed compile into an ArtifactError at the first error's file:line, with the compiler's own message. */
function compileError(e: { stderr?: string; message: string; killed?: boolean }, file: string, srcName: string, compiler: string, flags: string[], spec: ProblemSpec): ArtifactError {
  const shown = displayPath(file);
  if (e.killed) return new ArtifactError(`${shown}: the compiler ran longer than ${COMPILE_TIMEOUT_MS / 1000} s and was stopped`, file);
  const escaped = srcName.replace('.', '\\.');
  // the compiler saw the copy in the build folder and the prototype header: name the user's file instead
  const text = (e.stderr || e.message)
    .replace(new RegExp(`(^|[\\s'"(])(\\./)?${escaped}\\b`, 'gm'), `$1${shown}`)
    .replace(/(^|[\s'"(])(\.\/)?prototype\.h:\d+:\d+/gm, `$1<Assay's prototype for "${spec.name}">`)
    .replace(/(^|[\s'"(])(\.\/)?prototype\.h\b/gm, `$1<Assay's prototype for "${spec.name}">`);
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const first = lines.map((l) => new RegExp(`^${escapeRe(shown)}:(\\d+):(?:(\\d+):)?\\s*(?:fatal )?error:\\s*(.*)$`).exec(l)).find(Boolean);
  const line = first ? Number(first[1]) : undefined;
  const where = first ? `${shown}:${first[1]}${first[2] ? `:${first[2]}` : ''}` : shown;
  const what = first ? first[3]! : 'the compiler failed';
  const shownLines = lines.slice(0, MAX_DIAGNOSTIC_LINES);
  if (lines.length > shownLines.length) shownLines.push(`... (${lines.length - shownLines.length} more lines)`);
  const message = [
    `${where}: compile error: ${what}`,
    ...shownLines.map((l) => `  ${l}`),
    `Fix the source so that it compiles with \`${compiler} ${flags.join(' ')}\` and defines ${languageOf(file) === 'c' ? cPrototype(spec).replace(/^extern "C" /, '') : cPrototype(spec)}.`,
  ].join('\n');
  return new ArtifactError(message, file, line);
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
