// Progress of a run, as events for reporters and progress bars: the plan, each
// case's start and phase, its sampling progress, and its end.
import type { SamplingProgress } from '../measure/sample-loop.ts';
import type { CaseRef, CaseResult } from '../model/types.ts';

export type RunEvent =
  | { type: 'plan'; cases: CaseRef[] }
  | { type: 'case-start'; ref: CaseRef; index: number; total: number; phase: 'verify' | 'measure' }
  | { type: 'case-progress'; ref: CaseRef; progress: SamplingProgress }
  | { type: 'case-end'; result: CaseResult; index: number; total: number };
