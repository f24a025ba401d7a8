// The dashboard's data: what the page needs of every case's series, its change
// points and its latest verdict, and of the recorded scores, in a compact
// columnar form that a year of nightly points for a hundred cases keeps small.
// Pure: the CLI reads the store and hands the series and scores here.
import type { FleetCost, HistorySeries, ScoreRecord } from '../../model/history.ts';
import { DEFAULT_THRESHOLD } from '../../stats/compare.ts';
import { analyzeSeries, type SeriesChange } from '../../stats/series-changes.ts';
import { leaderboards, type Leaderboard } from './leaderboard.ts';

export interface DashboardInput {
  title?: string;
  /** Where the data came from, for the header. */
  store: string;
  generatedAt: string;
  series: HistorySeries[];
  scores: ScoreRecord[];
  /** What the fleet's jobs cost, where the store is the fleet's database. */
  costs?: FleetCost[];
  /** The noise threshold: a change beyond it is a regression or an improvement. */
  threshold?: number;
}

/** The latest state of one series, for the verdict table. */
export type LatestVerdict = 'failed' | 'slower' | 'faster' | 'same' | 'short';

export interface ChartChange {
  /** Index of the first point of the new segment, in the series' points. */
  i: number;
  magnitude: number;
  confidence: number;
  before: number;
  after: number;
  from: string | null;
  to: string | null;
}

/** One case on one machine in one mode; the arrays are columns, one entry per night. */
export interface ChartSeries {
  id: string;
  problem: string;
  variant: string;
  kind: string;
  machine: string;
  mode: string;
  unit: string;
  /** Unix seconds of each night. */
  t: number[];
  /** Median, and the 95% CI's ends; null on a night the case was not measured. */
  m: Array<number | null>;
  lo: Array<number | null>;
  hi: Array<number | null>;
  /** Index into DashboardData.shas of each night's git sha (-1 for none). */
  sha: number[];
  /** Index into DashboardData.nodes of each night's Node version (-1 for none). */
  node: number[];
  /** Nights that were not measured: index -> state and reason. */
  notes: Record<number, string>;
  changes: ChartChange[];
  verdict: LatestVerdict;
  /** The last change point, as the verdict table shows it. */
  last: ChartChange | null;
  /** The newest measured figure. */
  latest: number | null;
  tooShort: boolean;
}

export interface DashboardData {
  schema: 1;
  title: string;
  store: string;
  generatedAt: string;
  threshold: number;
  points: number;
  shas: string[];
  nodes: string[];
  series: ChartSeries[];
  leaderboards: Leaderboard[];
  costs: FleetCost[];
}

/** Five significant digits: enough for any figure a chart or a tooltip shows. */
const r5 = (x: number | null): number | null => (x === null ? null : Number(x.toPrecision(5)));

function interned(): { list: string[]; id: (s: string | null) => number } {
  const list: string[] = [];
  const at = new Map<string, number>();
  return {
    list,
    id(s) {
      if (s === null) return -1;
      let i = at.get(s);
      if (i === undefined) at.set(s, (i = list.push(s) - 1));
      return i;
    },
  };
}

function verdictOf(s: HistorySeries, last: SeriesChange | undefined, tooShort: boolean, threshold: number): LatestVerdict {
  const newest = s.points[s.points.length - 1];
  if (newest && newest.state === 'failed') return 'failed';
  if (tooShort) return 'short';
  if (!last) return 'same';
  return last.magnitude > threshold ? 'slower' : last.magnitude < -threshold ? 'faster' : 'same';
}

export function buildDashboardData(input: DashboardInput): DashboardData {
  const threshold = input.threshold ?? DEFAULT_THRESHOLD;
  const shas = interned();
  const nodes = interned();
  let points = 0;
  const series = input.series.map((s): ChartSeries => {
    const a = analyzeSeries(s.points);
    const index = new Map(s.points.map((p, i) => [p.run, i]));
    const changes = a.changes.map((c): ChartChange => ({ i: index.get(c.to.run)!, magnitude: c.magnitude, confidence: c.confidence, before: r5(c.before)!, after: r5(c.after)!, from: c.from.sha, to: c.to.sha }));
    const notes: Record<number, string> = {};
    s.points.forEach((p, i) => {
      if (p.state !== 'measured') notes[i] = `${p.state}${p.note ? `: ${p.note.split('\n')[0]!.slice(0, 200)}` : ''}`;
    });
    points += s.points.length;
    const last = a.changes[a.changes.length - 1];
    return {
      id: s.case.id,
      problem: s.case.problem,
      variant: s.case.variant,
      kind: s.case.kind,
      machine: s.machine,
      mode: s.mode,
      unit: a.measured[0]?.unit ?? (s.mode === 'instructions' ? 'instr' : 'ns'),
      t: s.points.map((p) => Math.round(Date.parse(p.at) / 1000)),
      m: s.points.map((p) => r5(p.median)),
      lo: s.points.map((p) => r5(p.ci?.[0] ?? null)),
      hi: s.points.map((p) => r5(p.ci?.[1] ?? null)),
      sha: s.points.map((p) => shas.id(p.sha)),
      node: s.points.map((p) => nodes.id(p.node)),
      notes,
      changes,
      verdict: verdictOf(s, last, a.tooShort, threshold),
      last: changes[changes.length - 1] ?? null,
      latest: r5(a.measured[a.measured.length - 1]?.median ?? null),
      tooShort: a.tooShort,
    };
  });
  return {
    schema: 1,
    title: input.title ?? 'Assay: nightly history',
    store: input.store,
    generatedAt: input.generatedAt,
    threshold,
    points,
    shas: shas.list,
    nodes: nodes.list,
    series,
    leaderboards: leaderboards(input.scores),
    costs: input.costs ?? [],
  };
}
