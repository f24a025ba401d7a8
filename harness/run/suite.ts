// The suite: finding problems and bench files, and expanding them into the
// planned cases of a run (axes expanded, filters applied).
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { tsImport } from 'tsx/esm/api';
import { kindOfFile, settingsOf, variantExtensions } from '../backends/registry.ts';
import { collectBenchFile, type BenchDecl } from '../problem/bench.ts';
import { displayPath } from '../model/files.ts';
import { InputError, UsageError } from '../model/errors.ts';
import { axisPoints, formatParams } from '../problem/define.ts';
import type { ArtifactKind, CaseRef, Params, Problem, ProblemSpec, Settings } from '../model/types.ts';
import { packageRoot } from '../model/paths.ts';

/** The package's own `kernels/` folder, where the built-in problems live. */
export function builtinKernelsDir(): string {
  return path.join(packageRoot(), 'kernels');
}

/** A variant file of a problem. */
export interface VariantFile {
  /** File name within the problem folder, e.g. `blocked.ts`; this is the variant's name. */
  name: string;
  file: string;
  kind: ArtifactKind;
  isReference: boolean;
  /** The variant's own setting axes (thread counts, execution providers); each combination is a case. */
  settings: Record<string, Array<string | number>>;
  /** True for a candidate given on the command line rather than found in the problem's folder. */
  candidate?: boolean;
}

export interface LoadedProblem {
  problem: Problem;
  variants: VariantFile[];
}

/** Loads every `<dir>/<name>/problem.ts`, with its sibling variant files. */
export async function loadProblems(dir = builtinKernelsDir()): Promise<LoadedProblem[]> {
  const out: LoadedProblem[] = [];
  for (const name of readdirSync(dir).sort()) {
    const pdir = path.join(dir, name);
    const pfile = path.join(pdir, 'problem.ts');
    if (!statSync(pdir).isDirectory() || !existsSync(pfile)) continue;
    out.push(await loadProblem(pfile));
  }
  return out;
}

/** Loads one problem file and lists its variants. */
export async function loadProblem(pfile: string): Promise<LoadedProblem> {
  let spec: ProblemSpec;
  try {
    spec = ((await import(pathToFileURL(pfile).href)) as { default: ProblemSpec }).default;
  } catch (e) {
    throw new InputError(`${pfile}: cannot load problem: ${e instanceof Error ? e.message : String(e)}`, pfile);
  }
  if (!spec || typeof spec.generate !== 'function') throw new InputError(`${pfile}: the default export must be defineProblem({...})`, pfile);
  const dir = path.dirname(pfile);
  const variants: VariantFile[] = [];
  for (const f of readdirSync(dir).sort()) {
    if (f === 'problem.ts' || f.startsWith('.') || f.endsWith('.d.ts')) continue;
    const kind = kindOfFile(f);
    if (kind) variants.push(await variantFile(path.join(dir, f), kind, f === spec.reference, spec));
  }
  if (!variants.some((v) => v.isReference)) {
    throw new InputError(`${pfile}: the reference variant "${spec.reference}" is not in ${dir}`, pfile);
  }
  return { problem: { ...spec, dir }, variants };
}

/** Describes one variant file, reading its setting axes through its backend. */
export async function variantFile(file: string, kind: ArtifactKind, isReference: boolean, spec: ProblemSpec): Promise<VariantFile> {
  let settings: Record<string, Array<string | number>>;
  try {
    settings = await settingsOf(kind, file);
  } catch (e) {
    throw new InputError(`${displayPath(file)}: ${e instanceof Error ? e.message : String(e)}`, file);
  }
  const clash = Object.keys(settings).filter((k) => k in spec.axes);
  if (clash.length) throw new InputError(`${displayPath(file)}: setting ${clash.join(', ')} has the name of an axis of "${spec.name}"`, file);
  return { name: path.basename(file), file, kind, isReference, settings };
}

/** Adds a candidate file to a loaded problem as one more variant. */
export async function withCandidate(lp: LoadedProblem, file: string): Promise<LoadedProblem> {
  const kind = kindOfFile(file);
  if (!kind) throw new UsageError(`${displayPath(file)}: not a variant file; candidates end in ${variantExtensions().join(', ')}`);
  if (!existsSync(file)) throw new InputError(`no such candidate file: ${displayPath(file)}`, file);
  const v = await variantFile(path.resolve(file), kind, false, lp.problem);
  if (lp.variants.some((x) => x.name === v.name)) throw new UsageError(`candidate ${v.name} has the name of a built-in variant of "${lp.problem.name}"; rename it`);
  return { ...lp, variants: [...lp.variants, { ...v, candidate: true }] };
}

/** Every combination of a variant's settings, in declaration order; one empty combination when it has none. */
export function settingPoints(settings: Record<string, Array<string | number>>): Settings[] {
  let points: Settings[] = [{}];
  for (const [k, values] of Object.entries(settings)) points = points.flatMap((p) => values.map((v) => ({ ...p, [k]: v })));
  return points;
}

/** A case ready to be run: which artifact, at which point. */
export type PlannedCase =
  | { ref: CaseRef; source: 'variant'; problem: LoadedProblem; variant: VariantFile }
  | { ref: CaseRef; source: 'bench'; decl: BenchDecl };

/** `matmul/packed.cc[n=512,threads=2]`: the problem's axes first, then the variant's settings. */
export function variantCaseId(problem: string, variant: string, params: Params, settings: Settings = {}): string {
  return `${problem}/${variant}${pointSuffix(params, settings)}`;
}

/** `[n=512,threads=2]`: the bracketed point of a case id, axes first, then settings. */
export function pointSuffix(params: Params, settings: Settings = {}): string {
  return `[${[formatParams(params), formatParams(settings)].filter(Boolean).join(',')}]`;
}

/** Expands problems into cases: every variant of an allowed kind at every axis point. */
export function planProblemCases(problems: LoadedProblem[], kinds: ArtifactKind[]): PlannedCase[] {
  const out: PlannedCase[] = [];
  for (const lp of problems) {
    for (const v of lp.variants) {
      if (!kinds.includes(v.kind)) continue;
      for (const params of axisPoints(lp.problem.axes)) {
        for (const settings of settingPoints(v.settings)) {
          const ref: CaseRef = { id: variantCaseId(lp.problem.name, v.name, params, settings), problem: lp.problem.name, variant: v.name, kind: v.kind, params };
          if (Object.keys(settings).length) ref.settings = settings;
          out.push({ ref, source: 'variant', problem: lp, variant: v });
        }
      }
    }
  }
  return out;
}

const BENCH_FILE = /\.bench\.(ts|mts|js|mjs)$/;

/** Finds bench files under the given paths (files or folders), skipping node_modules and dot folders. */
export function findBenchFiles(paths: string[]): string[] {
  const found = new Set<string>();
  const walk = (p: string): void => {
    const st = statSync(p);
    if (st.isFile()) {
      if (BENCH_FILE.test(p)) found.add(path.resolve(p));
      return;
    }
    if (!st.isDirectory()) return;
    for (const e of readdirSync(p).sort()) {
      if (e === 'node_modules' || e.startsWith('.')) continue;
      walk(path.join(p, e));
    }
  };
  for (const p of paths) {
    if (!existsSync(p)) throw new UsageError(`no such file or folder: ${p}`);
    const st = statSync(p);
    if (st.isFile() && !BENCH_FILE.test(p)) throw new UsageError(`${p} is not a bench file (expected a name ending in .bench.ts, .bench.mts, .bench.js or .bench.mjs)`);
    walk(p);
  }
  return [...found];
}

/** Imports bench files and turns their declarations into cases. A file that fails to load is an input error. */
export async function planBenchCases(files: string[], cwd: string): Promise<PlannedCase[]> {
  const out: PlannedCase[] = [];
  for (const file of files) {
    let decls: BenchDecl[];
    try {
      // tsImport loads the file as an ES module even inside a CommonJS package, where a
      // plain import() would hand it to require() and fail on `import { bench } from 'assay'`
      decls = await collectBenchFile(file, (f) => tsImport(pathToFileURL(f).href, import.meta.url));
    } catch (e) {
      const { message, line } = loadErrorDetail(e, file);
      throw new InputError(`${message}`, file, line);
    }
    const rel = path.relative(cwd, file) || path.basename(file);
    const names = new Set<string>();
    for (const d of decls) {
      if (names.has(d.name)) throw new InputError(`${rel}: bench "${d.name}" is declared twice; bench names must be unique in a file`, file);
      names.add(d.name);
      const ref: CaseRef = { id: `${rel}/${d.name}`, problem: rel, variant: d.name, kind: 'js', params: {} };
      out.push({ ref, source: 'bench', decl: d });
    }
  }
  return out;
}

/** Pulls `file:line:col` out of a loader or runtime error, so the message can point at the line. */
export function loadErrorDetail(e: unknown, file: string): { message: string; line?: number } {
  const msg = e instanceof Error ? e.message : String(e);
  const base = path.basename(file);
  const escaped = base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(`${escaped}:(\\d+):(\\d+)`);
  const fromMsg = msg.match(re);
  const fromStack = e instanceof Error ? e.stack?.match(re) : null;
  const m = fromMsg ?? fromStack;
  const shown = displayPath(file);
  const firstLine = msg.split('\n').find((l) => l.trim()) ?? msg;
  if (m) {
    const line = Number(m[1]);
    const clean = firstLine.replace(/^Transform failed with \d+ errors?:?\s*/, '');
    const detail = msg.includes('ERROR:') ? (msg.split('\n').find((l) => l.includes('ERROR:')) ?? clean) : clean;
    return { message: `${shown}:${line}:${m[2]}: ${detail.replace(/^.*?ERROR:\s*/, '')}`, line };
  }
  return { message: `${shown}: ${firstLine}` };
}


/** Keeps the cases whose id contains any of the filters (case-insensitive); all when there are none. */
export function applyFilters(cases: PlannedCase[], filters: string[]): PlannedCase[] {
  if (filters.length === 0) return cases;
  const fs = filters.map((f) => f.toLowerCase());
  return cases.filter((c) => fs.some((f) => c.ref.id.toLowerCase().includes(f)));
}

export { displayPath };
