// The runner process: executes cases on its parent's requests (protocol.ts),
// with its working folder as the project whose cases it measures. The measuring
// clock is imported first, before any bench file or variant can load.
import '../measure/clock.ts';
import { CaseRunner, defaultMeasurer, type MeasurableWork, type Measurer } from '../run/case-runner.ts';
import { describeError, exitCodeOf } from '../model/errors.ts';
import { planRun, referenceIds } from '../run/run.ts';
import { resolveSelection } from '../run/selection.ts';
import type { PlannedCase } from '../run/suite.ts';
import type { CaseResult } from '../model/types.ts';
import { TOOL_VERSION } from '../model/version.ts';
import { captureMachine } from '../env/machine.ts';
import { measuringClock } from '../measure/clock.ts';
import { resolveMeasureOptions, statsOf, type MeasureOptions, type Measurement } from '../measure/measure.ts';
import { isMessage, PROTOCOL_VERSION, type Reply, type Request } from './protocol.ts';
import { startSampler, type Sampler } from '../measure/sampler.ts';

if (!process.send) {
  process.stderr.write('assay runner: this is the runner process of `assay ab`; it is started by its parent over an IPC channel\n');
  process.exit(2);
}

const send = (m: Reply): void => {
  process.send!(m);
};

/** A case whose samples are taken on request; the parent drives it with sample and finish. */
interface RemoteCase {
  id: string;
  /** The request the next reply answers. */
  replyTo: number;
  sampler?: Sampler;
  samples: number[];
  batch: number;
  finish?: (m: Measurement) => void;
  fail?: (e: unknown) => void;
}

let planned = new Map<string, PlannedCase>();
let runner: CaseRunner | null = null;
let mopts: MeasureOptions = resolveMeasureOptions();
let remote: RemoteCase | null = null;
let index = 0;

/** Measures remotely while a `prepare`d case is active, otherwise as `assay run` does. */
const measurer: Measurer = async (ref, work: MeasurableWork, onProgress) => {
  const rc = remote;
  if (!rc || rc.id !== ref.id) return defaultMeasurer(mopts)(ref, work, onProgress);
  const sampler = await startSampler(ref.id, work, mopts, measuringClock());
  rc.sampler = sampler;
  rc.batch = sampler.batch;
  const done = new Promise<Measurement>((resolve, reject) => {
    rc.finish = resolve;
    rc.fail = reject;
  });
  send({ type: 'prepared', id: rc.replyTo, case: rc.id, batch: sampler.batch, per_call_ns: sampler.perCallNs, timer: sampler.timer });
  return done;
};

function caseOf(id: string): PlannedCase {
  const pc = planned.get(id);
  if (!pc) throw new Error(`no planned case "${id}"; plan first, and use an id the plan returned`);
  return pc;
}

async function handle(m: Request): Promise<void> {
  switch (m.type) {
    case 'plan': {
      const o = m.options;
      const cwd = process.cwd();
      mopts = resolveMeasureOptions({ ...o.measure, keepSamples: true });
      const cases = await planRun(resolveSelection(o, cwd));
      await runner?.dispose();
      planned = new Map(cases.map((c) => [c.ref.id, c]));
      runner = new CaseRunner(measurer, (e) => {
        if (e.type === 'case-progress' && current !== null) send({ type: 'progress', id: current, case: e.ref.id, samples: e.progress.samples, rel_ci: e.progress.relCI });
      }, cases.length);
      send({ type: 'planned', id: m.id, cases: cases.map((c) => c.ref), references: referenceIds(cases) });
      return;
    }
    case 'prepare': {
      const pc = caseOf(m.case);
      if (mopts.mode === 'instructions') throw new Error('prepare and sample interleave timed samples; instruction counts are taken whole, with a run request');
      if (remote) throw new Error(`case "${remote.id}" is still prepared; finish it first`);
      const rc: RemoteCase = { id: m.case, replyTo: m.id, samples: [], batch: 1 };
      remote = rc;
      // runs in the background: the measurer suspends it until `finish`
      void runOne(pc).then((result) => {
        remote = null;
        send({ type: 'result', id: rc.replyTo, result });
      });
      return;
    }
    case 'sample': {
      const rc = active(m.case);
      rc.replyTo = m.id;
      try {
        const xs = await rc.sampler!.take(m.count, m.batch);
        rc.batch = m.batch;
        for (const x of xs) rc.samples.push(x);
        send({ type: 'samples', id: m.id, case: m.case, samples: xs });
      } catch (e) {
        rc.fail!(e); // the case ends as failed, and its result answers this request
      }
      return;
    }
    case 'finish': {
      const rc = active(m.case);
      rc.replyTo = m.id;
      if (rc.samples.length === 0) {
        rc.fail!(new Error('finished before any sample was taken'));
        return;
      }
      rc.finish!({ stats: statsOf(rc.samples, m.stop, rc.batch, mopts.keepSamples), timer: rc.sampler!.timer, warmupNs: rc.sampler!.warmupNs, samplingNs: 0 });
      return;
    }
    case 'run': {
      const pc = caseOf(m.case);
      current = m.id;
      const result = await runOne(pc);
      current = null;
      send({ type: 'result', id: m.id, result });
      return;
    }
    case 'shutdown': {
      await runner?.dispose();
      // exit once the goodbye is out: loaded kernels may hold handles that would keep the process alive
      process.send!({ type: 'bye', id: m.id } satisfies Reply, () => process.exit(0));
      return;
    }
  }
}

let current: number | null = null;

function active(id: string): RemoteCase {
  if (!remote || remote.id !== id || !remote.sampler) throw new Error(`case "${id}" is not prepared`);
  return remote;
}

async function runOne(pc: PlannedCase): Promise<CaseResult> {
  if (!runner) throw new Error('plan first');
  try {
    return await runner.runCase(pc, index++);
  } catch (e) {
    return { ...pc.ref, state: 'failed', stage: 'measure', error: `the runner failed on this case: ${describeError(e)}` };
  }
}

// a runner whose parent is gone has nothing left to do; Ctrl-C is for the parent,
// which lets the case in hand finish and then shuts its runners down
process.on('disconnect', () => process.exit(0));
process.on('SIGINT', () => {});

process.on('message', (m: unknown) => {
  if (!isMessage(m)) return;
  handle(m as Request).catch((e) => send({ type: 'error', id: m.id, message: describeError(e), exit_code: exitCodeOf(e) }));
});

const machine = captureMachine();
send({ type: 'hello', id: 0, protocol: PROTOCOL_VERSION, pid: process.pid, tool: TOOL_VERSION, machine: machine.id, clock: measuringClock().name, cwd: process.cwd() });
