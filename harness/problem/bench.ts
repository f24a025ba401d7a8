// `bench(name, fn)`: how a user's *.bench.ts file declares plain benchmarks.
// Declarations go to a process-wide collector, keyed by a global symbol, so that
// a bench file importing 'assay' registers with the harness even if the module
// was loaded twice under different URLs.

/** Options of one plain benchmark. */
export interface BenchOptions<R = unknown> {
  /**
   * Checks the function's result before it is measured. Return `true` (or
   * nothing) to pass; `false` or a message string fails the case.
   */
  check?: (result: Awaited<R>) => boolean | string | void;
}

/** A plain benchmark as declared in a bench file. */
export interface BenchDecl {
  name: string;
  fn: () => unknown;
  options: BenchOptions;
  /** The bench file that declared it, set by the loader. */
  file: string;
}

interface Collector {
  file: string | null;
  decls: BenchDecl[];
  /** Declarations by file: an ES module runs once per process, so a second collection reuses the first. */
  byFile: Map<string, BenchDecl[]>;
}

const KEY = Symbol.for('assay.bench.collector');

function collector(): Collector {
  const g = globalThis as unknown as Record<symbol, Collector | undefined>;
  return (g[KEY] ??= { file: null, decls: [], byFile: new Map() });
}

/**
 * Declares a benchmark. `fn` may return a promise, which is awaited inside the
 * timed region.
 *
 * ```ts
 * import { bench } from 'assay';
 * bench('parse small', () => JSON.parse(text), { check: (r) => r.ok === true });
 * ```
 */
export function bench<R>(name: string, fn: () => R, options: BenchOptions<R> = {}): void {
  if (typeof name !== 'string' || name.length === 0) throw new TypeError('bench(name, fn): name must be a non-empty string');
  if (typeof fn !== 'function') throw new TypeError(`bench("${name}", fn): fn must be a function`);
  const c = collector();
  c.decls.push({ name, fn, options: options as BenchOptions, file: c.file ?? '(unknown file)' });
}

/** Imports one bench file and returns what it declared. Import errors propagate to the caller. */
export async function collectBenchFile(file: string, importer: (file: string) => Promise<unknown>): Promise<BenchDecl[]> {
  const c = collector();
  const known = c.byFile.get(file);
  if (known) return [...known];
  const before = c.decls.length;
  c.file = file;
  try {
    await importer(file);
  } finally {
    c.file = null;
  }
  const decls = c.decls.splice(before);
  c.byFile.set(file, decls);
  return [...decls];
}
