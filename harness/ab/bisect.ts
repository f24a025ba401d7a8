// Bisection of a slowdown: given a case, a good revision and a bad one, find
// the commit between them that made the case slower, by interleaved A/B of
// revisions (as `asv find` does by measuring each). The bad revision is first
// measured against the good one, to know the slowdown; then each step measures
// the middle revision against the good one and calls it bad when it carries
// more than half the slowdown (in log terms); the culprit is finally measured
// against its parent, which gives its verdict.
import { execFileSync } from 'node:child_process';
import { UsageError } from '../model/errors.ts';
import type { CaseComparison, Comparison } from '../stats/compare.ts';
import { repoRoot, resolveRevision } from './checkout.ts';
import { runAbSession, type AbSessionOptions } from './session.ts';

export interface BisectOptions extends Omit<AbSessionOptions, 'revA' | 'revB' | 'positionals'> {
  caseId: string;
  good: string;
  bad: string;
  /** Bench paths the case needs, when it is a bench file's (found from the case id otherwise). */
  paths?: string[];
}

export interface Revision {
  sha: string;
  subject: string;
}

export interface BisectStep extends Revision {
  /** This revision against the good one: median ratio, its CI, and the verdict. */
  ratio: number | null;
  ci: [number, number] | null;
  verdict: string;
  judged: 'good' | 'bad';
}

export interface BisectResult {
  schema: 1;
  case: string;
  good: Revision;
  bad: Revision;
  /** Commits after good up to bad (first parents). */
  revisions: number;
  /** The bad revision against the good one. */
  slowdown: CaseComparison;
  steps: BisectStep[];
  /** The commit that made the case slower, with its verdict against its parent; null when bad is not slower. */
  culprit: (Revision & { parent: string; comparison: CaseComparison; session: Comparison }) | null;
  /** Why there is no culprit, in words. */
  reason?: string;
}

function git(root: string, args: string[]): string {
  return execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

const subjectOf = (root: string, sha: string): string => git(root, ['log', '-1', '--format=%s', sha]);

/** The bench file a case id belongs to (`dir/x.bench.ts/name` -> `dir/x.bench.ts`), or null for a problem's case. */
export function benchPathOf(caseId: string): string | null {
  const m = caseId.match(/^(.*?\.bench\.[cm]?[jt]s)\//);
  return m ? m[1]! : null;
}

export async function bisect(o: BisectOptions): Promise<BisectResult> {
  const root = repoRoot(o.cwd);
  const good = resolveRevision(root, o.good);
  const bad = resolveRevision(root, o.bad);
  try {
    git(root, ['merge-base', '--is-ancestor', good, bad]);
  } catch {
    throw new UsageError(`${o.good} (${good.slice(0, 10)}) is not an ancestor of ${o.bad} (${bad.slice(0, 10)}); bisect needs GOOD to come before BAD in history`);
  }
  const revs = git(root, ['rev-list', '--first-parent', `${good}..${bad}`]).split('\n').filter(Boolean).reverse();
  if (revs.length === 0) throw new UsageError(`there are no commits between ${o.good} and ${o.bad}`);

  const bench = benchPathOf(o.caseId);
  const positionals = [...(o.paths ?? (bench ? [bench] : [])), o.caseId];
  const problems = o.problems?.length ? o.problems : bench ? [] : [o.caseId.split('/')[0]!];
  // a pair measured once is not measured again (the culprit's parent may be the good revision)
  const measured = new Map<string, { c: CaseComparison; session: Comparison }>();
  const measure = async (a: string, b: string): Promise<{ c: CaseComparison; session: Comparison }> => {
    const known = measured.get(`${a}..${b}`);
    if (known) return known;
    const { comparison } = await runAbSession({ ...o, revA: a, revB: b, positionals, problems });
    const c = comparison.cases.find((x) => x.id === o.caseId);
    if (!c) throw new UsageError(`case ${o.caseId} was not planned at ${a.slice(0, 10)} and ${b.slice(0, 10)}; \`assay list\` at those revisions shows their cases`);
    if (c.verdict === 'failed' || c.verdict === 'new' || c.verdict === 'missing') throw new UsageError(`case ${o.caseId} could not be measured at both ${a.slice(0, 10)} and ${b.slice(0, 10)}: ${c.verdict}${c.reason ? ` (${c.reason})` : ''}`);
    measured.set(`${a}..${b}`, { c, session: comparison });
    return { c, session: comparison };
  };

  const result: BisectResult = {
    schema: 1,
    case: o.caseId,
    good: { sha: good, subject: subjectOf(root, good) },
    bad: { sha: bad, subject: subjectOf(root, bad) },
    revisions: revs.length,
    slowdown: undefined as unknown as CaseComparison,
    steps: [],
    culprit: null,
  };
  o.log(`measuring ${o.bad} (${bad.slice(0, 10)}) against ${o.good} (${good.slice(0, 10)}); ${revs.length} commit${revs.length === 1 ? '' : 's'} between`);
  result.slowdown = (await measure(good, bad)).c;
  const full = result.slowdown.ratio!;
  if (result.slowdown.verdict !== 'slower') {
    result.reason = `${o.bad} is not slower than ${o.good} for ${o.caseId} (${result.slowdown.verdict}, ratio ${full.toFixed(3)})`;
    return result;
  }
  // a revision is bad when it carries more than half the slowdown, in log terms
  const cut = Math.sqrt(full);
  let lo = -1;
  let hi = revs.length - 1;
  while (hi - lo > 1) {
    if (o.signal?.aborted) throw new UsageError('bisect was interrupted before it found the commit');
    const mid = Math.floor((lo + hi) / 2);
    const sha = revs[mid]!;
    const { c } = await measure(good, sha);
    const judged = c.ratio !== null && c.ratio >= cut ? 'bad' : 'good';
    result.steps.push({ sha, subject: subjectOf(root, sha), ratio: c.ratio, ci: c.ci, verdict: c.verdict, judged });
    o.log(`step ${result.steps.length}: ${sha.slice(0, 10)} "${subjectOf(root, sha)}": ${c.ratio?.toFixed(3) ?? '?'}× of good (${c.verdict}) -> ${judged}`);
    if (judged === 'bad') hi = mid;
    else lo = mid;
  }
  const sha = revs[hi]!;
  const parent = hi === 0 ? good : revs[hi - 1]!;
  const last = await measure(parent, sha);
  result.culprit = { sha, subject: subjectOf(root, sha), parent, comparison: last.c, session: last.session };
  return result;
}
