// Shared by the scoring tests: the smaller copy of matmul they score against,
// the fixtures' expected verdicts, and a session with small budgets.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readMetadataProps } from '../harness/backends/onnx/model-metadata.ts';
import { ScoringSession, type ScoreOptions } from '../harness/score/session.ts';

export const ADVERSARIAL = fileURLToPath(new URL('./fixtures/adversarial/', import.meta.url));
/** matmul at n = 48 and 128, with the built-in variants linked in. */
export const SMALL_KERNELS = path.join(ADVERSARIAL, 'kernels');

/** What a fixture expects of its score: `accepted`, or `rejected` at a named check, with words its reason holds. */
export interface Expectation {
  verdict: 'accepted' | 'rejected';
  check?: string;
  says?: string;
}

/** Reads `// @expect rejected: CHECK[: WORDS]` from a source's header, or `assay.expect` from a model's metadata. */
export function expectationOf(file: string): Expectation {
  const text = file.endsWith('.onnx') ? (readMetadataProps(readFileSync(file))['assay.expect'] ?? '') : (/@expect ([^\n]*)/.exec(readFileSync(file, 'utf8'))?.[1] ?? '');
  const [verdict, check, says] = text.split(':').map((s) => s.trim());
  if (verdict !== 'accepted' && verdict !== 'rejected') throw new Error(`${file}: no @expect line`);
  return { verdict, ...(check ? { check } : {}), ...(says ? { says } : {}) };
}

/** Small budgets: the verdicts, not the precision of the speedups, are under test. */
export const QUICK: ScoreOptions = { kernelsDir: SMALL_KERNELS, budgetS: 0.1, heldOut: 2, points: [{ n: 128 }], stageTimeoutS: 20 };

export function openSession(o: ScoreOptions = {}): Promise<ScoringSession> {
  return ScoringSession.open('matmul', { ...QUICK, ...o });
}

/** Compiles native fixtures two at a time, ahead of scoring them (each build stage then finds its library cached). */
export async function precompile(files: string[]): Promise<void> {
  const { compileKernel } = await import('../harness/backends/native/compile.ts');
  const { loadProblems } = await import('../harness/run/suite.ts');
  const spec = (await loadProblems(SMALL_KERNELS))[0]!.problem;
  const queue = files.filter((f) => f.endsWith('.cc'));
  const worker = async (): Promise<void> => {
    for (let f = queue.shift(); f; f = queue.shift()) await compileKernel(f, spec).catch(() => {});
  };
  await Promise.all([worker(), worker()]);
}
