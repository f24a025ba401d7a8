// The layers a candidate's runner starts under, each found on this machine or
// reported missing: its own process; bubblewrap (a read-only root with a
// private /tmp, no network but loopback, its own PID namespace); a memory limit
// over the whole address space (prlimit, so buffers count, not only the JS
// heap); for JS, Node's permission model (read access to its own bundle alone:
// no writes, workers, child processes or addons); a clean environment. A layer
// that is missing is a check marked `unavailable`, never pretended.
import { spawnSync } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ADDON_PATH } from '../addon/addon.ts';
import { lavapipeDir } from '../backends/webgpu/lavapipe-paths.mjs';
import { packageRoot, projectDataDir } from '../model/paths.ts';
import type { ArtifactKind, ScoreCheck } from '../model/types.ts';

/**
 * The address space a candidate's runner may use by default, beyond what a bare
 * Node process of this version reserves (nodeReservedMb): Dawn, lavapipe and a
 * kernel's buffers fit.
 */
export const DEFAULT_MEMORY_MB = 4096;

let reserved: number | null = null;

/**
 * The address space (MiB) a bare Node process of this version reserves before it
 * runs anything: about 0.75 GiB on Node 20 and 22, 1.4 GiB on Node 24. The limit
 * is set above it, so that `--memory` means the same allowance on every version
 * (under a flat 2 GiB, Node 24's GPU process ran out of address space before any
 * kernel did). 0 where it cannot be read (no /proc).
 */
export function nodeReservedMb(): number {
  if (reserved !== null) return reserved;
  const r = spawnSync(process.execPath, ['-e', "process.stdout.write(/VmPeak:\\s*(\\d+)/.exec(require('fs').readFileSync('/proc/self/status','utf8'))?.[1] ?? '0')"], {
    encoding: 'utf8',
    timeout: 20_000,
  });
  reserved = r.status === 0 ? Math.ceil(Number(r.stdout) / 1024) || 0 : 0;
  return reserved;
}

export interface SandboxOptions {
  kind: ArtifactKind;
  /** The private folder with the candidate (and for js, its bundle and its runner's), readable inside the sandbox. */
  dir: string;
  memoryMb: number;
  /** The project folder (native candidates' compiled libraries live in its data folder). */
  project: string;
  /** The time limit of one GPU request inside the runner, in seconds: a kernel that never ends fails its call in time. */
  gpuTimeoutS: number;
}

export interface Sandbox {
  wrapper: string[];
  execArgv: string[];
  env: Record<string, string>;
  cwd: string;
  layers: ScoreCheck[];
}

let bwrapProbe: { ok: boolean; detail: string } | null = null;

/** Whether bubblewrap runs here (it needs namespaces, which containers may withhold). ASSAY_SCORE_SANDBOX=none turns it off. */
export function bwrapAvailable(): { ok: boolean; detail: string } {
  if (process.env.ASSAY_SCORE_SANDBOX === 'none') return { ok: false, detail: 'turned off by ASSAY_SCORE_SANDBOX=none' };
  if (bwrapProbe) return bwrapProbe;
  const r = spawnSync('bwrap', [...bwrapArgs([]), 'true'], { encoding: 'utf8', timeout: 10_000 });
  if (r.error) bwrapProbe = { ok: false, detail: `bubblewrap is not installed (${(r.error as NodeJS.ErrnoException).code}); apt-get install bubblewrap` };
  else if (r.status !== 0) bwrapProbe = { ok: false, detail: `bubblewrap does not run here: ${(r.stderr || `exit ${r.status}`).trim().split('\n')[0]} (it needs user or mount namespaces)` };
  else bwrapProbe = { ok: true, detail: 'bubblewrap' };
  return bwrapProbe;
}

let prlimitProbe: boolean | null = null;

function prlimitAvailable(): boolean {
  if (process.env.ASSAY_SCORE_SANDBOX === 'none') return false;
  prlimitProbe ??= spawnSync('prlimit', ['--version'], { timeout: 10_000 }).status === 0;
  return prlimitProbe;
}

/** A read-only root, devices and /proc, a private /tmp with `binds` read-only in it, and every namespace unshared. */
function bwrapArgs(binds: string[], gpu = false): string[] {
  const args = ['--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', '--tmpfs', '/tmp'];
  for (const b of binds) if (existsSync(b)) args.push('--ro-bind', b, b);
  if (gpu) args.push('--dev-bind-try', '/dev/dri', '/dev/dri');
  return [...args, '--unshare-all', '--die-with-parent', '--new-session'];
}

function isUnder(p: string, dir: string): boolean {
  const rel = path.relative(dir, p);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** The permission model's flag: `--permission` where this Node has it, `--experimental-permission` on Node 20. */
function permissionFlag(): string {
  return process.allowedNodeEnvironmentFlags.has('--permission') ? '--permission' : '--experimental-permission';
}

/** Variables a runner needs from this environment; nothing else of it (tokens, keys) reaches the candidate. */
const PASSED = /^(PATH|HOME|LANG|LC_[A-Z]+|TZ|CC|CXX|LD_LIBRARY_PATH|VK_[A-Z_]+|EGL_[A-Z_]+|ASSAY_CLOCK|ASSAY_WEBGPU_TIMEOUT_S)$/;

export function sandboxFor(o: SandboxOptions): Sandbox {
  const layers: ScoreCheck[] = [];
  const layer = (name: string, ok: boolean, detail: string): void => {
    layers.push(ok ? { name, passed: true, detail } : { name, passed: false, unavailable: true, detail: `unavailable: ${detail}` });
  };
  layer('own process', true, 'the candidate runs in a runner process of its own, which is killed at the end or on any fault');
  const bw = bwrapAvailable();
  const gpu = o.kind === 'wgsl' || o.kind === 'onnx';
  // the private /tmp hides what lies under the real one: the candidate's folder, and Node, Assay and
  // the project when they are installed there, come back in read-only
  const binds = [o.dir, path.dirname(realpathSync(process.execPath)), packageRoot(), o.project].filter((p) => isUnder(p, os.tmpdir()) || p === o.dir);
  const wrapper: string[] = [];
  if (bw.ok) {
    layer('file system isolation', true, 'bubblewrap: the root is read-only and /tmp is private and empty, so nothing the candidate writes outlives it');
    layer('network isolation', true, 'bubblewrap: a network namespace of its own, with no interface but loopback');
    layer('process isolation', true, 'bubblewrap: a PID namespace of its own, so no other process (not Assay, its parent) is visible to signal');
  } else {
    const why = `${bw.detail}`;
    layer('file system isolation', false, why);
    layer('network isolation', false, o.kind === 'js' ? `${why}; a JS candidate's network calls are still refused inside its runner` : why);
    layer('process isolation', false, o.kind === 'js' ? `${why}; a JS candidate's process.kill is still refused inside its runner` : why);
  }
  if (prlimitAvailable()) {
    const base = nodeReservedMb();
    wrapper.push('prlimit', `--as=${(o.memoryMb + base) * 2 ** 20}`, '--core=0', '--');
    layer(
      'memory limit',
      true,
      `prlimit --as: ${o.memoryMb} MiB of address space for the runner (buffers and native allocations too, not only the JS heap), beyond the ${base} MiB a bare Node ${process.versions.node} reserves; an allocation past it fails`,
    );
  } else {
    layer('memory limit', false, process.env.ASSAY_SCORE_SANDBOX === 'none' ? 'turned off by ASSAY_SCORE_SANDBOX=none' : 'prlimit (util-linux) is not installed');
  }
  if (bw.ok) wrapper.push('bwrap', ...bwrapArgs(binds, gpu));
  const execArgv = ['--disable-warning=ExperimentalWarning', '--disable-wasm-trap-handler'];
  if (o.kind === 'js') {
    execArgv.unshift(permissionFlag(), `--allow-fs-read=${o.dir}${path.sep}`);
    layer('permission model', true, `Node's ${permissionFlag()} with --allow-fs-read of its own folder alone (its bundle and its runner's): no other reads, no writes, workers, child processes, addons or inspector; network calls and signals are refused by the runner`);
  }
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && PASSED.test(k)) env[k] = v;
  Object.assign(env, {
    ASSAY_NATIVE_ADDON: ADDON_PATH,
    ASSAY_LAVAPIPE_DIR: lavapipeDir(),
    ASSAY_CACHE_DIR: projectDataDir(o.project),
  });
  env.ASSAY_WEBGPU_TIMEOUT_S ??= String(o.gpuTimeoutS);
  return { wrapper, execArgv, env, cwd: o.kind === 'js' ? o.dir : o.project, layers };
}
