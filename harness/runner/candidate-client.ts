// The parent's side of candidate mode: a RunnerClient started on a candidate
// runner (candidate-host.ts), with one typed method per request. Every `time`
// is timed here, from sending the request to receiving its reply, on the
// parent's measuring clock; the runner's own reading comes back beside it.
import type { Params, Tensors } from '../model/types.ts';
import { RunnerClient, type RunnerSpawnOptions } from './client.ts';
import type { CandidateReply, CandidateRequest, CandidateSpec, ProblemSignature } from './protocol.ts';

type ReplyOf<T extends CandidateReply['type']> = Extract<CandidateReply, { type: T }>;
/** The artifact failed (it did not load, or it threw): the reply says how. */
export type Failed = ReplyOf<'failed'>;

type Body = CandidateRequest extends infer R ? (R extends unknown ? Omit<R, 'id'> : never) : never;

export class CandidateClient {
  /** A path the runner knows by another name (a sandbox's copy of the candidate), rewritten in the messages it sends: [as the runner says it, as the user knows it]. */
  alias: [string, string] | null = null;

  private constructor(readonly runner: RunnerClient) {}

  /** Starts a runner in candidate mode; `entry` and the wrapper come with `o` for a sandboxed one. */
  static async start(o: RunnerSpawnOptions): Promise<CandidateClient> {
    const runner = await RunnerClient.start({ serialization: 'advanced', ...o, env: { ...o.env, ASSAY_RUNNER_MODE: 'candidate' } });
    return new CandidateClient(runner);
  }

  private async ask<T extends CandidateReply['type']>(body: Body, want: T, timeoutMs?: number): Promise<ReplyOf<T> | Failed> {
    const { reply } = await this.runner.timedRequest<CandidateReply>(body as never, timeoutMs);
    if (reply.type === 'failed') return this.named(reply);
    if (reply.type === want) return reply as ReplyOf<T>;
    throw new Error(`candidate runner: expected a "${want}" reply, got "${reply.type}"`);
  }

  load(candidate: CandidateSpec, problem: ProblemSignature, slot?: string, timeoutMs?: number): Promise<ReplyOf<'loaded'> | Failed> {
    return this.ask({ type: 'load', candidate, problem, ...(slot ? { slot } : {}) }, 'loaded', timeoutMs);
  }

  call(inputs: Tensors, params: Params, o: { slot?: string; reuse?: boolean; timeoutMs?: number } = {}): Promise<ReplyOf<'called'> | Failed> {
    return this.ask({ type: 'call', inputs, params, ...(o.reuse ? { reuse: true } : {}), ...(o.slot ? { slot: o.slot } : {}) }, 'called', o.timeoutMs);
  }

  bind(sets: Tensors[], params: Params, slot?: string, timeoutMs?: number): Promise<ReplyOf<'bound'> | Failed> {
    return this.ask({ type: 'bind', sets, params, ...(slot ? { slot } : {}) }, 'bound', timeoutMs);
  }

  /** New values into the bound sets, in the same arrays and buffers. */
  rewrite(sets: Tensors[], slot?: string, timeoutMs?: number): Promise<ReplyOf<'bound'> | Failed> {
    return this.ask({ type: 'rewrite', sets, ...(slot ? { slot } : {}) }, 'bound', timeoutMs);
  }

  /** `calls` calls rotating from set `start`; `parentNs` is this process's time of the whole request, `ns` the runner's. */
  async time(calls: number, start: number, slot?: string, timeoutMs?: number): Promise<(ReplyOf<'timed'> & { parentNs: number }) | Failed> {
    const { reply, ns } = await this.runner.timedRequest<CandidateReply>({ type: 'time', calls, start, ...(slot ? { slot } : {}) }, timeoutMs);
    if (reply.type === 'failed') return this.named(reply);
    if (reply.type !== 'timed') throw new Error(`candidate runner: expected a "timed" reply, got "${reply.type}"`);
    return { ...reply, parentNs: ns };
  }

  private named(r: Failed): Failed {
    return this.alias ? { ...r, message: r.message.split(this.alias[0]).join(this.alias[1]) } : r;
  }

  /** The outputs the last `time` left. */
  async read(slot?: string, timeoutMs?: number): Promise<Tensors> {
    const r = await this.ask({ type: 'read', ...(slot ? { slot } : {}) }, 'outputs', timeoutMs);
    if (r.type !== 'outputs') throw new Error(`candidate runner: ${r.message}`);
    return r.outputs;
  }

  async inputs(slot?: string, timeoutMs?: number): Promise<Tensors[]> {
    const r = await this.ask({ type: 'inputs', ...(slot ? { slot } : {}) }, 'inputs', timeoutMs);
    return r.type === 'inputs' ? r.sets : [];
  }

  async audit(timeoutMs?: number): Promise<ReplyOf<'audit'>> {
    const r = await this.ask({ type: 'audit' }, 'audit', timeoutMs);
    if (r.type !== 'audit') throw new Error('candidate runner: no audit');
    return r;
  }

  get exitReason(): string | null {
    return this.runner.exitReason;
  }

  get pid(): number | undefined {
    return this.runner.pid;
  }

  shutdown(graceMs?: number): Promise<void> {
    return this.runner.shutdown(graceMs);
  }

  kill(): void {
    this.runner.kill();
  }
}
