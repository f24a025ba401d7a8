// What the MCP server's tools do, as plain async functions over Assay's library:
// each returns JSON-able data, or throws an error whose message is the reason
// the agent sees (the server turns it into an `isError` result).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describeProblem, type ProblemDescription } from '../run/describe.ts';
import { loadProblems, type LoadedProblem } from '../run/suite.ts';
import { UsageError } from '../model/errors.ts';
import type { CaseResult, Score } from '../model/types.ts';
import { RunnerClient } from '../runner/client.ts';
import { ScoringSession, type ScoreOptions } from '../score/session.ts';

/** The candidate kinds an agent names, and the extension each is written with. */
export const SOURCE_KINDS = { js: '.mjs', ts: '.ts', native: '.cc', c: '.c', cpp: '.cc', wgsl: '.wgsl', onnx: '.onnx' } as const;
export type SourceKind = keyof typeof SOURCE_KINDS;

async function problemNamed(name: string): Promise<LoadedProblem> {
  const problems = await loadProblems();
  const lp = problems.find((p) => p.problem.name === name);
  if (!lp) throw new UsageError(`unknown problem "${name}"; the problems are ${problems.map((p) => p.problem.name).join(', ')} (list_problems)`);
  return lp;
}

export async function listProblems(): Promise<Array<{ name: string; description: string; axes: Record<string, number[]>; variants: string[] }>> {
  return (await loadProblems()).map((lp) => ({
    name: lp.problem.name,
    description: lp.problem.description,
    axes: lp.problem.axes,
    variants: lp.variants.map((v) => `${v.name} (${v.kind})`),
  }));
}

/** What an agent needs to write a candidate: the signature in every format, and the reference's source as an example. */
export async function showProblem(name: string): Promise<ProblemDescription & { example: { kind: 'ts'; file: string; source: string }; scoring: string }> {
  const lp = await problemNamed(name);
  const ref = lp.variants.find((v) => v.isReference)!;
  return {
    ...describeProblem(lp),
    example: { kind: 'ts', file: ref.name, source: readFileSync(ref.file, 'utf8') },
    scoring:
      'score_candidate builds the candidate in a sandbox, verifies it on the public axes, fresh seeds and held-out shapes drawn for each call ' +
      '(poisoned outputs, inputs checked, NaN and Inf rejected), then measures it interleaved with the reference and the best built-in variant of its kind. ' +
      'A js candidate imports nothing but types from "assay" and a few harmless node: built-ins; a native one calls no file, network or process functions.',
  };
}

/** Scoring sessions per problem, kept for the server's life: their trusted runner is started once. Each score draws a fresh plan. */
export class Scorer {
  private sessions = new Map<string, Promise<ScoringSession>>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly o: ScoreOptions = {}) {}

  /** Scores source text of one kind; scores run one at a time, so none is measured beside another. */
  score(problem: string, kind: SourceKind, source: string, o: { budgetS?: number; name?: string } = {}): Promise<Score> {
    const next = this.queue.then(() => this.scoreNow(problem, kind, source, o));
    this.queue = next.catch(() => {});
    return next;
  }

  private async scoreNow(problem: string, kind: SourceKind, source: string, o: { budgetS?: number; name?: string }): Promise<Score> {
    const ext = SOURCE_KINDS[kind];
    if (!ext) throw new UsageError(`unknown kind "${kind}"; one of ${Object.keys(SOURCE_KINDS).join(', ')}`);
    await problemNamed(problem);
    let session = this.sessions.get(problem);
    if (!session) {
      session = ScoringSession.open(problem, { ...this.o, ...(o.budgetS !== undefined ? { budgetS: o.budgetS } : {}) });
      this.sessions.set(problem, session);
      session.catch(() => this.sessions.delete(problem));
    }
    const s = await session;
    s.redraw();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'assay-mcp-'));
    const base = path.basename(o.name ?? 'candidate').replace(/\.[^.]*$/, '').replace(/[^A-Za-z0-9_-]/g, '_') || 'candidate';
    const file = path.join(dir, `${base}${ext}`);
    try {
      writeFileSync(file, kind === 'onnx' ? Buffer.from(source, 'base64') : source);
      return await s.score(file);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  async close(): Promise<void> {
    for (const s of this.sessions.values()) await (await s.catch(() => null))?.close();
  }
}

export interface BenchmarkSummary {
  cases: Array<{ id: string; state: CaseResult['state']; median_ns?: number; ci_ns?: [number, number]; rel_ci?: number; speedup?: number; error?: string }>;
  counts: { measured: number; failed: number; skipped: number };
}

/**
 * Runs bench files (or built-in problems, or cases matching filters) in the
 * agent's workspace, in a runner process: whatever they print goes to the
 * server's stderr, never into the protocol on stdout.
 */
export async function runBenchmarks(o: { cwd: string; paths?: string[]; filters?: string[]; problems?: string[]; budgetS?: number }): Promise<BenchmarkSummary> {
  const runner = await RunnerClient.start({ cwd: o.cwd, label: 'run_benchmarks', output: process.stderr });
  try {
    const cases = await runner.plan({
      paths: o.paths ?? [],
      filters: o.filters ?? [],
      ...(o.problems?.length ? { problems: o.problems } : {}),
      measure: { budgetS: o.budgetS ?? 0.5 },
    });
    const out: BenchmarkSummary = { cases: [], counts: { measured: 0, failed: 0, skipped: 0 } };
    for (const c of cases) {
      const r = await runner.run(c.id);
      out.counts[r.state]++;
      out.cases.push(
        r.state === 'measured'
          ? { id: r.id, state: r.state, median_ns: r.stats.median, ci_ns: r.stats.ci, rel_ci: r.stats.rel_ci_half_width, ...(r.speedup !== undefined ? { speedup: r.speedup } : {}) }
          : { id: r.id, state: r.state, error: r.state === 'failed' ? r.error : r.reason },
      );
    }
    return out;
  } finally {
    await runner.shutdown();
  }
}
