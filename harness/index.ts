// Assay's public API: everything the CLI does, as typed functions.
// The measuring clock is imported first, so it is captured before user code loads.
export { hrtimeClock, measuringClock, useClock, type Clock } from './measure/clock.ts';

export { bench, type BenchOptions } from './problem/bench.ts';
export { defineProblem, mixedFloats, axisPoints, formatParams, generateInputs, allocateTensors, publicSeed, toleranceAt, throughputAt } from './problem/define.ts';
export { run, planRun, type RunOptions, type RunEvent } from './run/run.ts';
export { loadProblems, loadProblem, findBenchFiles, builtinKernelsDir, type LoadedProblem, type PlannedCase } from './run/suite.ts';
export { describeProblem, type ProblemDescription } from './run/describe.ts';
export { cPrototype, wgslBindings, wgslDeclarations, NATIVE_SYMBOL, type WgslBinding } from './problem/signature.ts';
export { listSuite, type SuiteListing } from './run/listing.ts';
export { EXIT, UsageError, InputError, BackendUnavailableError, exitCodeOf } from './model/errors.ts';
export { compileExpr, evalQuantity, ExprError } from './problem/expr.ts';
export type * from './model/types.ts';

export { measure, measureSelfTimed, type SelfTimed, resolveMeasureOptions, DEFAULT_BUDGET_S, QUICK_BUDGET_S, type MeasureOptions, type Measurement } from './measure/measure.ts';
export { sampleUntilStopped, type SampleSource, type SamplingOutcome } from './measure/sample-loop.ts';
export { checkStop, type StopRule } from './measure/stopping.ts';
export type { Invocable } from './measure/batching.ts';

export { summarize, bootstrapMedianCI, median, mean, mad, quantileSorted, tukeyOutliers } from './stats/summary.ts';
export { createRng, hashSeed } from './stats/random.ts';

export { verifyAt, verifyAll, type Expectation, type VerifyOutcome, type KernelRunner } from './verify/verify.ts';
export { compareOutputs } from './verify/compare.ts';

export { availabilityOf, registerBackend, ALL_KINDS } from './backends/registry.ts';
export { benchModel, planModel, type ModelBenchOptions, type ModelPlan } from './run/model-bench.ts';
export { ArtifactError, type Backend, type PreparedKernel, type PrepareOptions, type BoundKernel, type Details, type Availability } from './backends/backend.ts';

export { captureEnvironment, type Environment } from './env/environment.ts';
export { captureMachine, machineId } from './env/machine.ts';
export { captureGit } from './env/git.ts';

export { renderConsole } from './report/console.ts';
export { renderMarkdown } from './report/markdown.ts';
export { renderJson } from './report/json.ts';

export {
  compareCase,
  compareCases,
  makeComparison,
  ratioOfMedians,
  pairedRatioOfMedians,
  verdictOf,
  DEFAULT_THRESHOLD,
  type Verdict,
  type Comparison,
  type CaseComparison,
  type CompareOptions,
} from './stats/compare.ts';
export { saveBaseline, loadBaseline, listBaselines, deleteBaseline, baselinesRoot, type BaselineEntry } from './store/baselines.ts';
export { readRunResult, parseRunResult, RESULT_SCHEMA } from './store/read-result.ts';
export { machineDifferences, MachineMismatchError } from './store/machine-check.ts';
export { renderVerdictsConsole } from './report/verdict-console.ts';
export { renderVerdictsMarkdown } from './report/verdict-markdown.ts';
export { githubAnnotations, githubSummary } from './report/github.ts';
export { RunnerClient, RunnerError, type RunnerSpawnOptions } from './runner/client.ts';
export { PROTOCOL_VERSION, type Request as RunnerRequest, type Reply as RunnerReply, type PlanOptions } from './runner/protocol.ts';
export { interleave, type InterleaveOptions, type InterleaveResult } from './ab/interleave.ts';
export { checkout, type Checkout } from './ab/checkout.ts';
