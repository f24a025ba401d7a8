// `assay run --measure instructions`: the same cases as `run()`, each run whole by
// one runner process under callgrind (callgrind.ts), whose measurer counts
// instructions per call instead of reading the clock. This process plans nothing
// itself and stays outside valgrind: it reads the environment, asks the runner
// for its plan, sends one `run` request per case, and assembles the RunResult.
// WGSL and ONNX cases are skipped with the reason, before the runner sees them.
import { captureGit } from '../env/git.ts';
import { captureMachine } from '../env/machine.ts';
import { resolveMeasureOptions } from '../measure/measure.ts';
import { describeError } from '../model/errors.ts';
import type { ArtifactKind, CaseRef, CaseResult, RunResult } from '../model/types.ts';
import { requireSomeBackend, resultHeader, runLoop, selectionConfig, type RunOptions } from '../run/run.ts';
import { resolveSelection } from '../run/selection.ts';
import { requireValgrind, startCountingRunner, type CountingRunner } from './callgrind.ts';
import { RunnerError } from './client.ts';
import type { PlanOptions } from './protocol.ts';

/** Why a kind's cases are not counted. */
export const NOT_COUNTED: Partial<Record<ArtifactKind, string>> = {
  wgsl:
    'instruction counts do not apply to WGSL: the kernel runs on the GPU (or in the software driver\'s own threads), ' +
    'outside the instructions callgrind counts for the case; measure it with --measure time',
  onnx:
    'instruction counts do not apply to ONNX: ONNX Runtime picks its kernels by the CPU features it sees, and under valgrind ' +
    'it sees no AVX-512, so the counted code would not be the code that runs (and with more threads, their work is not counted); measure it with --measure time',
};

export interface CountedRunOptions extends RunOptions {
  /** Where the runner's own output (bench files that print, valgrind's messages) goes; the parent's stderr by default. */
  output?: NodeJS.WritableStream | null;
}

/** Counts the instructions per call of every case, as `assay run --measure instructions` does. Throws BackendUnavailableError (exit 3) without valgrind. */
export async function runCounted(opts: CountedRunOptions = {}): Promise<RunResult> {
  const started = new Date();
  const sel = resolveSelection(opts, opts.cwd ?? process.cwd());
  // the environment and valgrind are checked first: a problem with them costs no time
  const machine = captureMachine();
  const git = captureGit(sel.cwd);
  const valgrind = requireValgrind();
  const mopts = resolveMeasureOptions({ ...opts.measure, mode: 'instructions' });
  const emit = opts.onEvent ?? (() => {});
  await requireSomeBackend(sel.asked);
  const env = { machine: { ...machine, packages: { ...machine.packages, valgrind: valgrind.version } }, git };
  const header = (): Omit<RunResult, 'cases'> => resultHeader(started, env, mopts, selectionConfig(sel));

  const plan: PlanOptions = {
    paths: sel.paths,
    filters: sel.filters,
    ...(sel.problems ? { problems: sel.problems } : {}),
    ...(sel.asked ? { backends: sel.asked } : {}),
    ...(sel.candidates.length ? { candidates: sel.candidates } : {}),
    ...(sel.kernelsDir ? { kernelsDir: sel.kernelsDir } : {}),
    measure: { mode: 'instructions', keepSamples: mopts.keepSamples },
  };
  const start = async (): Promise<{ runner: CountingRunner; cases: CaseRef[] }> => {
    const runner = await startCountingRunner(valgrind, { cwd: sel.cwd, ...(opts.output !== undefined ? { output: opts.output } : {}) });
    try {
      return { runner, cases: await runner.client.plan(plan) };
    } catch (e) {
      // a plan the runner refused (a bench file that does not load) keeps the exit code it carries
      await runner.close();
      throw e;
    }
  };

  const first = await start();
  const cases = first.cases;
  let current: CountingRunner | null = first.runner;
  emit({ type: 'plan', cases });
  const runOne = async (ref: CaseRef, index: number): Promise<CaseResult> => {
    const why = NOT_COUNTED[ref.kind];
    if (why) return { ...ref, state: 'skipped', reason: why };
    emit({ type: 'case-start', ref, index, total: cases.length, phase: 'measure' });
    // a runner that died on an earlier case (a crash in native code, an instruction valgrind cannot run) is replaced
    const runner: CountingRunner = current ?? (current = (await start()).runner);
    try {
      return await runner.client.run(ref.id, (p) => emit({ type: 'case-progress', ref, progress: { samples: p.samples, relCI: p.rel_ci, elapsedNs: 0 } }));
    } catch (e) {
      if (!(e instanceof RunnerError) || runner.client.exitReason === null) throw e;
      await runner.close();
      current = null;
      return { ...ref, state: 'failed', stage: 'measure', error: `the runner under callgrind died on this case: ${describeError(e)}` };
    }
  };
  try {
    const results = await runLoop(cases.map((ref) => ({ ref })), (item, i) => runOne(item.ref, i), {
      emit,
      header,
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
    });
    return { ...header(), cases: results };
  } finally {
    await (current as CountingRunner | null)?.close();
  }
}
