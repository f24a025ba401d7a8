// The parent's side of the runner protocol: starts a runner process in a given
// working folder and sends it typed requests, each answered by a promise. If the
// process dies, every pending request fails with what it printed last.
import { fork, type ChildProcess } from 'node:child_process';
import { EXIT } from '../model/errors.ts';
import { fileURLToPath } from 'node:url';
import type { CaseRef, CaseResult, StopReason } from '../model/types.ts';
import { isMessage, PROTOCOL_VERSION, type PlanOptions, type Reply, type Request } from './protocol.ts';

const ENTRY = fileURLToPath(new URL('./child.mjs', import.meta.url));

/** Where and how to start a runner. */
export interface RunnerSpawnOptions {
  /** The project whose cases it measures: bench paths and kernels resolve here. */
  cwd: string;
  /** A name for messages, such as `A (3f2c1d0)`. */
  label?: string;
  /** Node flags, e.g. `--max-old-space-size=512` for a memory limit (the heap; the runner dies with an out-of-memory error past it). */
  execArgv?: string[];
  /**
   * A command that Node runs under, with its arguments: the runner's process is
   * `command ...args node ...execArgv runner` (`valgrind --tool=callgrind ...`
   * for instruction counts; see callgrind.ts).
   */
  launcher?: { command: string; args: string[] };
  env?: NodeJS.ProcessEnv;
  /** Where the runner's own stdout and stderr go (bench files may print); the parent's stderr by default. */
  output?: NodeJS.WritableStream | null;
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
    readonly label: string,
  ) {}

  /** Starts a runner and waits for its hello. */
  static async start(o: RunnerSpawnOptions): Promise<RunnerClient> {
    const proc = fork(ENTRY, [], {
      cwd: o.cwd,
      // fork runs `execPath ...execArgv ENTRY`: under a launcher, Node becomes one of its arguments
      ...(o.launcher ? { execPath: o.launcher.command } : {}),
      execArgv: o.launcher ? [...o.launcher.args, process.execPath, ...(o.execArgv ?? [])] : (o.execArgv ?? []),
      env: { ...process.env, ...o.env },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'json',
    });
    const client = new RunnerClient(proc, o.label ?? o.cwd);
    const out = o.output === undefined ? process.stderr : o.output;
    for (const s of [proc.stdout, proc.stderr]) {
      s?.on('data', (d: Buffer) => {
        client.tail = (client.tail + d.toString()).slice(-2000);
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
    if (!isMessage(m)) return;
    const r = m as Reply;
    const p = this.pending.get(r.id);
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
    this.exited ??= why ?? `exited with ${signal ? `signal ${signal}` : `code ${code}`}`;
    const tail = this.tail.trim() ? `; its last output:\n${this.tail.trim().split('\n').slice(-8).join('\n')}` : '';
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
          this.pending.delete(id);
          reject(new RunnerError(`runner ${this.label} ${this.exited}`));
          this.proc.kill('SIGKILL');
        }, timeoutMs);
      }
      this.proc.send({ ...body, id } as Request);
    });
  }

  async plan(options: PlanOptions): Promise<CaseRef[]> {
    return expect(await this.request({ type: 'plan', options }), 'planned').cases;
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

function expect<T extends Reply['type']>(r: Reply, type: T): Extract<Reply, { type: T }> {
  if (r.type !== type) throw new RunnerError(`runner protocol: expected a "${type}" reply, got "${r.type}"`);
  return r as Extract<Reply, { type: T }>;
}
