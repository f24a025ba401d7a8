// Bundling, in the trusted parent, what a sandboxed runner runs: the JS
// candidate itself (one self-contained ES module, whose imports are audited
// here), and the runners (candidate-entry-js.ts, candidate-entry-sandbox.ts)
// with the GPU process's host, so that no TypeScript loader runs in the sandbox:
// the loader needs a worker (which escapes Node's permission model) and
// WebAssembly reservations (which a memory limit refuses).
import { accessSync, constants, existsSync, mkdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Message, type Metafile } from 'esbuild';
import { ArtifactError } from '../model/errors.ts';
import { displayPath, writeFileAtomic } from '../model/files.ts';
import { packageRoot } from '../model/paths.ts';
import type { ScoreCheck } from '../model/types.ts';

/** Node built-ins a JS candidate may import: none of them reaches files, the network, processes or workers. */
export const ALLOWED_BUILTINS = ['assert', 'buffer', 'crypto', 'events', 'os', 'path', 'perf_hooks', 'string_decoder', 'url', 'util'];

/** Built-ins that reach outside a sandbox: importing one is trying to. */
const ESCAPING_BUILTINS = ['child_process', 'cluster', 'dgram', 'dns', 'fs', 'http', 'http2', 'https', 'inspector', 'module', 'net', 'process', 'tls', 'v8', 'vm', 'wasi', 'worker_threads'];

export interface CandidateBundle {
  code: string;
  /** The audit of what it imports: `self-contained` (no other file or package) and `stays in its sandbox` (no built-in that reaches outside it). */
  checks: ScoreCheck[];
}

/**
 * Bundles a JS or TS candidate into one ES module. A syntax error is an
 * ArtifactError at its line; imports are audited: the candidate is one file,
 * importing no other file or package (a fallback to the reference, or to a
 * library), only the harmless built-ins, and types alone from 'assay'.
 */
export async function bundleCandidate(file: string): Promise<CandidateBundle> {
  let result;
  try {
    result = await build({
      entryPoints: [file],
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      write: false,
      metafile: true,
      logLevel: 'silent',
      // every package (and node: built-in) stays an import, so the audit sees it by name
      packages: 'external',
    });
  } catch (e) {
    const errors = (e as { errors?: Message[] }).errors ?? [];
    const first = errors[0];
    if (first?.location) {
      throw new ArtifactError(`${displayPath(file)}:${first.location.line}:${first.location.column + 1}: ${first.text}`, file, first.location.line, first.location.column + 1);
    }
    throw new ArtifactError(`${displayPath(file)}: ${first?.text ?? (e as Error).message}`, file);
  }
  return { code: result.outputFiles[0]!.text, checks: auditImports(file, result.metafile) };
}

function auditImports(file: string, meta: Metafile): ScoreCheck[] {
  const own = path.resolve(file);
  const other: string[] = Object.keys(meta.inputs)
    .filter((f) => path.resolve(f) !== own)
    .map((f) => `the file ${displayPath(path.resolve(f))}`);
  const escaping: string[] = [];
  for (const input of Object.values(meta.inputs)) {
    for (const imp of input.imports) {
      if (!imp.external) continue;
      const name = imp.path.replace(/^node:/, '');
      const builtin = builtinModules.includes(name.split('/')[0]!) || imp.path.startsWith('node:');
      if (builtin && ALLOWED_BUILTINS.includes(name)) continue;
      if (builtin && ESCAPING_BUILTINS.includes(name.split('/')[0]!)) escaping.push(`node:${name}`);
      else if (builtin) other.push(`node:${name}`);
      else if (imp.path === 'assay') other.push(`'assay' (a value; a candidate may import only types from it)`);
      else other.push(`the package "${imp.path}"`);
    }
  }
  const list = (xs: string[]): string => [...new Set(xs)].join(', ');
  return [
    other.length
      ? { name: 'self-contained', passed: false, detail: `imports ${list(other)}: a candidate is one self-contained file, with no fallback to the reference or a library, and may import only the built-ins ${ALLOWED_BUILTINS.map((b) => `node:${b}`).join(', ')}` }
      : { name: 'self-contained', passed: true, detail: 'one file, importing no other code or library' },
    escaping.length
      ? { name: 'stays in its sandbox', passed: false, detail: `imports ${list(escaping)}, which reach${escaping.length === 1 ? 'es' : ''} outside a kernel's sandbox (files, the network, processes, workers)` }
      : { name: 'stays in its sandbox', passed: true, detail: 'imports nothing that reaches files, the network, processes or workers' },
  ];
}

/** The runner bundles, written once per process into Assay's own `.assay/runner/`. */
export interface RunnerBundles {
  /** The JS candidate's runner (candidate-entry-js.ts). */
  js: string;
  /** The native, wgsl and onnx candidates' runner (candidate-entry-sandbox.ts), with `gpu-host.mjs` beside it. */
  sandbox: string;
}

let bundles: Promise<RunnerBundles> | null = null;

/** Where the bundles go: Assay's own scratch folder, or (an install that is read-only) the system's temporary one. */
function bundleDir(): string {
  const own = path.join(packageRoot(), '.assay', 'runner');
  try {
    mkdirSync(own, { recursive: true });
    accessSync(own, constants.W_OK);
    return own;
  } catch {
    const tmp = path.join(os.tmpdir(), `assay-runner-${os.userInfo().uid}`);
    mkdirSync(tmp, { recursive: true });
    return tmp;
  }
}

/**
 * Writes the runner bundles. The packages with native parts they import are
 * named by absolute path, and the paths the bundled code would take from its own
 * location (the addon, the software GPU adapter) reach it in its environment
 * (sandbox.ts), so the bundles run from wherever they are written.
 */
export function runnerBundles(): Promise<RunnerBundles> {
  bundles ??= (async () => {
    const dir = bundleDir();
    const src = (f: string): string => fileURLToPath(new URL(f, import.meta.url));
    const out = {
      js: await writeBundle(src('../runner/candidate-entry-js.ts'), path.join(dir, 'js-host.mjs')),
      sandbox: await writeBundle(src('../runner/candidate-entry-sandbox.ts'), path.join(dir, 'sandbox-host.mjs')),
    };
    await writeBundle(src('../backends/webgpu/host.ts'), path.join(dir, 'gpu-host.mjs'));
    return out;
  })();
  return bundles;
}

async function writeBundle(entry: string, out: string): Promise<string> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    write: false,
    logLevel: 'silent',
    // packages with native parts load from node_modules as they are, by absolute path; a CommonJS dependency gets a require
    plugins: [
      {
        name: 'native-packages',
        setup(b) {
          b.onResolve({ filter: /^(webgpu|onnxruntime-node)$/ }, (args) => ({ path: import.meta.resolve(args.path), external: true }));
        },
      },
    ],
    external: ['tsx', 'tsx/*'],
    banner: { js: "import { createRequire as __assayRequire } from 'node:module'; const require = __assayRequire(import.meta.url);" },
  });
  const code = result.outputFiles[0]!.text;
  // concurrent scorers write the same text; a reader never sees half of it
  if (!existsSync(out) || readFileSync(out, 'utf8') !== code) writeFileAtomic(out, code);
  return out;
}
