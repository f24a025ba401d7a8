// Comparing two measurements of the same cases: the change of each case is the
// ratio of medians (head / base) with a bootstrap confidence interval, and the
// verdict holds that interval against a noise threshold. Pure: no I/O, no clock.
import type { CaseRef, CaseResult, MeasureMode } from '../model/types.ts';
import { bootstrapMedians, medianOfCounts, percentileInterval, quantileSorted, sortedCopy, type BootstrapOptions } from './summary.ts';
import { createRng, hashSeed } from './random.ts';
import { studentTQuantile } from './student-t.ts';

/** The outcome of comparing one case. */
export type Verdict = 'faster' | 'slower' | 'same' | 'inconclusive' | 'new' | 'missing' | 'failed';
export const VERDICTS: readonly Verdict[] = ['slower', 'faster', 'inconclusive', 'same', 'failed', 'new', 'missing'];

/**
 * The default noise threshold: a change smaller than 2% is called `same`.
 * Two processes running identical code differ by up to a percent or two
 * (code placement, JIT decisions, heap layout), so a tighter band would call
 * that difference a change; 2% still leaves a 5% regression three points of
 * room for its confidence interval.
 */
export const DEFAULT_THRESHOLD = 0.02;

/**
 * The default noise threshold of instruction counts: 0.5%. Two runs of the same
 * code counted the same per call in 29 of 30 cases measured, and JSON.parse,
 * whose cost depends on V8's tables of the process, to 0.22%
 * (docs/instructions.md); a band of 0.5% called none of 210 A/A comparisons a
 * change, and a 2% change of work clears it by four times its width.
 */
export const DEFAULT_INSTRUCTION_THRESHOLD = 0.005;

/** The default threshold of a measure mode. */
export function defaultThreshold(mode: MeasureMode = 'time'): number {
  return mode === 'instructions' ? DEFAULT_INSTRUCTION_THRESHOLD : DEFAULT_THRESHOLD;
}

export interface CompareOptions {
  /** The noise threshold T as a fraction: a change within ±T is no change. */
  threshold?: number;
  /** Confidence level of the ratio's interval, 0.95 by default. */
  confidence?: number;
  resamples?: number;
}

/** A ratio head/base with its bootstrap interval. */
export interface RatioEstimate {
  ratio: number;
  ci: [number, number];
}

/** One side of a case in a comparison. */
export interface SideSummary {
  median: number;
  ci: [number, number];
  n: number;
}

/** The comparison of one case. `ratio` and `ci` are present whenever both sides were measured. */
export interface CaseComparison extends CaseRef {
  verdict: Verdict;
  base: SideSummary | null;
  head: SideSummary | null;
  /** median(head) / median(base): above 1 is slower. */
  ratio: number | null;
  ci: [number, number] | null;
  /** Whether the interval came from paired (interleaved) samples. */
  paired: boolean;
  /** Process pairs the paired samples came from (or processes per side, stored), when more than one. */
  processes?: number;
  /**
   * Each process's (or process pair's) own change, head / base, when there were
   * several: when they disagree, the interval is wide because the code runs at a
   * different speed in each process, not for want of samples.
   */
  per_process?: number[];
  /** Why a case is failed, new or missing, in words. */
  reason?: string;
}

/** Classifies an interval of the ratio against the threshold T. */
export function verdictOf(ci: [number, number], threshold: number): Verdict {
  const [lo, hi] = ci;
  if (lo > 1 + threshold) return 'slower';
  if (hi < 1 - threshold) return 'faster';
  if (lo >= 1 - threshold && hi <= 1 + threshold) return 'same';
  return 'inconclusive';
}

/**
 * The ratio of medians of two independent sample sets (a stored baseline and a
 * later run): each side is resampled on its own, and each pair of resampled
 * medians gives one replicate of the ratio.
 *
 * With `processMedians` (each side's per-process medians, when each side was
 * measured in several processes), the interval is widened to at least a Welch
 * t interval over the processes' log medians: how much a case moves from one
 * process to the next, which the samples of any one process cannot show.
 */
export function ratioOfMedians(
  base: ArrayLike<number>,
  head: ArrayLike<number>,
  opts: CompareOptions & { seed?: number; processMedians?: [number[], number[]] } = {},
): RatioEstimate {
  const sb = sortedCopy(base);
  const sh = sortedCopy(head);
  const ratio = quantileSorted(sh, 0.5) / quantileSorted(sb, 0.5);
  const seed = opts.seed ?? 0x5eed;
  const bo: BootstrapOptions = { ...(opts.resamples ? { resamples: opts.resamples } : {}) };
  const mb = bootstrapMedians(sb, { ...bo, seed });
  const mh = bootstrapMedians(sh, { ...bo, seed: seed ^ 0x9e3779b9 });
  const reps = new Float64Array(mb.length);
  for (let i = 0; i < reps.length; i++) reps[i] = mh[i]! / mb[i]!;
  const ci = percentileInterval(reps, opts.confidence);
  if (!opts.processMedians) return { ratio, ci };
  const w = welchLogInterval(opts.processMedians[0], opts.processMedians[1], opts.confidence ?? 0.95);
  return { ratio, ci: [Math.min(ci[0], w[0] * ratio), Math.max(ci[1], w[1] * ratio)] };
}

/**
 * A Welch t interval of exp(mean log head - mean log base) over two sets of
 * per-process medians, as a factor around 1 (centred on the observed ratio by
 * the caller, since the pooled median is the point estimate).
 */
export function welchLogInterval(base: number[], head: number[], confidence: number): [number, number] {
  const lb = base.map(Math.log);
  const lh = head.map(Math.log);
  const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
  const variance = (xs: number[]): number => {
    const m = mean(xs);
    return xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1);
  };
  const vb = variance(lb) / lb.length;
  const vh = variance(lh) / lh.length;
  const se = Math.sqrt(vb + vh);
  if (!(se > 0)) return [1, 1];
  // Welch–Satterthwaite degrees of freedom
  const df = (vb + vh) ** 2 / (vb ** 2 / (lb.length - 1) + vh ** 2 / (lh.length - 1));
  const half = studentTQuantile(1 - (1 - confidence) / 2, Math.max(1, df)) * se;
  return [Math.exp(-half), Math.exp(half)];
}

/**
 * The ratio of medians of paired samples (a[i] and b[i] taken back to back, as
 * the interleaved A/B takes them): pairs are resampled whole, so that what
 * moved both sides of a pair at once (machine drift, a busy neighbour) moves
 * both medians of a replicate together and cancels in their ratio.
 *
 * With `groups` (the pair of processes each pair of samples came from), the
 * resampling has two stages: first the process pairs, then the sample pairs
 * within each; and the interval is widened to at least a Student t interval
 * over the process pairs' own ratios (in log space), because a bootstrap over
 * three or four units is far too narrow. Code can run at a different speed in
 * each process (the JIT's choices, the heap's state); the interval then shows
 * that spread, instead of taking one process's luck for a change in the code.
 */
export function pairedRatioOfMedians(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  opts: CompareOptions & { seed?: number; groups?: ArrayLike<number> } = {},
): RatioEstimate {
  const n = a.length;
  if (b.length !== n) throw new RangeError(`paired samples need equal counts, not ${n} and ${b.length}`);
  const order = (xs: ArrayLike<number>): Uint32Array => Uint32Array.from({ length: n }, (_, i) => i).sort((i, j) => xs[i]! - xs[j]!);
  const pa = order(a);
  const pb = order(b);
  const sa = Float64Array.from(pa, (i) => a[i]!);
  const sb = Float64Array.from(pb, (i) => b[i]!);
  const ratio = quantileSorted(sb, 0.5) / quantileSorted(sa, 0.5);
  const B = opts.resamples ?? 2000;
  const rng = createRng(opts.seed ?? 0x5eed);
  const members = groupMembers(n, opts.groups);
  const counts = new Uint32Array(n);
  const ca = new Uint32Array(n);
  const cb = new Uint32Array(n);
  const reps = new Float64Array(B);
  for (let r = 0; r < B; r++) {
    counts.fill(0);
    let total = 0;
    for (let g = 0; g < members.length; g++) {
      const m = members[members.length === 1 ? 0 : Math.floor(rng.next() * members.length)]!;
      for (let i = 0; i < m.length; i++) counts[m[Math.floor(rng.next() * m.length)]!]!++;
      total += m.length;
    }
    // the same draw of pairs, seen through each side's sort order
    for (let j = 0; j < n; j++) {
      ca[j] = counts[pa[j]!]!;
      cb[j] = counts[pb[j]!]!;
    }
    reps[r] = medianOfCounts(sb, cb, total) / medianOfCounts(sa, ca, total);
  }
  const ci = percentileInterval(reps, opts.confidence);
  if (members.length < 2) return { ratio, ci };
  const t = acrossGroups(a, b, members, opts.confidence ?? 0.95);
  return { ratio, ci: [Math.min(ci[0], t[0]), Math.max(ci[1], t[1])] };
}

/** A Student t interval of the ratio over the groups' own ratios of medians, in log space. */
function acrossGroups(a: ArrayLike<number>, b: ArrayLike<number>, members: number[][], confidence: number): [number, number] {
  const logs = members.map((m) => Math.log(quantileSorted(sortedCopy(m.map((i) => b[i]!)), 0.5) / quantileSorted(sortedCopy(m.map((i) => a[i]!)), 0.5)));
  const k = logs.length;
  const mean = logs.reduce((x, y) => x + y, 0) / k;
  const sd = Math.sqrt(logs.reduce((x, y) => x + (y - mean) ** 2, 0) / (k - 1));
  const half = studentTQuantile(1 - (1 - confidence) / 2, k - 1) * (sd / Math.sqrt(k));
  return [Math.exp(mean - half), Math.exp(mean + half)];
}

/** The indices of each group; one group of all indices when there are no groups. */
function groupMembers(n: number, groups: ArrayLike<number> | undefined): number[][] {
  if (!groups) return [Array.from({ length: n }, (_, i) => i)];
  const by = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const g = groups[i]!;
    let m = by.get(g);
    if (!m) by.set(g, (m = []));
    m.push(i);
  }
  return [...by.values()];
}

/** Relative half-width of a ratio's interval, the figure the interleaved stopping rule watches. */
export function ratioHalfWidth(e: RatioEstimate): number {
  return (e.ci[1] - e.ci[0]) / 2 / e.ratio;
}

/**
 * Samples of one side of a case, as the comparison needs them; with the median
 * of each process, when the side was measured in several.
 */
export type Side = { state: 'measured'; samples: number[]; processMedians?: number[] } | { state: 'failed'; error: string } | { state: 'skipped'; reason: string };

/** Reads a CaseResult as one side of a comparison; a measured case must have kept its samples. */
export function sideOf(r: CaseResult): Side {
  if (r.state === 'failed') return { state: 'failed', error: r.error };
  if (r.state === 'skipped') return { state: 'skipped', reason: r.reason };
  if (!r.stats.samples?.length) throw new RangeError(`case ${r.id} has no raw samples`);
  const pm = r.stats.processes?.map((p) => p.median);
  return { state: 'measured', samples: r.stats.samples, ...(pm && pm.length > 1 ? { processMedians: pm } : {}) };
}

/**
 * Compares one case. `paired` says the two sides' samples were taken in pairs
 * (interleaved), index by index. The seed is derived from the case id, so a
 * comparison is reproducible.
 */
export function compareCase(ref: CaseRef, base: Side | null, head: Side | null, opts: CompareOptions & { paired?: boolean; groups?: number[] } = {}): CaseComparison {
  const T = opts.threshold ?? DEFAULT_THRESHOLD;
  const out = (verdict: Verdict, extra: Partial<CaseComparison> = {}): CaseComparison => ({
    ...ref,
    verdict,
    base: null,
    head: null,
    ratio: null,
    ci: null,
    paired: Boolean(opts.paired),
    ...extra,
  });
  const summary = (s: Side | null): SideSummary | null => (s?.state === 'measured' ? sideSummary(s.samples) : null);
  if (!base || base.state === 'skipped') {
    return out(head && head.state !== 'skipped' ? 'new' : 'missing', { head: summary(head), reason: base ? `skipped in base: ${base.reason}` : 'not in base' });
  }
  if (!head || head.state === 'skipped') return out('missing', { base: summary(base), reason: head ? `skipped in head: ${head.reason}` : 'not in head' });
  if (base.state === 'failed' || head.state === 'failed') {
    const why = [base.state === 'failed' ? `base: ${base.error}` : '', head.state === 'failed' ? `head: ${head.error}` : ''].filter(Boolean).join('; ');
    return out('failed', { base: summary(base), head: summary(head), reason: why });
  }
  const seed = hashSeed(ref.id);
  const est = opts.paired
    ? pairedRatioOfMedians(base.samples, head.samples, { ...opts, seed, ...(opts.groups ? { groups: opts.groups } : {}) })
    : ratioOfMedians(base.samples, head.samples, { ...opts, seed, ...(base.processMedians && head.processMedians ? { processMedians: [base.processMedians, head.processMedians] } : {}) });
  const perProcess = opts.groups ? groupRatios(base.samples, head.samples, opts.groups) : base.processMedians && head.processMedians ? processRatios(base.processMedians, head.processMedians) : [];
  return out(verdictOf(est.ci, T), {
    base: summary(base),
    head: summary(head),
    ratio: est.ratio,
    ci: est.ci,
    ...(perProcess.length > 1 ? { processes: perProcess.length, per_process: perProcess } : {}),
  });
}

/** Each runner pair's ratio of medians, in the order of the pairs. */
function groupRatios(a: number[], b: number[], groups: number[]): number[] {
  return groupMembers(a.length, groups).map((m) => quantileSorted(sortedCopy(m.map((i) => b[i]!)), 0.5) / quantileSorted(sortedCopy(m.map((i) => a[i]!)), 0.5));
}

/** Stored: the i-th process of head against the i-th of base, for as many as both have. */
function processRatios(base: number[], head: number[]): number[] {
  return Array.from({ length: Math.min(base.length, head.length) }, (_, i) => head[i]! / base[i]!);
}

function sideSummary(samples: number[]): SideSummary {
  const s = sortedCopy(samples);
  const ci = percentileInterval(bootstrapMedians(s, { resamples: 500 }));
  return { median: quantileSorted(s, 0.5), ci, n: s.length };
}

/**
 * Compares two sets of case results matched by id: every case of either side
 * appears once, in base order and then the new cases in head order.
 */
export function compareCases(base: CaseResult[], head: CaseResult[], opts: CompareOptions = {}): CaseComparison[] {
  const heads = new Map(head.map((c) => [c.id, c]));
  const bases = new Set(base.map((c) => c.id));
  const out: CaseComparison[] = [];
  for (const b of base) {
    const h = heads.get(b.id);
    out.push(compareCase(refOf(h ?? b), sideOf(b), h ? sideOf(h) : null, opts));
  }
  for (const h of head) if (!bases.has(h.id)) out.push(compareCase(refOf(h), null, sideOf(h), opts));
  return out;
}

/**
 * Why a comparison compared too little to mean anything, or null when it is
 * fine: no case was measured on both sides, or more than half of the base's
 * cases are missing from the head. A gate that passes because nothing was
 * compared is worse than no gate, so callers refuse such a comparison.
 */
export function tooLittleInCommon(cases: CaseComparison[], baseLabel = 'base', headLabel = 'head'): string | null {
  const inBase = cases.filter((c) => c.verdict !== 'new');
  const missing = inBase.filter((c) => c.verdict === 'missing');
  const matched = cases.filter((c) => c.verdict !== 'new' && c.verdict !== 'missing');
  const fresh = cases.filter((c) => c.verdict === 'new');
  const sample = (xs: CaseComparison[]): string => xs.slice(0, 3).map((c) => `"${c.id}"`).join(', ') + (xs.length > 3 ? `, … (${xs.length} in all)` : '');
  const hint =
    'Case ids are `problem/variant[params]`, and for bench files `path/of/file.bench.ts/name` relative to the folder assay ran in: ' +
    'run both sides from the same folder, with the same filters and backends.';
  if (inBase.length > 0 && matched.length === 0) {
    return `nothing in common: none of the ${inBase.length} cases of ${baseLabel} (${sample(inBase)}) is in ${headLabel}${fresh.length ? ` (whose cases are ${sample(fresh)})` : ''}. ${hint}`;
  }
  if (inBase.length === 0) return `nothing to compare: ${baseLabel} has no cases${fresh.length ? `, and ${headLabel} has ${fresh.length}` : ''}.`;
  if (missing.length * 2 > inBase.length) {
    return `too little in common: ${missing.length} of the ${inBase.length} cases of ${baseLabel} are missing from ${headLabel} (${sample(missing)}). ${hint}`;
  }
  return null;
}

/** Counts of each verdict. */
export function verdictCounts(cases: CaseComparison[]): Record<Verdict, number> {
  const c = Object.fromEntries(VERDICTS.map((v) => [v, 0])) as Record<Verdict, number>;
  for (const x of cases) c[x.verdict]++;
  return c;
}

function refOf(r: CaseRef): CaseRef {
  const ref: CaseRef = { id: r.id, problem: r.problem, variant: r.variant, kind: r.kind, params: r.params };
  if (r.settings) ref.settings = r.settings;
  return ref;
}

/** What a comparison compared: a baseline name, a result file, or a git revision. */
export interface ComparedSide {
  label: string;
  machine: string;
  git: string | null;
}

/** A whole comparison, as the reporters render it and `--json` writes it. */
export interface Comparison {
  schema: 1;
  /**
   * `stored`: two runs taken at different times; `interleaved`: samples
   * alternated in one session (`assay ab`); `side-by-side`: each side counted
   * whole in its own process at the same time (`assay ab --measure instructions`).
   */
  mode: 'stored' | 'interleaved' | 'side-by-side';
  /** What both sides measured: time per call (ns), or instructions per call (instr). */
  measure: MeasureMode;
  threshold: number;
  confidence: number;
  base: ComparedSide;
  head: ComparedSide;
  cases: CaseComparison[];
  counts: Record<Verdict, number>;
  /** The verdicts that make the comparison fail (exit 1). */
  fail_on: Verdict[];
  /** The cases whose verdict is in `fail_on`. */
  failing: string[];
}

/** Assembles a comparison and decides which cases fail it. */
export function makeComparison(
  cases: CaseComparison[],
  meta: { mode: Comparison['mode']; measure?: MeasureMode; base: ComparedSide; head: ComparedSide; threshold?: number; confidence?: number; failOn?: Verdict[] },
): Comparison {
  const failOn = meta.failOn ?? ['slower'];
  const measure = meta.measure ?? 'time';
  return {
    schema: 1,
    mode: meta.mode,
    measure,
    threshold: meta.threshold ?? defaultThreshold(measure),
    confidence: meta.confidence ?? 0.95,
    base: meta.base,
    head: meta.head,
    cases,
    counts: verdictCounts(cases),
    fail_on: failOn,
    failing: cases.filter((c) => failOn.includes(c.verdict)).map((c) => c.id),
  };
}
