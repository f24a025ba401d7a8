// Assay's public API, the package entry (`import ... from 'assay'`): the
// documented names only (docs/library.md). Everything the CLI does is one of
// these calls; what is not here is internal and may change.
// The measuring clock is imported first, so it is captured before user code loads.
import './measure/clock.ts';

/** Declaring work: a problem with its axes, inputs and reference; a plain bench function. */
export { defineProblem, mixedFloats } from './problem/define.ts';
export { bench, type BenchOptions } from './problem/bench.ts';

/** Running: the suite, bench files and candidates, into one RunResult. */
export { run, type RunOptions } from './run/run.ts';
export type { RunEvent } from './run/events.ts';
export type { Selection } from './run/selection.ts';
export { benchModel, type ModelBenchOptions } from './run/model-bench.ts';
/** Counting: instructions per call, in a runner under valgrind's callgrind. */
export { runCounted, type CountedRunOptions } from './runner/counted-run.ts';

/** Comparing: two stored runs, or two revisions interleaved in one session. */
export { compare, type CompareRunsOptions } from './store/compare-runs.ts';
export { interleave, type InterleaveOptions, type InterleaveResult } from './ab/interleave.ts';
export { RunnerClient, type RunnerSpawnOptions } from './runner/client.ts';
export type { Comparison, CaseComparison, CompareOptions, Verdict } from './stats/compare.ts';

/** History: the store, change points, bisection (docs/history.md). */
export { openHistoryStore, historyLocation } from './store/history/open.ts';
export type { HistoryStore, RecordRunOptions, Recorded, SeriesQuery } from './store/history/store.ts';
export { importRuns } from './store/history/import.ts';
export { detectChangePoints, type ChangePoint, type ChangePointOptions } from './stats/changepoint.ts';
export { analyzeSeries, type SeriesAnalysis, type SeriesChange } from './stats/series-changes.ts';
export { bisect, type BisectOptions, type BisectResult } from './ab/bisect.ts';
export type { HistoryCase, HistoryPoint, RecordedRun, ScoreDoc, ScoreRecord } from './model/history.ts';
/** Scoring candidates: staged, sandboxed, against the reference and the best built-in variant. */
export { scoreCandidate, ScoringSession, type ScoreOptions } from './score/session.ts';
export { scoreFolder } from './score/folder.ts';

/** Errors and exit codes. */
export { EXIT, UsageError, InputError, BackendUnavailableError, InternalError } from './model/errors.ts';

export type {
  ArtifactKind,
  CaseRef,
  CaseResult,
  MeasuredCase,
  FailedCase,
  SkippedCase,
  KernelFn,
  MeasureMode,
  Params,
  ProblemSpec,
  Rng,
  RunResult,
  SampleStats,
  Score,
  ScoreCheck,
  FolderScore,
  Tensors,
} from './model/types.ts';
export type { MeasureOptions } from './measure/measure.ts';
