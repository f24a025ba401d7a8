// The parent's side of the runner protocol: starts a runner process in a given
// working folder and sends it typed requests, each answered by a promise. If the
// process dies, every pending request fails with what it printed last.
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { constants } from 'node:os';
import { EXIT } from '../model/errors.ts';
import { fileURLToPath } from 'node:url';
import { measuringClock } from '../measure/clock.ts';
import type { CaseRef, CaseResult, StopReason } from '../model/types.ts';
import { isMessage, PROTOCOL_VERSION, type PlanOptions, type Reply, type Request } from './protocol.ts';

const ENTRY = fileURLToPath(new URL('./child.mjs', import.meta.url));

/**
 * V8 flags every runner starts with, before the caller's own. The young
 * generation is fixed at its usual full size: by default V8 grows it from 1 MB
 * as a process allocates, on a schedule that depends on the process's history,
 * so allocation-heavy code ran at a different speed in each runner of a
 * comparison. Fixed, it runs as in a warmed-up production process, the same in
 * every runner. ASSAY_RUNNER_NODE_FLAGS replaces them ("" for none).
 */
export const RUNNER_NODE_FLAGS = ['--min-semi-space-size=16', '--max-semi-space-size=16'];

/**
 * The environment every runner starts with, under the caller's own (which wins).
 * glibc's malloc serves a block of 128 KiB or more (a typed array of 16,384
 * doubles) with its own mmap, until the first such block is freed: then it
 * raises that threshold to the block's size and serves the next from its heap,
 * which it gives back to the system or keeps depending on what else lies at the
 * heap's top. So a case that allocates large arrays ran in one of two states,
 * chosen by the process's history: `new Float64Array(100_000)` read about 310 µs a
 * call in most runners and 60 µs in about one in ten, and a stored comparison of
 * identical code moved by −75% to +335%. Set, the threshold stays where it
 * starts, 128 KiB, the same in every runner: blocks above it are always mapped
 * afresh, as in a process that has not yet freed one, and such a case read
 * 303–326 µs in twelve runners. Setting MALLOC_MMAP_THRESHOLD_ (or
 * GLIBC_TUNABLES) in the environment replaces it; other C libraries ignore it.
 */
export const RUNNER_ENV: Readonly<Record<string, string>> = { MALLOC_MMAP_THRESHOLD_: '131072' };

/** RUNNER_ENV, less what the caller's environment sets itself: a mallopt tunable in GLIBC_TUNABLES, say. */
export function runnerEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  return /glibc\.malloc\./.test(env.GLIBC_TUNABLES ?? '') ? {} : { ...RUNNER_ENV };
}

function runnerFlags(): string[] {
  const env = process.env.ASSAY_RUNNER_NODE_FLAGS;
  return env === undefined ? RUNNER_NODE_FLAGS : env.split(/\s+/).filter(Boolean);
}

/** Where and how to start a runner. */
export interface RunnerSpawnOptions {
  /** The project whose cases it measures: bench paths and kernels resolve here. */
  cwd: string;
  /** A name for messages, such as `A (3f2c1d0)`. */
  label?: string;
  /** Node flags, e.g. `--max-old-space-size=512` for a memory limit (the heap; the runner dies with an out-of-memory error past it). */
  execArgv?: string[];
  /**
   * The Node flags that replace Assay's own runner flags (RUNNER_NODE_FLAGS, or
   * ASSAY_RUNNER_NODE_FLAGS); `execArgv` comes after them. The counting runner
   * under callgrind brings its own set.
   */
  nodeFlags?: string[];
  env?: NodeJS.ProcessEnv;
  /** Where the runner's own stdout and stderr go (bench files may print); the parent's stderr by default. */
  output?: NodeJS.WritableStream | null;
  /**
   * A command the runner is started under, such as `['prlimit', '--as=4294967296', '--',
   * 'bwrap', ...]` or `['valgrind', '--tool=callgrind', ...]` (callgrind.ts): Node
   * runs as its last argument. The IPC channel passes through.
   */
  wrapper?: string[];
  /** The script the runner runs instead of child.mjs (a bundled runner, say). */
  entry?: string;
  /** `advanced` lets messages carry typed arrays whole (candidate mode); `json` by default. */
  serialization?: 'json' | 'advanced';
  /** False starts the runner with `env` alone, none of this process's environment (a sandboxed runner). */
  inheritEnv?: boolean;
}

/** The runner process ended while requests were pending, or answered one with an error. */
export class RunnerError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.internal,
  ) {
    super(message);
    this.name = 'RunnerError';
  }
}

type Pending = { resolve: (r: Reply) => void; reject: (e: Error) => void; onProgress?: (r: Extract<Reply, { type: 'progress' }>) => void };

export class RunnerClient {
  private nextId = 1;
  private pending = new Map<number, Pending>();
  private tail = '';
  private exited: string | null = null;
  hello!: Extract<Reply, { type: 'hello' }>;

  private constructor(
    private readonly proc: ChildProcess,
    /** Names the runner in messages; a runner started before its candidate was known is named for it when it gets one. */
    public label: string,
    /** Started under a wrapper, whose exit code 128+N means the runner died of signal N. */
    private readonly wrapped = false,
  ) {}

  /** The runner's process id (the wrapper's, when it runs under one). */
  get pid(): number | undefined {
    return this.proc.pid;
  }

  /** How the process ended: its exit code or signal, null while it runs. */
  exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;

  /** Starts a runner and waits for its hello. */
  static async start(o: RunnerSpawnOptions): Promise<RunnerClient> {
    const entry = o.entry ?? ENTRY;
    const flags = [...(o.nodeFlags ?? runnerFlags()), ...(o.execArgv ?? [])];
    const env = o.inheritEnv === false ? { ...o.env } : { ...process.env, ...o.env };
    const common = { cwd: o.cwd, env: { ...runnerEnv(env), ...env }, serialization: o.serialization ?? 'json' } as const;
    const proc = o.wrapper?.length
      ? spawn(o.wrapper[0]!, [...o.wrapper.slice(1), process.execPath, ...flags, entry], { ...common, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] })
      : fork(entry, [], { ...common, execArgv: flags, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    const client = new RunnerClient(proc, o.label ?? o.cwd, Boolean(o.wrapper?.length));
    const out = o.output === undefined ? process.stderr : o.output;
    for (const s of [proc.stdout, proc.stderr]) {
      s?.on('data', (d: Buffer) => {
        client.tail = (client.tail + d.toString()).slice(-8000);
        out?.write(d);
      });
    }
    const hello = new Promise<Reply>((resolve, reject) => client.pending.set(0, { resolve, reject }));
    proc.on('message', (m: unknown) => client.onMessage(m));
    proc.on('exit', (code, signal) => client.onExit(code, signal));
    proc.on('error', (e) => client.onExit(null, null, e.message));
    const h = await hello;
    if (h.type !== 'hello' || h.protocol !== PROTOCOL_VERSION) {
      proc.kill();
      throw new RunnerError(`runner ${client.label} speaks protocol ${(h as { protocol?: unknown }).protocol}, and this Assay speaks ${PROTOCOL_VERSION}`);
    }
    client.hello = h;
    return client;
  }

  private onMessage(m: unknown): void {
    const at = measuringClock().now();
    if (!isMessage(m)) return;
    const r = m as Reply;
    const p = this.pending.get(r.id);
    this.receivedAt = at;
    if (!p) return;
    if (r.type === 'progress') {
      p.onProgress?.(r);
      return;
    }
    this.pending.delete(r.id);
    if (r.type === 'error') p.reject(new RunnerError(`runner ${this.label}: ${r.message}`, r.exit_code));
    else p.resolve(r);
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null, why?: string): void {
    // a wrapper (bwrap) exits 128+N when the runner under it died of signal N
    const sig = signal ?? (this.wrapped && code !== null && code > 128 ? signalName(code - 128) : null);
    this.exit ??= { code: sig && !signal ? null : code, signal: sig };
    this.exited ??= why ?? `exited with ${sig ? `signal ${sig}${SIGNAL_MEANING[sig] ? ` (${SIGNAL_MEANING[sig]})` : ''}` : `code ${code}`}`;
    const lines = tellingLines(this.tail);
    const tail = lines.length ? `; its last output:\n${lines.slice(-8).join('\n')}` : '';
    const err = new RunnerError(`runner ${this.label} ${this.exited}${tail}`);
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }

  /** Why the process ended, or null while it runs. */
  get exitReason(): string | null {
    return this.exited;
  }

  /**
   * Sends one request and resolves with its reply. With `timeoutMs`, a request
   * not answered in time kills the runner (code that hangs cannot be stopped
   * any other way) and fails with a RunnerError saying so.
   */
  request(body: DistributiveOmit<Request, 'id'>, onProgress?: Pending['onProgress'], timeoutMs?: number): Promise<Reply> {
    return this.send(body, onProgress, timeoutMs) as Promise<Reply>;
  }

  /**
   * Sends a request of any mode's protocol (candidate mode's, say) and resolves
   * with the reply and the time from sending it to receiving the answer, on the
   * parent's measuring clock: a clock the runner's code cannot reach.
   */
  async timedRequest<R extends { type: string; id: number }>(body: { type: string } & Record<string, unknown>, timeoutMs?: number): Promise<{ reply: R; ns: number }> {
    const t0 = measuringClock().now();
    const reply = (await this.send(body, undefined, timeoutMs)) as unknown as R;
    return { reply, ns: this.receivedAt - t0 };
  }

  /** When the last reply arrived, on the measuring clock. */
  private receivedAt = 0;

  private send(body: { type: string }, onProgress?: Pending['onProgress'], timeoutMs?: number): Promise<Reply> {
    if (this.exited) return Promise.reject(new RunnerError(`runner ${this.label} ${this.exited}`));
    const id = this.nextId++;
    return new Promise<Reply>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const done = <T>(f: (x: T) => void) => (x: T): void => {
        if (timer) clearTimeout(timer);
        f(x);
      };
      this.pending.set(id, { resolve: done(resolve), reject: done(reject), ...(onProgress ? { onProgress } : {}) });
      if (timeoutMs !== undefined) {
        timer = setTimeout(() => {
          this.exited = `was stopped: its ${body.type} request took longer than ${timeoutMs} ms`;
          this.exit = { code: null, signal: 'SIGKILL' };
          this.pending.delete(id);
          reject(new RunnerError(`runner ${this.label} ${this.exited}`));
          this.proc.kill('SIGKILL');
        }, timeoutMs);
      }
      this.proc.send({ ...body, id } as Request);
    });
  }

  async plan(options: PlanOptions): Promise<CaseRef[]> {
    return (await this.planned(options)).cases;
  }

  /** Plans, and says which planned cases are a problem's reference variant. */
  async planned(options: PlanOptions): Promise<{ cases: CaseRef[]; references: string[] }> {
    const r = expect(await this.request({ type: 'plan', options }), 'planned');
    return { cases: r.cases, references: r.references };
  }

  /** Prepares a case: its batch size once warm, or its result when it failed before it could be measured. */
  async prepare(caseId: string): Promise<Extract<Reply, { type: 'prepared' }> | CaseResult> {
    const r = await this.request({ type: 'prepare', case: caseId });
    return r.type === 'result' ? r.result : expect(r, 'prepared');
  }

  /** Samples of the prepared case, or its (failed) result when the code threw. */
  async sample(caseId: string, count: number, batch: number): Promise<number[] | CaseResult> {
    const r = await this.request({ type: 'sample', case: caseId, count, batch });
    return r.type === 'result' ? r.result : expect(r, 'samples').samples;
  }

  async finish(caseId: string, stop: StopReason): Promise<CaseResult> {
    return expect(await this.request({ type: 'finish', case: caseId, stop }), 'result').result;
  }

  /** Runs one case whole inside the runner, as `assay run` would; `timeoutMs` bounds it (the runner is killed past it). */
  async run(caseId: string, onProgress?: Pending['onProgress'], timeoutMs?: number): Promise<CaseResult> {
    return expect(await this.request({ type: 'run', case: caseId }, onProgress, timeoutMs), 'result').result;
  }

  /** Asks the runner to exit, and kills it if it has not within `graceMs`. */
  async shutdown(graceMs = 5000): Promise<void> {
    if (this.exited) return;
    const gone = new Promise<void>((resolve) => this.proc.once('exit', () => resolve()));
    this.request({ type: 'shutdown' }).catch(() => {});
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), graceMs);
    await gone;
    clearTimeout(timer);
  }

  /** Ends the runner now. */
  kill(): void {
    if (!this.exited) this.proc.kill('SIGKILL');
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** What a signal that ends a runner usually means. */
const SIGNAL_MEANING: Partial<Record<NodeJS.Signals, string>> = {
  SIGSEGV: 'a segmentation fault',
  SIGBUS: 'a bus error',
  SIGILL: 'an illegal instruction',
  SIGFPE: 'an arithmetic fault',
  SIGABRT: 'an abort, such as running out of memory',
  SIGTRAP: 'a trap, such as V8 running out of memory',
  SIGKILL: 'killed',
};

function signalName(n: number): NodeJS.Signals | null {
  for (const [name, v] of Object.entries(constants.signals)) if (v === n) return name as NodeJS.Signals;
  return null;
}

function expect<T extends Reply['type']>(r: Reply, type: T): Extract<Reply, { type: T }> {
  if (r.type !== type) throw new RunnerError(`runner protocol: expected a "${type}" reply, got "${r.type}"`);
  return r as Extract<Reply, { type: T }>;
}

/**
 * The lines of a dead runner's output worth showing: without blank lines and
 * without the native stack frames V8 prints after a fatal error (so that
 * "FATAL ERROR: ... Allocation failed" is not pushed out by twenty addresses).
 */
export function tellingLines(output: string): string[] {
  return output
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l.trim() && !/^\s*\d+: 0x[0-9a-f]+ /i.test(l) && !/^-{3,} Native stack trace -{3,}$/.test(l.trim()) && !/^<--- .* --->$/.test(l.trim()));
}
