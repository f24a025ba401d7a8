// `npm run bench:validity`: are the verdicts honest? On this machine, side by
// side, a stored baseline (run A whole, then B whole, compared unpaired) against
// the interleaved A/B (samples alternated, compared paired):
//   - the false-positive rate: cases called faster/slower when A and B are the same code;
//   - the detection rate of a planted 5% slowdown (B's work scaled by 1.05);
//   - the wall time per verdict.
// Size through the environment: VALIDITY_SESSIONS (default 10) sessions of
// VALIDITY_CASES (default 10, at most 10) bench functions each, VALIDITY_TIME
// seconds of budget per case (default: Assay's default), VALIDITY_SLOWDOWN (1.05),
// VALIDITY_PROCESSES runner processes per side when interleaved (default: ab's),
// VALIDITY_MODES (stored,interleaved) to run one mode alone.
import '../harness/measure/clock.ts';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEFAULT_PROCESSES, interleave } from '../harness/ab/interleave.ts';
import type { CaseResult } from '../harness/model/types.ts';
import { DEFAULT_BUDGET_S } from '../harness/measure/measure.ts';
import { RunnerClient } from '../harness/runner/client.ts';
import { compareCases, DEFAULT_THRESHOLD, type CaseComparison } from '../harness/stats/compare.ts';

const SESSIONS = Number(process.env.VALIDITY_SESSIONS ?? 10);
const CASES = Math.min(10, Number(process.env.VALIDITY_CASES ?? 10));
const BUDGET = Number(process.env.VALIDITY_TIME ?? DEFAULT_BUDGET_S);
const SLOWDOWN = Number(process.env.VALIDITY_SLOWDOWN ?? 1.05);
const PROCESSES = Number(process.env.VALIDITY_PROCESSES ?? DEFAULT_PROCESSES);
const MODES = (process.env.VALIDITY_MODES ?? 'stored,interleaved').split(',') as Array<'stored' | 'interleaved'>;

/** Ten bench functions of five kinds at two sizes; `scale` multiplies the work of every one. */
function benchFile(scale: number): string {
  const kinds = [
    ['spin', 'let x = 0x9e3779b9 | 0; for (let i = 0; i < n; i++) { x ^= x << 13; x ^= x >>> 17; x ^= x << 5; } return x;'],
    ['sum', 'let s = 0; for (let i = 0; i < n; i++) s += data[i & 4095]!; return s;'],
    ['sqrt', 'let s = 0; for (let i = 1; i <= n; i++) s += Math.sqrt(i); return s;'],
    ['map', 'let s = 0; for (let i = 0; i < n; i++) s += table.get(i & 1023)!; return s;'],
    ['alloc', 'let last = null; for (let i = 0; i < n; i++) last = { i, next: last }; return last;'],
  ] as const;
  const sizes = [2000, 100_000];
  const lines = [
    "import { bench } from 'assay';",
    'const data = Float64Array.from({ length: 4096 }, (_, i) => (i * 7919) % 1000);',
    'const table = new Map(Array.from({ length: 1024 }, (_, i) => [i, i * 3]));',
  ];
  let k = 0;
  for (const size of sizes) {
    for (const [name, body] of kinds) {
      if (k++ >= CASES) break;
      const n = Math.round(size * scale);
      lines.push(`function ${name}${size}(n: number) { ${body} }`, `bench('${name} ${size}', () => ${name}${size}(${n}));`);
    }
  }
  return `${lines.join('\n')}\n`;
}

const root = mkdtempSync(path.join(tmpdir(), 'assay-validity-'));
const dirs = { same: path.join(root, 'a'), slow: path.join(root, 'b') };
for (const [dir, scale] of [[dirs.same, 1], [dirs.slow, SLOWDOWN]] as const) {
  mkdirSync(dir);
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'validity', private: true, type: 'module' }));
  writeFileSync(path.join(dir, 'work.bench.ts'), benchFile(scale));
}
const plan = { paths: ['work.bench.ts'], measure: { budgetS: BUDGET } };

type Mode = 'stored' | 'interleaved';
interface Tally {
  verdicts: CaseComparison[];
  wallMs: number;
}
const tallies: Record<`${Mode}/${'null' | 'planted'}`, Tally> = {
  'stored/null': { verdicts: [], wallMs: 0 },
  'stored/planted': { verdicts: [], wallMs: 0 },
  'interleaved/null': { verdicts: [], wallMs: 0 },
  'interleaved/planted': { verdicts: [], wallMs: 0 },
};

/** Stored-baseline mode: A runs every case whole in its own process, then B does; the results are compared unpaired. */
async function stored(bDir: string): Promise<CaseComparison[]> {
  const runAll = async (dir: string): Promise<CaseResult[]> => {
    const r = await RunnerClient.start({ cwd: dir, output: null });
    try {
      const cases = await r.plan(plan);
      const out: CaseResult[] = [];
      for (const c of cases) out.push(await r.run(c.id));
      return out;
    } finally {
      await r.shutdown();
    }
  };
  const a = await runAll(dirs.same);
  const b = await runAll(bDir);
  return compareCases(a, b);
}

async function interleaved(bDir: string): Promise<CaseComparison[]> {
  const a: RunnerClient[] = [];
  const b: RunnerClient[] = [];
  for (let i = 0; i < PROCESSES; i++) {
    a.push(await RunnerClient.start({ cwd: dirs.same, output: null }));
    b.push(await RunnerClient.start({ cwd: bDir, output: null }));
  }
  try {
    return (await interleave(a, b, { plan })).cases;
  } finally {
    await Promise.all([...a, ...b].map((r) => r.shutdown()));
  }
}

const t0 = performance.now();
for (let s = 0; s < SESSIONS; s++) {
  // the order of modes alternates, so neither always runs first in a session
  const modes: Mode[] = (s % 2 === 0 ? ['stored', 'interleaved'] : ['interleaved', 'stored']).filter((m) => MODES.includes(m as Mode)) as Mode[];
  for (const cond of ['null', 'planted'] as const) {
    for (const mode of modes) {
      const start = performance.now();
      const cases = await (mode === 'stored' ? stored : interleaved)(cond === 'null' ? dirs.same : dirs.slow);
      const t = tallies[`${mode}/${cond}`];
      t.wallMs += performance.now() - start;
      t.verdicts.push(...cases);
      const counts = cases.map((c) => `${c.variant}:${c.verdict}${c.ratio ? `(${((c.ratio - 1) * 100).toFixed(1)}%)` : ''}`).join(' ');
      process.stderr.write(`session ${s + 1}/${SESSIONS} ${mode} ${cond}: ${counts}\n`);
    }
  }
}
rmSync(root, { recursive: true, force: true });

const pct = (x: number, n: number): string => (n ? `${((100 * x) / n).toFixed(1)}%` : 'n/a');
const rows: string[] = [];
for (const mode of (['stored', 'interleaved'] as const).filter((m) => MODES.includes(m))) {
  const nul = tallies[`${mode}/null`];
  const pl = tallies[`${mode}/planted`];
  const fp = nul.verdicts.filter((c) => c.verdict === 'faster' || c.verdict === 'slower').length;
  const same = nul.verdicts.filter((c) => c.verdict === 'same').length;
  const det = pl.verdicts.filter((c) => c.verdict === 'slower').length;
  const wrong = pl.verdicts.filter((c) => c.verdict === 'faster').length;
  const perVerdict = (nul.wallMs + pl.wallMs) / (nul.verdicts.length + pl.verdicts.length) / 1000;
  rows.push(
    `| ${mode === 'stored' ? 'stored baseline' : 'interleaved A/B'} | ${nul.verdicts.length} | ${fp} | **${pct(fp, nul.verdicts.length)}** | ${pct(same, nul.verdicts.length)} | ${pl.verdicts.length} | ${det} | **${pct(det, pl.verdicts.length)}** | ${wrong} | ${perVerdict.toFixed(2)} s |`,
  );
}
// per bench function, which shows the kinds of work whose speed a process's luck decides
const perCase: string[] = [];
for (const mode of (['stored', 'interleaved'] as const).filter((m) => MODES.includes(m))) {
  const names = [...new Set(tallies[`${mode}/null`].verdicts.map((c) => c.variant))];
  for (const name of names) {
    const nul = tallies[`${mode}/null`].verdicts.filter((c) => c.variant === name);
    const pl = tallies[`${mode}/planted`].verdicts.filter((c) => c.variant === name);
    const fp = nul.filter((c) => c.verdict === 'faster' || c.verdict === 'slower').length;
    const det = pl.filter((c) => c.verdict === 'slower').length;
    const spread = (cs: CaseComparison[]): string => cs.map((c) => (c.ratio ? `${((c.ratio - 1) * 100).toFixed(1)}` : '–')).join(' ');
    perCase.push(`| ${mode} | ${name} | ${fp}/${nul.length} | ${det}/${pl.length} | ${spread(nul)} | ${spread(pl)} |`);
  }
}
process.stdout.write(
  [
    `Node ${process.version}, ${SESSIONS} sessions × ${CASES} cases, interleaved with ${PROCESSES} runner process${PROCESSES === 1 ? '' : 'es'} per side, budget ${BUDGET} s per case (per side), threshold ±${(DEFAULT_THRESHOLD * 100).toFixed(0)}%, planted slowdown ×${SLOWDOWN}; ${((performance.now() - t0) / 60000).toFixed(1)} min in all.`,
    'Targets for interleaved A/B: false positives ≤ 1%, detection ≥ 95%.',
    '',
    '| mode | A = A comparisons | called faster/slower | false-positive rate | called same | A vs 1.05·A comparisons | called slower | detection | called faster | wall per verdict |',
    '|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
    ...rows,
    '',
    'Per bench function (changes in %, one per session):',
    '',
    '| mode | case | false positives | detected | changes, A = A | changes, A vs 1.05·A |',
    '|---|---|--:|--:|---|---|',
    ...perCase,
    '',
  ].join('\n'),
);
