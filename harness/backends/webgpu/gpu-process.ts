// The backend's side of the GPU process: forks host.ts with the environment the
// Vulkan loader needs, sends it one request at a time, and enforces a time limit
// on each. A request over its limit kills the process (the only way to stop a
// kernel that never finishes); the next request starts a fresh one.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { adapterEnvironment } from './lavapipe-paths.mjs';
import type { Envelope, HostReply, HostRequest } from './protocol.ts';

let HOST = fileURLToPath(new URL('./host.ts', import.meta.url));
/** Node flags the GPU process starts with: the TypeScript loader, unless its host is a bundle. */
let HOST_FLAGS: string[] | null = null;

/**
 * Starts GPU processes from a bundled host (plain JS, no TypeScript loader):
 * a sandboxed runner, whose memory limit leaves no room for the loader's
 * WebAssembly reservations, uses the bundle `assay score` writes beside it.
 */
export function useGpuHost(script: string): void {
  HOST = script;
  HOST_FLAGS = [];
}
/** How long the GPU process may take to start and find its adapter. */
const STARTUP_TIMEOUT_MS = 60_000;
/** Default limit on one request (a compile, a run, a timed batch), in seconds; ASSAY_WEBGPU_TIMEOUT_S overrides it. */
const DEFAULT_TIMEOUT_S = 20;
/** Lines of the GPU process's stderr kept for the message when it dies. */
const STDERR_LINES = 8;

/** A request that ran past its time limit; the GPU process was killed. */
export class GpuTimeoutError extends Error {
  constructor(what: string, seconds: number) {
    super(
      `timed out after ${seconds} s while ${what}: the kernel did not finish (an endless loop?); ` +
        `its device was destroyed with the GPU process, and the next case gets a fresh one (ASSAY_WEBGPU_TIMEOUT_S sets the limit)`,
    );
    this.name = 'GpuTimeoutError';
  }
}

/** The per-request time limit in seconds. */
export function requestTimeoutS(): number {
  const v = Number(process.env.ASSAY_WEBGPU_TIMEOUT_S);
  return v > 0 ? v : DEFAULT_TIMEOUT_S;
}

type Reply<K extends HostReply['op']> = Extract<HostReply, { op: K }>;

export class GpuProcess {
  private child: ChildProcess | null = null;
  private started: Promise<void> | null = null;
  private pending = new Map<number, { resolve: (r: HostReply) => void; reject: (e: Error) => void }>();
  private nextId = 1;
  private stderr: string[] = [];
  private chain: Promise<unknown> = Promise.resolve();
  /** Counts GPU processes started; what was compiled in an earlier one must be compiled again. */
  generation = 0;
  /** Where the Vulkan driver comes from, as the GPU process was told. */
  readonly driver: string;
  private readonly env: NodeJS.ProcessEnv;

  constructor() {
    const a = adapterEnvironment();
    this.driver = a.source;
    this.env = { ...process.env, ...a.env, ASSAY_WEBGPU_DRIVER: a.source };
  }

  /** Sends one request, after any in flight, and waits for its reply or its time limit. */
  request<K extends HostReply['op']>(body: HostRequest & { op: K }, what: string, timeoutS = requestTimeoutS()): Promise<Reply<K>> {
    const next = this.chain.then(() => this.send(body, what, timeoutS));
    this.chain = next.catch(() => {});
    return next as Promise<Reply<K>>;
  }

  private async send(body: HostRequest, what: string, timeoutS: number): Promise<HostReply> {
    await this.start();
    const child = this.child!;
    const id = this.nextId++;
    return new Promise<HostReply>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.kill();
        reject(new GpuTimeoutError(what, timeoutS));
      }, timeoutS * 1000);
      this.pending.set(id, {
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      child.send({ id, body });
    });
  }

  private start(): Promise<void> {
    if (this.started) return this.started;
    this.generation++;
    this.stderr = [];
    const child = fork(HOST, [], {
      execArgv: HOST_FLAGS ?? ['--import', import.meta.resolve('tsx')],
      env: this.env,
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    this.child = child;
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (s: string) => {
      // Dawn's notes about limits it lowered are noise; keep the rest for a crash message
      for (const line of s.split('\n')) if (line.trim() && !/artificially reduced/.test(line)) this.stderr.push(line);
      this.stderr.splice(0, Math.max(0, this.stderr.length - STDERR_LINES));
    });
    this.started = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.kill();
        reject(new Error(`the GPU process did not start within ${STARTUP_TIMEOUT_MS / 1000} s`));
      }, STARTUP_TIMEOUT_MS);
      child.on('message', (m: Envelope<HostReply | { op: 'ready' }>) => {
        if (m.id === 0) {
          clearTimeout(timer);
          resolve();
          return;
        }
        const p = this.pending.get(m.id);
        if (!p) return;
        this.pending.delete(m.id);
        if ('error' in m) p.reject(new Error(m.error));
        else p.resolve(m.body as HostReply);
      });
      child.on('error', (e) => {
        clearTimeout(timer);
        reject(new Error(`the GPU process could not be started: ${e.message}`));
      });
      child.on('exit', (code, signal) => {
        clearTimeout(timer);
        const tail = this.stderr.length ? `: ${this.stderr.join(' | ')}` : '';
        const err = new Error(`the GPU process exited (${signal ?? `code ${code}`})${tail}`);
        reject(err);
        // a process killed on purpose has had its request answered already
        if (this.child !== child) return;
        this.child = null;
        this.started = null;
        for (const p of this.pending.values()) p.reject(err);
        this.pending.clear();
      });
    });
    // the process and its pipes must not keep Assay alive; pending requests hold timers that do
    child.unref();
    (child.channel as unknown as { unref?: () => void } | undefined)?.unref?.();
    (child.stderr as unknown as { unref?: () => void } | null)?.unref?.();
    return this.started;
  }

  /** Kills the GPU process (and with it any kernel still running); the next request starts a fresh one. */
  kill(): void {
    const child = this.child;
    this.child = null;
    this.started = null;
    this.pending.clear();
    if (child && child.exitCode === null) child.kill('SIGKILL');
  }
}

let shared: GpuProcess | null = null;

/** The GPU process all WGSL kernels of this Assay process share. */
export function gpuProcess(): GpuProcess {
  if (!shared) {
    shared = new GpuProcess();
    process.once('exit', () => shared?.kill());
  }
  return shared;
}
