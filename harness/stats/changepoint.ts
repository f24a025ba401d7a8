// Change points in a series of nightly figures: E-Divisive means, as Apache
// Otava (formerly Hunter, from MongoDB's and DataStax's work: Matteson & James
// 2014, Fleming et al. 2023, arXiv 2301.03034) applies it. Pure functions over
// numbers: no I/O, no clock.
//
// The method, in two steps:
// 1. Split. Sliding windows of `windowLen` points, half a window apart. In each,
//    the split that maximises the energy statistic Q̂ (the divergence between
//    the points before and after it) is a candidate; it is kept when a test
//    between the segments on either side passes at a relaxed p-value, and the
//    search repeats inside the segments until a candidate fails.
// 2. Merge. Over the whole series, each candidate's test is redone between its
//    neighbouring candidates; the weakest (highest p) is dropped while any is
//    above `maxPValue` (or any change is smaller than `minMagnitude`), and its
//    neighbours are tested again.
//
// Where this differs from Otava, and why:
// - The test is the Mann–Whitney rank-sum test, not Student's t. Benchmark
//   noise is skewed (a busy night is slow, never fast), and one outlier night
//   moves a mean and a variance but only one rank.
// - Its p-value is multiplied by the number of places the split could have been
//   put, because the split tested is the one that looked most like a change.
//   Without it, Otava's p of 0.001 found changes in a few per cent of flat
//   series with 1% noise over a year of nights; with it, none in our tests.
// - A segment has at least `minSegment` points (2 by default): one outlier night
//   cannot form a segment of its own. A change at the end of a series is
//   reported once a few nights show it (3 or 4 for a 5% step in 1% noise).
export interface ChangePointOptions {
  /** Points per sliding window of the split step (Otava's default, 50). */
  windowLen?: number;
  /** The p-value a change point must reach in the merge step (Otava's default, 0.001). */
  maxPValue?: number;
  /** Changes smaller than this relative magnitude are merged away (0: none are). */
  minMagnitude?: number;
  /** The fewest points in a segment between change points. */
  minSegment?: number;
}

export const DEFAULT_CHANGE_POINT_OPTIONS: Required<ChangePointOptions> = { windowLen: 50, maxPValue: 0.001, minMagnitude: 0, minSegment: 2 };

/** A change in the series: the segment from `index` on differs from the one before it. */
export interface ChangePoint {
  /** The first index of the new segment. */
  index: number;
  /** The median of the segment before (from the previous change point) and of the one after (to the next). */
  before: number;
  after: number;
  /** after / before − 1: above 0 the figure rose (slower, for times and instruction counts). */
  magnitude: number;
  /** The two-sided p-value of the rank-sum test between the two segments, corrected for where the split was put. */
  pValue: number;
  /** 1 − pValue. */
  confidence: number;
}

/** The fewest points a series needs before change points can be looked for in it. */
export function minimumHistory(o: ChangePointOptions = {}): number {
  return 2 * (o.minSegment ?? DEFAULT_CHANGE_POINT_OPTIONS.minSegment);
}

/** The change points of `values`, in index order. A series shorter than minimumHistory() has none. */
export function detectChangePoints(values: ArrayLike<number>, o: ChangePointOptions = {}): ChangePoint[] {
  const opts = { ...DEFAULT_CHANGE_POINT_OPTIONS, ...o };
  if (!(opts.windowLen >= 2 * opts.minSegment)) throw new RangeError(`windowLen must be at least twice minSegment, not ${opts.windowLen}`);
  if (!(opts.minSegment >= 1)) throw new RangeError(`minSegment must be at least 1, not ${opts.minSegment}`);
  const x = Float64Array.from(values);
  if (x.length < minimumHistory(opts)) return [];
  for (const v of x) if (!Number.isFinite(v)) throw new RangeError('change-point detection needs finite values');
  // the split step tests at a relaxed level; the merge step holds the found points to maxPValue
  const p = opts.maxPValue;
  const firstPass = p < 0.05 ? p * 10 : p < 0.5 ? p * 2 : p;
  const weak = split(x, opts.windowLen, firstPass, opts.minSegment);
  return merge(x, weak, opts.maxPValue, opts.minMagnitude, opts.minSegment);
}

/**
 * The change points of `now` that `before` (the same series, one night shorter)
 * did not have. A change point may move by up to `tolerance` indices as nights
 * are added, so one that did is the same change.
 */
export function newChangePoints(before: ChangePoint[], now: ChangePoint[], tolerance = 2): ChangePoint[] {
  return now.filter((c) => !before.some((b) => Math.abs(b.index - c.index) <= tolerance && Math.sign(b.magnitude) === Math.sign(c.magnitude)));
}

// ---------------------------------------------------------------------------

function medianOf(x: Float64Array, a: number, b: number): number {
  const s = x.slice(a, b).sort();
  const n = s.length;
  return n % 2 ? s[(n - 1) >> 1]! : (s[n / 2 - 1]! + s[n / 2]!) / 2;
}

/**
 * The exact two-sided p-value of the Mann–Whitney U statistic for samples of
 * n1 and n2 without ties: U counts the pairs (i in the first, j in the second)
 * with x_i > x_j, and under no change every arrangement of the ranks is equally
 * likely. The count of arrangements with U = u is the coefficient of q^u in the
 * Gaussian binomial [n1+n2 choose k] (k = the smaller sample), built by
 * multiplying its factors (1 − q^(m+i)) / (1 − q^i) up to the degree needed.
 */
function exactUTest(u: number, n1: number, n2: number): number {
  const k = Math.min(n1, n2);
  const m = Math.max(n1, n2);
  const tail = Math.floor(Math.min(u, n1 * n2 - u));
  const c = new Float64Array(tail + 1);
  c[0] = 1;
  for (let i = 1; i <= k; i++) {
    for (let d = tail; d >= m + i; d--) c[d]! -= c[d - m - i]!;
    for (let d = i; d <= tail; d++) c[d]! += c[d - i]!;
  }
  let below = 0;
  for (let d = 0; d <= tail; d++) below += c[d]!;
  // the total number of arrangements, C(n1+n2, k), as a product kept in floating point
  let total = 1;
  for (let i = 1; i <= k; i++) total = (total * (m + i)) / i;
  return Math.min(1, (2 * below) / total);
}

/** The two-sided p-value of U by the normal approximation (with continuity correction), for large samples. */
function normalUTest(u: number, n1: number, n2: number): number {
  const mu = (n1 * n2) / 2;
  const sd = Math.sqrt((n1 * n2 * (n1 + n2 + 1)) / 12);
  const z = (Math.abs(u - mu) - 0.5) / sd;
  return Math.min(1, 2 * normalTail(Math.max(0, z)));
}

/** P(Z > z) for the standard normal (Abramowitz & Stegun 26.2.17, error below 7.5e-8). */
function normalTail(z: number): number {
  const t = 1 / (1 + 0.2316419 * z);
  const poly = t * (0.31938153 + t * (-0.356563782 + t * (1.781477937 + t * (-1.821255978 + t * 1.330274429))));
  return (Math.exp((-z * z) / 2) / Math.sqrt(2 * Math.PI)) * poly;
}

/** Up to this many points in the smaller segment, U's p-value is exact. */
const EXACT_U_MAX = 25;

/**
 * The test between x[a, t) and x[t, b): the Mann–Whitney (Wilcoxon rank-sum)
 * test, which needs no normal noise and which one outlier night cannot carry,
 * with its p-value multiplied by the number of places the split could have been
 * put (a Bonferroni correction for choosing the split that looks most like a
 * change). `before` and `after` are the segments' medians.
 */
function segmentTest(x: Float64Array, a: number, t: number, b: number, minSeg: number): { before: number; after: number; p: number } {
  const n1 = t - a;
  const n2 = b - t;
  const before = medianOf(x, a, t);
  const after = medianOf(x, t, b);
  let u = 0;
  for (let i = a; i < t; i++) {
    const xi = x[i]!;
    for (let j = t; j < b; j++) u += xi > x[j]! ? 1 : xi === x[j]! ? 0.5 : 0;
  }
  const raw = Math.min(n1, n2) <= EXACT_U_MAX ? exactUTest(u, n1, n2) : normalUTest(u, n1, n2);
  const places = Math.max(1, b - a - 2 * minSeg + 1);
  return { before, after, p: Math.min(1, raw * places) };
}

function changePoint(x: Float64Array, a: number, t: number, b: number, minSeg: number): ChangePoint {
  const { before, after, p } = segmentTest(x, a, t, b, minSeg);
  return { index: t, before, after, magnitude: before === 0 ? 0 : after / before - 1, pValue: p, confidence: 1 - p };
}

/**
 * Sums of pairwise distances inside a window: w(a, b) = Σ_{a≤i<k<b} |x_i − x_k|,
 * for every 0 ≤ a ≤ b ≤ n, so that Q̂ of any split costs O(1).
 */
function pairSums(x: Float64Array, s: number, n: number): (a: number, b: number) => number {
  const w = new Float64Array((n + 1) * (n + 1));
  for (let b = 2; b <= n; b++) {
    const last = x[s + b - 1]!;
    // w(a, b) = w(a, b-1) + Σ_{a≤i<b-1} |x_i − x_{b-1}|, accumulated as a falls
    let col = 0;
    for (let a = b - 2; a >= 0; a--) {
      col += Math.abs(x[s + a]! - last);
      w[a * (n + 1) + b] = w[a * (n + 1) + b - 1]! + col;
    }
  }
  return (a, b) => w[a * (n + 1) + b]!;
}

/**
 * The split of x[s+a, s+b) that maximises Q̂(X, Y), X = [a, τ), Y = [τ, κ), with
 * every part at least `minSeg` long; null when the interval is too short.
 * Q̂ = mn/(m+n) · (2/(mn) Σ|X−Y| − 2/(n(n−1)) Σ|X−X| − 2/(m(m−1)) Σ|Y−Y|).
 */
function bestSplit(w: (a: number, b: number) => number, a: number, b: number, minSeg: number): { tau: number; q: number } | null {
  let best: { tau: number; q: number } | null = null;
  for (let tau = a + minSeg; tau <= b - minSeg; tau++) {
    const n = tau - a;
    const wx = w(a, tau);
    const within = n > 1 ? (2 * wx) / (n * (n - 1)) : 0;
    for (let kappa = tau + minSeg; kappa <= b; kappa++) {
      const m = kappa - tau;
      const wy = w(tau, kappa);
      const between = w(a, kappa) - wx - wy;
      const q = ((m * n) / (m + n)) * ((2 * between) / (m * n) - within - (m > 1 ? (2 * wy) / (m * (m - 1)) : 0));
      if (best === null || q > best.q) best = { tau, q };
    }
  }
  return best;
}

/** E-Divisive inside one window x[s, e): candidates while each passes the t test at `p`. */
function divideWindow(x: Float64Array, s: number, e: number, p: number, minSeg: number): number[] {
  const n = e - s;
  if (n < 2 * minSeg) return [];
  const w = pairSums(x, s, n);
  const found: number[] = [];
  for (;;) {
    const bounds = [0, ...found, n];
    let cand: { tau: number; q: number; a: number; b: number } | null = null;
    for (let i = 0; i + 1 < bounds.length; i++) {
      const a = bounds[i]!;
      const b = bounds[i + 1]!;
      const split = bestSplit(w, a, b, minSeg);
      if (split && (cand === null || split.q > cand.q)) cand = { ...split, a, b };
    }
    if (!cand) break;
    if (segmentTest(x, s + cand.a, s + cand.tau, s + cand.b, minSeg).p > p) break;
    found.push(cand.tau);
    found.sort((u, v) => u - v);
  }
  return found.map((t) => s + t);
}

/** The split step: candidates from sliding windows, half a window apart, as indices in order. */
function split(x: Float64Array, windowLen: number, p: number, minSeg: number): number[] {
  const step = Math.max(1, Math.floor(windowLen / 2));
  const found = new Set<number>();
  let start = 0;
  while (start < x.length) {
    const end = Math.min(start + windowLen, x.length);
    const cps = divideWindow(x, start, end, p, minSeg);
    for (const c of cps) found.add(c);
    start = Math.max(cps.length ? cps[cps.length - 1]! : 0, start + step);
  }
  return [...found].sort((a, b) => a - b);
}

/** The merge step: drop the weakest candidate until every one left is significant (and large enough). */
function merge(x: Float64Array, candidates: number[], maxP: number, minMagnitude: number, minSeg: number): ChangePoint[] {
  const idx = [...candidates];
  const at = (i: number): ChangePoint => changePoint(x, i === 0 ? 0 : idx[i - 1]!, idx[i]!, i === idx.length - 1 ? x.length : idx[i + 1]!, minSeg);
  const cps = idx.map((_, i) => at(i));
  while (cps.length) {
    let weakest = 0;
    for (let i = 1; i < cps.length; i++) if (cps[i]!.pValue > cps[weakest]!.pValue) weakest = i;
    if (cps[weakest]!.pValue <= maxP) {
      for (let i = 0; i < cps.length; i++) if (Math.abs(cps[i]!.magnitude) < Math.abs(cps[weakest]!.magnitude)) weakest = i;
      if (Math.abs(cps[weakest]!.magnitude) >= minMagnitude) break;
    }
    idx.splice(weakest, 1);
    cps.splice(weakest, 1);
    // the neighbours' segments grew: test them again
    for (const i of [weakest - 1, weakest]) if (i >= 0 && i < cps.length) cps[i] = at(i);
  }
  return cps;
}
