// What `assay list` shows, as data: the backends and whether they can run here,
// the problems with their variants and axis points, and bench cases under paths.
import path from 'node:path';
import { ALL_KINDS, availabilityOf } from '../backends/registry.ts';
import { axisPoints } from '../problem/define.ts';
import { findBenchFiles, loadProblems, planBenchCases } from './suite.ts';
import type { ArtifactKind, CaseRef, Params } from '../model/types.ts';

export interface SuiteListing {
  /** Each backend, whether it can run here, and what runs it (a GPU adapter's vendor, features and limits) in `info`. */
  backends: Array<{ kind: ArtifactKind; ok: boolean; detail: string; info?: Record<string, unknown> }>;
  problems: Array<{
    name: string;
    description: string;
    points: Params[];
    variants: Array<{ name: string; kind: ArtifactKind; reference: boolean; file: string }>;
  }>;
  bench: CaseRef[];
}

export async function listSuite(opts: { paths?: string[]; cwd?: string; kernelsDir?: string } = {}): Promise<SuiteListing> {
  const cwd = opts.cwd ?? process.cwd();
  const backends = await Promise.all(ALL_KINDS.map(async (kind) => ({ kind, ...(await availabilityOf(kind)) })));
  const problems = (await loadProblems(opts.kernelsDir)).map((lp) => ({
    name: lp.problem.name,
    description: lp.problem.description,
    points: axisPoints(lp.problem.axes),
    variants: lp.variants.map((v) => ({ name: v.name, kind: v.kind, reference: v.isReference, file: path.relative(cwd, v.file) })),
  }));
  const paths = (opts.paths ?? []).map((p) => path.resolve(cwd, p));
  const bench = paths.length ? (await planBenchCases(findBenchFiles(paths), cwd)).map((c) => c.ref) : [];
  return { backends, problems, bench };
}
