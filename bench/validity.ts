// `npm run bench:validity`: are the verdicts honest? On this machine, side by
// side, the ways Assay can compare identical code (A = A) and code with a
// planted slowdown (B's work scaled up):
//   - stored, 1 process: run A whole, then B whole, one process each, compared
//     unpaired (the stored baseline as it was);
//   - stored, K processes: each side measured in K processes (`--processes`,
//     the default when saving or comparing a baseline), the interval widened
//     to the spread of the process medians;
//   - interleaved: `assay ab`'s samples alternated between runner pairs;
//   - instructions: each side's instructions per call counted under callgrind
//     (`assay run --measure instructions`), stored and compared at that
//     mode's threshold, with a smaller planted slowdown (2%).
// It reports the false-positive rate (faster/slower called on A = A), the
// detection rate of the planted slowdown, and the wall time per verdict.
// Size through the environment: VALIDITY_SESSIONS (default 10) sessions,
// VALIDITY_SET (`own`: ten functions of five kinds at two sizes; `harness`: the
// twelve functions of bench:harness, which the stored target is checked on;
// VALIDITY_FUNCTIONS=name,name takes some of them),
// VALIDITY_TIME seconds of budget per case (default: Assay's default),
// VALIDITY_SLOWDOWN planted for interleaved (1.05) and VALIDITY_SLOWDOWN_STORED
// for stored (1.10) and VALIDITY_SLOWDOWN_COUNTED for instructions (1.02),
// VALIDITY_PROCESSES runner pairs when interleaved (ab's default),
// VALIDITY_STORED_PROCESSES processes per side when stored (the baseline
// default), VALIDITY_MODES (stored-1,stored-k,interleaved,instructions; the
// last needs valgrind, and is left out of the default when it is missing).
// Every verdict (ratio, interval, each process's own change) is also written
// as JSON to VALIDITY_JSON (default: a file in the temporary folder, named at
// the end), so that a run can be read again without measuring again.
import '../harness/measure/clock.ts';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_PROCESSES, interleave } from '../harness/ab/interleave.ts';
import { DEFAULT_BASELINE_PROCESSES, runInProcesses } from '../harness/runner/processes.ts';
import type { CaseResult } from '../harness/model/types.ts';
import { DEFAULT_BUDGET_S } from '../harness/measure/measure.ts';
import { requireValgrind } from '../harness/runner/callgrind.ts';
import { RunnerClient } from '../harness/runner/client.ts';
import { runCounted } from '../harness/runner/counted-run.ts';
import { mean } from '../harness/stats/summary.ts';
import { FUNCTIONS } from './harness/functions.ts';
import { compareCases, DEFAULT_INSTRUCTION_THRESHOLD, DEFAULT_THRESHOLD, type CaseComparison } from '../harness/stats/compare.ts';

const SESSIONS = Number(process.env.VALIDITY_SESSIONS ?? 10);
const CASES = Math.min(12, Number(process.env.VALIDITY_CASES ?? 12));
const SET = process.env.VALIDITY_SET ?? 'own';
/** The harness set's functions: VALIDITY_FUNCTIONS names them, comma-separated; else the first VALIDITY_CASES. */
const ONLY = (process.env.VALIDITY_FUNCTIONS ?? '').split(',').filter(Boolean);
const unknownFunction = ONLY.find((name) => !(name in FUNCTIONS));
if (unknownFunction) throw new Error(`VALIDITY_FUNCTIONS: no function "${unknownFunction}"; they are ${Object.keys(FUNCTIONS).join(', ')}`);
const HARNESS_NAMES = ONLY.length ? ONLY : Object.keys(FUNCTIONS).slice(0, CASES);
const BUDGET = Number(process.env.VALIDITY_TIME ?? DEFAULT_BUDGET_S);
const SLOWDOWN = Number(process.env.VALIDITY_SLOWDOWN ?? 1.05);
const SLOWDOWN_STORED = Number(process.env.VALIDITY_SLOWDOWN_STORED ?? 1.1);
const SLOWDOWN_COUNTED = Number(process.env.VALIDITY_SLOWDOWN_COUNTED ?? 1.02);
const PROCESSES = Number(process.env.VALIDITY_PROCESSES ?? DEFAULT_PROCESSES);
const STORED_PROCESSES = Number(process.env.VALIDITY_STORED_PROCESSES ?? DEFAULT_BASELINE_PROCESSES);
const ALL_MODES = ['stored-1', 'stored-k', 'interleaved', 'instructions'] as const;
type Mode = (typeof ALL_MODES)[number];
const hasValgrind = (): boolean => {
  try {
    return Boolean(requireValgrind());
  } catch {
    return false;
  }
};
const MODES = (process.env.VALIDITY_MODES ?? ALL_MODES.filter((m) => m !== 'instructions' || hasValgrind()).join(',')).split(',') as Mode[];
const unknownMode = MODES.find((m) => !ALL_MODES.includes(m));
if (unknownMode) throw new Error(`VALIDITY_MODES: no mode "${unknownMode}"; the modes are ${ALL_MODES.join(', ')}`);
/** The planted slowdown of each mode: what its threshold is meant to find. */
const PLANTED: Record<Mode, number> = { 'stored-1': SLOWDOWN_STORED, 'stored-k': SLOWDOWN_STORED, interleaved: SLOWDOWN, instructions: SLOWDOWN_COUNTED };
const FUNCTIONS_FILE = fileURLToPath(new URL('./harness/functions.ts', import.meta.url));

/** The bench file of the chosen set; `scale` multiplies the work of every function. */
function benchFile(scale: number): string {
  return SET === 'harness' ? harnessBenchFile(scale) : ownBenchFile(scale);
}

/** bench:harness's functions, none of which the verdicts were tuned on; the plant scales the work, not the data it looks up in. */
function harnessBenchFile(scale: number): string {
  return [
    "import { bench } from 'assay';",
    `import { FUNCTIONS } from ${JSON.stringify(FUNCTIONS_FILE)};`,
    `const names = ${JSON.stringify(HARNESS_NAMES)};`,
    `for (const name of names) bench(name, FUNCTIONS[name]!.make(Math.round(FUNCTIONS[name]!.n * ${scale}), FUNCTIONS[name]!.n));`,
    '',
  ].join('\n');
}

/** Ten bench functions of five kinds at two sizes. */
function ownBenchFile(scale: number): string {
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
const dirs = { same: path.join(root, 'a'), slow: path.join(root, 'b'), slowStored: path.join(root, 'c'), slowCounted: path.join(root, 'd') };
const SLOW_DIR: Record<Mode, string> = { 'stored-1': dirs.slowStored, 'stored-k': dirs.slowStored, interleaved: dirs.slow, instructions: dirs.slowCounted };
for (const [dir, scale] of [[dirs.same, 1], [dirs.slow, SLOWDOWN], [dirs.slowStored, SLOWDOWN_STORED], [dirs.slowCounted, SLOWDOWN_COUNTED]] as const) {
  mkdirSync(dir);
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'validity', private: true, type: 'module' }));
  writeFileSync(path.join(dir, 'work.bench.ts'), benchFile(scale));
}
const plan = { paths: ['work.bench.ts'], measure: { budgetS: BUDGET } };

interface Tally {
  verdicts: Array<CaseComparison & { session: number }>;
  wallMs: number;
}
const tallies = Object.fromEntries(ALL_MODES.flatMap((m) => (['null', 'planted'] as const).map((c) => [`${m}/${c}`, { verdicts: [], wallMs: 0 }]))) as unknown as Record<`${Mode}/${'null' | 'planted'}`, Tally>;

/** Stored, K processes: each side measured as `assay run --processes K` measures it, then compared. */
async function storedK(bDir: string): Promise<CaseComparison[]> {
  const side = async (dir: string): Promise<CaseResult[]> =>
    (await runInProcesses({ cwd: dir, paths: ['work.bench.ts'], processes: STORED_PROCESSES, measure: { budgetS: BUDGET } })).cases;
  const a = await side(dirs.same);
  const b = await side(bDir);
  return compareCases(a, b);
}

/** Stored, one process: A runs every case whole in its own process, then B does; the results are compared unpaired. */
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

/** Instructions: each side counted in its own runner under callgrind, as `assay run --measure instructions` does, then compared as stored runs are. */
async function counted(bDir: string): Promise<CaseComparison[]> {
  const side = async (dir: string): Promise<CaseResult[]> => (await runCounted({ cwd: dir, paths: ['work.bench.ts'], output: null })).cases;
  const a = await side(dirs.same);
  const b = await side(bDir);
  return compareCases(a, b, { threshold: DEFAULT_INSTRUCTION_THRESHOLD });
}

const RUN: Record<Mode, (bDir: string) => Promise<CaseComparison[]>> = { 'stored-1': stored, 'stored-k': storedK, interleaved, instructions: counted };
const t0 = performance.now();
for (let s = 0; s < SESSIONS; s++) {
  // the order of modes rotates, so none always runs first in a session
  const modes = MODES.map((_, i) => MODES[(i + s) % MODES.length]!);
  for (const cond of ['null', 'planted'] as const) {
    for (const mode of modes) {
      const start = performance.now();
      const bDir = cond === 'null' ? dirs.same : SLOW_DIR[mode];
      const cases = await RUN[mode](bDir);
      const t = tallies[`${mode}/${cond}`];
      t.wallMs += performance.now() - start;
      t.verdicts.push(...cases.map((c) => ({ ...c, session: s })));
      const counts = cases.map((c) => `${c.variant}:${c.verdict}${c.ratio ? `(${((c.ratio - 1) * 100).toFixed(1)}%)` : ''}`).join(' ');
      process.stderr.write(`session ${s + 1}/${SESSIONS} ${mode} ${cond}: ${counts}\n`);
    }
  }
}
rmSync(root, { recursive: true, force: true });
const jsonOut = process.env.VALIDITY_JSON ?? path.join(tmpdir(), `assay-validity-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
writeFileSync(jsonOut, JSON.stringify({ node: process.version, set: SET, sessions: SESSIONS, budget_s: BUDGET, planted: PLANTED, processes: PROCESSES, stored_processes: STORED_PROCESSES, tallies }, null, 1));
process.stderr.write(`every verdict: ${jsonOut}\n`);

const pct = (x: number, n: number): string => (n ? `${((100 * x) / n).toFixed(1)}%` : 'n/a');
const rows: string[] = [];
const LABEL: Record<Mode, string> = {
  'stored-1': 'stored, 1 process',
  'stored-k': `stored, ${STORED_PROCESSES} processes`,
  interleaved: `interleaved, ${PROCESSES} pairs`,
  instructions: `instructions, stored (±${(DEFAULT_INSTRUCTION_THRESHOLD * 100).toFixed(1)}%)`,
};
for (const mode of ALL_MODES.filter((m) => MODES.includes(m))) {
  const nul = tallies[`${mode}/null`];
  const pl = tallies[`${mode}/planted`];
  const fp = nul.verdicts.filter((c) => c.verdict === 'faster' || c.verdict === 'slower').length;
  const same = nul.verdicts.filter((c) => c.verdict === 'same').length;
  const det = pl.verdicts.filter((c) => c.verdict === 'slower').length;
  const wrong = pl.verdicts.filter((c) => c.verdict === 'faster').length;
  const perVerdict = (nul.wallMs + pl.wallMs) / (nul.verdicts.length + pl.verdicts.length) / 1000;
  rows.push(
    `| ${LABEL[mode]} | ×${PLANTED[mode]} | ${nul.verdicts.length} | ${fp} | **${pct(fp, nul.verdicts.length)}** | ${pct(same, nul.verdicts.length)} | ${pl.verdicts.length} | ${det} | **${pct(det, pl.verdicts.length)}** | ${wrong} | ${perVerdict.toFixed(2)} s |`,
  );
}
/** The median, over verdicts, of the standard deviation of the processes' (pairs') own changes, in %: what one process's luck moves. */
function processSpread(cs: CaseComparison[]): string {
  const sds = cs
    .map((c) => c.per_process?.map(Math.log))
    .filter((l): l is number[] => Array.isArray(l) && l.length > 1)
    .map((l) => {
      const m = mean(l);
      return Math.sqrt(l.reduce((a, b) => a + (b - m) ** 2, 0) / (l.length - 1));
    })
    .sort((a, b) => a - b);
  // the upper middle one of an even count, as the figures in docs/results.md were read
  return sds.length ? (100 * sds[Math.floor(sds.length / 2)]!).toFixed(1) : '–';
}
// per bench function, which shows the kinds of work whose speed a process's luck decides
const perCase: string[] = [];
for (const mode of ALL_MODES.filter((m) => MODES.includes(m))) {
  const names = [...new Set(tallies[`${mode}/null`].verdicts.map((c) => c.variant))];
  for (const name of names) {
    const nul = tallies[`${mode}/null`].verdicts.filter((c) => c.variant === name);
    const pl = tallies[`${mode}/planted`].verdicts.filter((c) => c.variant === name);
    const fp = nul.filter((c) => c.verdict === 'faster' || c.verdict === 'slower').length;
    const det = pl.filter((c) => c.verdict === 'slower').length;
    const spread = (cs: CaseComparison[]): string => cs.map((c) => (c.ratio ? `${((c.ratio - 1) * 100).toFixed(1)}` : '–')).join(' ');
    perCase.push(`| ${mode} | ${name} | ${fp}/${nul.length} | ${det}/${pl.length} | ${processSpread([...nul, ...pl])} | ${spread(nul)} | ${spread(pl)} |`);
  }
}
process.stdout.write(
  [
    `Node ${process.version}, ${SESSIONS} sessions × the ${SET} set of functions, budget ${BUDGET} s per case (per side), threshold ±${(DEFAULT_THRESHOLD * 100).toFixed(0)}%; ${((performance.now() - t0) / 60000).toFixed(1)} min in all.`,
    'Targets: stored (K processes) false positives ≤ 1% and a 10% slowdown detected ≥ 90%; interleaved false positives ≤ 1% and a 5% slowdown detected ≥ 95%. Instructions: no target of its own; it is the gate for machines whose time is too noisy for those.',
    '',
    '| mode | planted | A = A comparisons | called faster/slower | false-positive rate | called same | planted comparisons | called slower | detection | called faster | wall per verdict |',
    '|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
    ...rows,
    '',
    "Per bench function (changes in %, one per session; the spread is the median standard deviation, in %, of each process's or runner pair's own change):",
    '',
    '| mode | case | false positives | detected | spread between processes | changes, A = A | changes, planted |',
    '|---|---|--:|--:|--:|---|---|',
    ...perCase,
    '',
  ].join('\n'),
);
