// The runner in candidate mode: it loads one artifact (a candidate, or a trusted
// variant such as the reference) and runs it when its parent asks, handing back
// what each run left: the outputs (poisoned before), the same outputs a moment
// later, the inputs. It judges nothing and its clock times nothing that counts:
// the parent compares, and times every sample from request to reply, out of
// the artifact's reach. The protocol is CandidateRequest in protocol.ts.
import { measuringClock } from '../measure/clock.ts';
import { allocateTensors } from '../problem/define.ts';
import { digest, firstChanged, firstUnwritten, poison, snapshot } from '../verify/poison.ts';
import { watchGlobals } from '../verify/globals.ts';
import type { KernelRunner } from '../verify/verify.ts';
import type { RotatingKernel } from '../backends/backend.ts';
import { ArtifactError, describeError, exitCodeOf } from '../model/errors.ts';
import type { Params, ProblemSpec, Tensors } from '../model/types.ts';
import { isMessage, PROTOCOL_VERSION, type CandidateReply, type CandidateRequest, type CandidateSpec, type ProblemSignature } from './protocol.ts';

/** How long after a call returns its outputs are read a second time: work deferred past the return shows in between. */
const LATER_MS = 5;
/** Outputs left (partly) unwritten at the return are watched this long for work that comes later, on a busy machine too. */
const UNWRITTEN_WATCH_MS = 200;

/** An artifact loaded and ready, as a backend prepares it (a PreparedKernel's parts that matter here). */
export interface LoadedArtifact {
  run: KernelRunner;
  bindSets?: (sets: Tensors[], outputs: Tensors, params: Params) => Promise<RotatingKernel>;
  details?: Record<string, string | number | boolean>;
  dispose?: () => void | Promise<void>;
}

export type ArtifactLoader = (candidate: CandidateSpec, problem: ProblemSpec) => Promise<LoadedArtifact>;

export interface HostOptions {
  load: ArtifactLoader;
  /** Calls the artifact attempted and was refused (refusals.ts), reported by `audit`. */
  refused?: string[];
  machine?: string;
  /** Assay's version, for the hello (a runner that may not read package.json leaves it out). */
  tool?: string;
}

/** Serves the candidate protocol on this process's IPC channel until shutdown. */
export function serveCandidate(o: HostOptions): void {
  // taken before anything of the artifact loads, and kept: the artifact may replace the globals
  const send = process.send!.bind(process);
  const wait = globalThis.setTimeout;
  const clock = measuringClock();
  const cpuUsage = process.cpuUsage.bind(process);
  const listenerCount = process.listenerCount.bind(process);
  const exit = process.exit.bind(process);
  const watch = watchGlobals();
  const refused = o.refused ?? [];
  /** What each slot holds: its artifact, the arrays of its last call (for `reuse`), its bound input sets. */
  interface Slot {
    problem: ProblemSpec;
    artifact: LoadedArtifact;
    last: { key: string; inputs: Tensors } | null;
    bound: { kernel: RotatingKernel; sets: Tensors[] } | null;
    /** The outputs as the last timed calls left them. */
    taken: Tensors | null;
    /** Whether work can go on after a call returns (code that runs in this process, js or native), so the outputs are read again later. */
    later: boolean;
  }
  const slots = new Map<string, Slot>();

  const reply = (m: CandidateReply): void => void send(m);
  const slotOf = (name: string): Slot => {
    const s = slots.get(name);
    if (!s) throw new Error(`nothing is loaded in slot "${name}"; load an artifact first`);
    return s;
  };

  async function handle(m: CandidateRequest): Promise<void> {
    const name = m.slot ?? 'main';
    switch (m.type) {
      case 'load': {
        const problem = asSpec(m.problem);
        let artifact: LoadedArtifact;
        try {
          artifact = await o.load(m.candidate, problem);
        } catch (e) {
          return reply({ type: 'failed', id: m.id, message: describeError(e), ...(e instanceof ArtifactError ? { location: { file: e.file, ...(e.line !== undefined ? { line: e.line } : {}) } } : {}) });
        }
        slots.set(name, { problem, artifact, last: null, bound: null, taken: null, later: m.candidate.kind === 'js' || m.candidate.kind === 'native' });
        return reply({ type: 'loaded', id: m.id, details: artifact.details ?? {} });
      }
      case 'call': {
        const slot = slotOf(name);
        let inputs = m.inputs;
        const key = JSON.stringify(m.params);
        if (m.reuse && slot.last && slot.last.key === key) {
          // the same arrays as the last call, holding new values: a result kept by the arrays' identity is now stale
          for (const [k, v] of Object.entries(m.inputs)) slot.last.inputs[k]!.set(v as never);
          inputs = slot.last.inputs;
        }
        slot.last = { key, inputs };
        const outputs = allocateTensors(slot.problem, m.params, 'output');
        poison(outputs);
        const t0 = clock.now();
        try {
          await slot.artifact.run(inputs, outputs, m.params);
        } catch (e) {
          return reply({ type: 'failed', id: m.id, message: `threw: ${describeError(e)}` });
        }
        const ns = clock.now() - t0;
        const now = snapshot(outputs);
        // a GPU kernel or an ONNX session is done when its call resolves: nothing of it runs on here
        if (slot.later) {
          await new Promise((r) => wait(r, LATER_MS));
          // an output not yet written may still be written by work the call left behind (a thread
          // the scheduler has not run yet): watch it a while, so the reason names that work
          for (let t = LATER_MS; t < UNWRITTEN_WATCH_MS && firstUnwritten(now) && !firstChanged(outputs, now); t += LATER_MS) await new Promise((r) => wait(r, LATER_MS));
        }
        return reply({ type: 'called', id: m.id, outputs: now, later: slot.later ? snapshot(outputs) : now, inputs, ns });
      }
      case 'bind': {
        const slot = slotOf(name);
        await slot.bound?.kernel.release();
        slot.bound = null;
        const outputs = allocateTensors(slot.problem, m.params, 'output');
        try {
          const art = slot.artifact;
          const kernel = art.bindSets ? await art.bindSets(m.sets, outputs, m.params) : await rotating(art.run, m.sets, outputs, m.params, clock);
          slot.bound = { kernel, sets: m.sets };
        } catch (e) {
          return reply({ type: 'failed', id: m.id, message: `threw while bound to its inputs: ${describeError(e)}` });
        }
        return reply({ type: 'bound', id: m.id, sets: m.sets.length });
      }
      case 'rewrite': {
        const bound = slotOf(name).bound;
        if (!bound) throw new Error('bind input sets first');
        if (m.sets.length !== bound.sets.length) throw new Error(`${m.sets.length} sets to rewrite, ${bound.sets.length} bound`);
        for (const [k, set] of m.sets.entries()) for (const [t, v] of Object.entries(set)) bound.sets[k]![t]!.set(v as never);
        try {
          await bound.kernel.rewritten?.();
        } catch (e) {
          return reply({ type: 'failed', id: m.id, message: `threw while its inputs were rewritten: ${describeError(e)}` });
        }
        return reply({ type: 'bound', id: m.id, sets: m.sets.length });
      }
      case 'time': {
        const slot = slotOf(name);
        const bound = slot.bound;
        if (!bound) throw new Error('bind input sets first');
        let ns: number;
        let taken: Tensors;
        try {
          await bound.kernel.poison();
          ns = await bound.kernel.run(m.calls, m.start);
          // taken now, before anything else can run: work still going on after the return does not get in
          taken = snapshot(await bound.kernel.read());
        } catch (e) {
          return reply({ type: 'failed', id: m.id, message: `threw while timed: ${describeError(e)}` });
        }
        slot.taken = taken;
        return reply({ type: 'timed', id: m.id, ns, digest: digest(taken) });
      }
      case 'read': {
        const slot = slotOf(name);
        if (!slot.taken) throw new Error('time some calls first');
        return reply({ type: 'outputs', id: m.id, outputs: slot.taken });
      }
      case 'inputs':
        return reply({ type: 'inputs', id: m.id, sets: slotOf(name).bound?.sets ?? [] });
      case 'audit': {
        const u = cpuUsage();
        const replaced = watch.changed();
        // a listener of its own on the IPC channel could answer the parent's requests in the runner's name
        const listeners = listenerCount('message');
        if (listeners !== 1) replaced.push(`the IPC channel's message listeners (${listeners}, not 1)`);
        return reply({ type: 'audit', id: m.id, replaced, refused: [...refused], cpu_s: (u.user + u.system) / 1e6 });
      }
      case 'shutdown': {
        for (const slot of slots.values()) {
          try {
            await slot.bound?.kernel.release();
            await slot.artifact.dispose?.();
          } catch {
            /* going away anyway */
          }
        }
        send({ type: 'bye', id: m.id } satisfies CandidateReply, () => exit(0));
        return;
      }
    }
  }

  process.on('disconnect', () => exit(0));
  process.on('SIGINT', () => {});
  process.on('message', (m: unknown) => {
    if (!isMessage(m)) return;
    handle(m as CandidateRequest).catch((e) => reply({ type: 'error', id: m.id, message: describeError(e), exit_code: exitCodeOf(e) }));
  });
  reply({ type: 'hello', id: 0, protocol: PROTOCOL_VERSION, pid: process.pid, tool: o.tool ?? '', machine: o.machine ?? '', clock: clock.name, cwd: process.cwd() });
}

/** A problem with only its signature: all that loading and running an artifact needs. */
function asSpec(sig: ProblemSignature): ProblemSpec {
  return {
    ...sig,
    description: '',
    generate: () => ({}),
    tolerance: { atol: 0, rtol: 0, reason: 'not used by a runner' },
    work: { flops: 0, bytes: 0 },
    reference: '',
  };
}

/** Rotation through input sets for an artifact without its own (a JS function): sync calls stay in one plain loop. */
async function rotating(run: KernelRunner, sets: Tensors[], outputs: Tensors, params: Params, clock: { now(): number }): Promise<RotatingKernel> {
  const first = run(sets[0]!, outputs, params);
  const async = typeof (first as { then?: unknown } | null)?.then === 'function';
  if (async) await first;
  const n = sets.length;
  return {
    async run(calls, start) {
      const t0 = clock.now();
      if (async) for (let i = 0; i < calls; i++) await run(sets[(start + i) % n]!, outputs, params);
      else for (let i = 0; i < calls; i++) run(sets[(start + i) % n]!, outputs, params);
      return clock.now() - t0;
    },
    poison: async () => poison(outputs),
    read: async () => outputs,
    release: async () => {},
  };
}
