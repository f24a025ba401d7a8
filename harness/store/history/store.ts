// The history store's one interface. Every command that keeps or reads history
// (nightly, history, history import, report --html, and later the fleet and
// score) speaks to it, never to a database: SQLite is one implementation, and a
// PostgreSQL one goes through the same Kysely queries (kysely-store.ts).
import type { HistoryCase, HistoryPoint, MeasureMode, RecordedRun, RunSource, ScoreDoc, ScoreRecord } from '../../model/history.ts';
import type { RunResult } from '../../model/types.ts';

export interface RecordRunOptions {
  /**
   * What makes this run unique. A retry with the same key records nothing new.
   * By default, a hash of the RunResult's content: recording or importing the
   * same result twice stores it once. A fleet job passes its job id.
   */
  key?: string;
  /** Where the run came from; `run` by default. */
  source?: RunSource;
  /** The measure mode, when the RunResult does not say; `time` by default. */
  mode?: MeasureMode;
}

export interface Recorded {
  id: number;
  key: string;
  /** False when a run (or score) with this key was already stored, and nothing was written. */
  created: boolean;
}

export interface SeriesQuery {
  machine: string;
  mode?: MeasureMode;
  /** Only the newest `last` points. */
  last?: number;
}

export interface RecordScoreOptions {
  key?: string;
  machine?: string | null;
  sha?: string | null;
  mode?: MeasureMode;
  recordedAt?: string;
}

export interface HistoryStore {
  /** Where the store is, for messages (a file path, or a URL without its credentials). */
  readonly location: string;
  /** Records a run and all its cases in one transaction; keyed, so a retry is not stored twice. */
  recordRun(run: RunResult, o?: RecordRunOptions): Promise<Recorded>;
  /** One case's points on one machine in one mode, oldest first. */
  series(caseId: string, q: SeriesQuery): Promise<HistoryPoint[]>;
  /** The newest runs, newest first; of one machine when given. */
  latestRuns(o?: { machine?: string; limit?: number }): Promise<RecordedRun[]>;
  /** Every case the store holds, with the machines and modes it has points for. */
  cases(): Promise<HistoryCase[]>;
  /** Records one Score JSON; keyed like runs. */
  recordScore(score: ScoreDoc, o?: RecordScoreOptions): Promise<Recorded>;
  /** The recorded scores, newest first; of one problem when given. */
  scores(o?: { problem?: string }): Promise<ScoreRecord[]>;
  close(): Promise<void>;
}
