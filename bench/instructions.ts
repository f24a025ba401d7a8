// `npm run bench:instructions`: are instruction counts the repeatable measure they
// are meant to be? On this machine, with a suite of JS bench functions (twelve
// kinds of work, each at N and 2N), a problem's JS and native variants (at n and
// 2n), and a planted copy of the suite that does 2% more work in every case:
//   - two runs of the suite read each case within 0.1%, also while a busy loop
//     keeps the other core busy;
//   - A/A: runs of the same suite compared as stored runs, and side by side as
//     `ab --measure instructions` does: no case is called faster or slower;
//   - the planted 2% is detected (slower) in every case, stored and side by side;
//   - work(2N)/work(N) reads 2 within 0.5%;
//   - the wall time per case, against a timed run of the same cases, and what
//     callgrind's cache simulation would add.
// Sizing through the environment: INSTR_RUNS (base runs, default 4, half of them
// with the other core busy), INSTR_PLANT (1.02), INSTR_CACHE_SIM (1 to time the
// cache simulation on a few cases; default 1).
import '../harness/measure/clock.ts';
import { installLoader } from '../harness/run/loader.mjs';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sideBySide } from '../harness/ab/side-by-side.ts';
import type { CaseResult, MeasuredCase, RunResult } from '../harness/model/types.ts';
import { run } from '../harness/run/run.ts';
import type { RunEvent } from '../harness/run/events.ts';
import { requireValgrind, startCountingRunner } from '../harness/runner/callgrind.ts';
import { runCounted } from '../harness/runner/counted-run.ts';
import { DEFAULT_INSTRUCTION_THRESHOLD, type CaseComparison } from '../harness/stats/compare.ts';
import { compare } from '../harness/store/compare-runs.ts';

// the timed run below loads the suite's problems in this process, where `assay` must resolve to this Assay
installLoader();

const RUNS = Math.max(2, Number(process.env.INSTR_RUNS ?? 4));
const PLANT = Number(process.env.INSTR_PLANT ?? 1.02);
const CACHE_SIM = (process.env.INSTR_CACHE_SIM ?? '1') === '1';
/**
 * Repetitions of each case's unit of work at size N; 2N doubles them; the planted
 * suite multiplies them by PLANT. Enough that a call's fixed cost (entering it,
 * setting up its loop) is a few tenths of a percent of it, so that 2N/N reads the
 * proportionality of the counts rather than that cost.
 */
const REPS = 200;

/** Twelve kinds of JS work, each a unit repeated `reps` times per call. */
const KINDS: Array<[string, string]> = [
  ['spin', 'let x = 0x9e3779b9 | 0; for (let r = 0; r < reps; r++) for (let i = 0; i < 200; i++) { x ^= x << 13; x ^= x >>> 17; x ^= x << 5; } return x;'],
  ['sum', 'let s = 0; for (let r = 0; r < reps; r++) for (let i = 0; i < 256; i++) s += data[i]!; return s;'],
  ['sqrt', 'let s = 0; for (let r = 0; r < reps; r++) for (let i = 1; i <= 100; i++) s += Math.sqrt(i + r); return s;'],
  ['map', 'let s = 0; for (let r = 0; r < reps; r++) for (let i = 0; i < 100; i++) s += table.get(i)!; return s;'],
  ['alloc', 'let last = null; for (let r = 0; r < reps; r++) for (let i = 0; i < 20; i++) last = { i, r, next: last }; return last;'],
  ['concat', "let n = 0; for (let r = 0; r < reps; r++) { let s = ''; for (const w of words) s += w; n += s.length; } return n;"],
  ['json', 'let n = 0; for (let r = 0; r < reps; r++) n += JSON.parse(text).length; return n;'],
  ['regex', "let n = 0; for (let r = 0; r < reps; r++) n += /(\\d+)-(\\d+)/.exec('order 1234-5678 shipped')![2]!.length; return n;"],
  ['sort', 'let n = 0; for (let r = 0; r < reps; r++) n += unsorted.slice().sort((a, b) => a - b)[0]!; return n;'],
  ['closure', 'let s = 0; for (let r = 0; r < reps; r++) for (const f of adders) s = f(s); return s;'],
  ['method', 'const v = new Vec(0, 0); for (let r = 0; r < reps; r++) for (let i = 0; i < 50; i++) v.add(unit); return v.x;'],
  ['typed', 'let s = 0; for (let r = 0; r < reps; r++) { scratch.fill(r); s += scratch.reduce((a, b) => a + b, 0); } return s;'],
];

function benchFile(scale: number): string {
  const lines = [
    "import { bench } from 'assay';",
    'const data = Float64Array.from({ length: 256 }, (_, i) => (i * 7919) % 1000);',
    'const table = new Map(Array.from({ length: 100 }, (_, i) => [i, i * 3]));',
    'const words = Array.from({ length: 20 }, (_, i) => `word${i} `);',
    "const text = JSON.stringify(Array.from({ length: 10 }, (_, i) => ({ id: i, name: `item${i}`, tags: ['a', 'b'] })));",
    'const unsorted = Array.from({ length: 64 }, (_, i) => (i * 7919) % 64);',
    'const adders = Array.from({ length: 50 }, (_, i) => (s: number) => s + i);',
    'class Vec { constructor(public x: number, public y: number) {} add(o: Vec) { this.x += o.x; this.y += o.y; } }',
    'const unit = new Vec(1, 2);',
    'const scratch = new Float64Array(128);',
  ];
  for (const [name, body] of KINDS) {
    lines.push(`function ${name}(reps: number) { ${body} }`);
    for (const [size, reps] of [['N', REPS], ['2N', 2 * REPS]] as const) lines.push(`bench('${name} ${size}', () => ${name}(${Math.round(reps * scale)}));`);
  }
  return `${lines.join('\n')}\n`;
}

/** A problem whose variants (and reference) repeat out = a·x + y `reps` times: JS and native, at n and 2n. */
function writeProblem(dir: string, scale: number): void {
  const reps = Math.round(REPS * scale);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    path.join(dir, 'problem.ts'),
    `import { defineProblem, mixedFloats } from 'assay';
export default defineProblem({
  name: 'axpy',
  description: 'out = a·x + y, written ${reps} times over',
  axes: { n: [1024, 2048] },
  tensors: [
    { name: 'a', role: 'input', dtype: 'f32', shape: [1] },
    { name: 'x', role: 'input', dtype: 'f32', shape: ['n'] },
    { name: 'y', role: 'input', dtype: 'f32', shape: ['n'] },
    { name: 'out', role: 'output', dtype: 'f32', shape: ['n'] },
  ],
  generate: (p, rng) => ({ a: Float32Array.of(rng.uniform(-2, 2)), x: mixedFloats(rng, p.n!), y: mixedFloats(rng, p.n!) }),
  tolerance: { atol: 1e-6, rtol: 1e-6, reason: 'a fused multiply-add may round once where the reference rounds twice' },
  work: { flops: '2*n*${reps}', bytes: '12*n*${reps}' },
  reference: 'reference.ts',
});
`,
  );
  const js = `import type { KernelFn } from 'assay';
const k: KernelFn = ({ a, x, y }, { out }) => {
  const s = a![0]!, xs = x!, ys = y!, o = out!;
  for (let r = 0; r < ${reps}; r++) for (let i = 0; i < xs.length; i++) o[i] = Math.fround(s * xs[i]!) + ys[i]!;
};
export default k;
`;
  writeFileSync(path.join(dir, 'reference.ts'), js);
  writeFileSync(path.join(dir, 'loop.ts'), js.replace('Math.fround(s * xs[i]!) + ys[i]!', 's * xs[i]! + ys[i]!'));
  writeFileSync(
    path.join(dir, 'loop.cc'),
    `#include <stdint.h>
extern "C" void kernel(const float* a, const float* x, const float* y, float* out, uint32_t n) {
  const float s = a[0];
  for (int r = 0; r < ${reps}; r++) for (uint32_t i = 0; i < n; i++) out[i] = s * x[i] + y[i];
}
`,
  );
}

const root = mkdtempSync(path.join(tmpdir(), 'assay-instructions-'));
const dirs = { base: path.join(root, 'base'), planted: path.join(root, 'planted') };
for (const [dir, scale] of [[dirs.base, 1], [dirs.planted, PLANT]] as const) {
  mkdirSync(dir);
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'instructions', private: true, type: 'module' }));
  writeFileSync(path.join(dir, 'work.bench.ts'), benchFile(scale));
  writeProblem(path.join(dir, 'kernels', 'axpy'), scale);
}
const selection = (dir: string) => ({ cwd: dir, paths: ['work.bench.ts'], kernelsDir: path.join(dir, 'kernels'), problems: ['axpy'], backends: ['js' as const, 'native' as const] });

/** A busy loop on the other core, for as long as `f` runs. */
async function withBusyCore<T>(f: () => Promise<T>): Promise<T> {
  const busy = spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' });
  try {
    return await f();
  } finally {
    busy.kill('SIGKILL');
  }
}

interface Timed {
  run: RunResult;
  wallS: number;
  /** Wall seconds of each case, from its start to its end. */
  caseS: Map<string, number>;
  startupS: number;
}

async function countedRun(dir: string, label: string): Promise<Timed> {
  const t0 = performance.now();
  const starts = new Map<string, number>();
  const caseS = new Map<string, number>();
  let first = Infinity;
  const onEvent = (e: RunEvent): void => {
    if (e.type === 'case-start' && !starts.has(e.ref.id)) {
      starts.set(e.ref.id, performance.now());
      first = Math.min(first, performance.now());
    }
    if (e.type === 'case-end') caseS.set(e.result.id, (performance.now() - (starts.get(e.result.id) ?? performance.now())) / 1000);
  };
  const r = await runCounted({ ...selection(dir), output: null, onEvent });
  const wallS = (performance.now() - t0) / 1000;
  const bad = r.cases.filter((c) => c.state !== 'measured');
  if (bad.length) throw new Error(`${label}: not measured: ${bad.map((c) => `${c.id} (${c.state === 'failed' ? c.error : c.state})`).join('; ')}`);
  process.stderr.write(`${label}: ${r.cases.length} cases in ${wallS.toFixed(0)} s\n`);
  return { run: r, wallS, caseS, startupS: (first - t0) / 1000 };
}

const medianOf = (c: CaseResult): number => (c as MeasuredCase).stats.median;
const pct = (x: number, digits = 3): string => `${(x * 100).toFixed(digits)}%`;

process.stderr.write(`bench:instructions: ${RUNS} base runs (${Math.floor(RUNS / 2)} with the other core busy), a planted ×${PLANT} run, A/A and planted side by side, in ${root}\n`);
const tAll = performance.now();
const base: Timed[] = [];
for (let i = 0; i < RUNS; i++) {
  const busy = i >= Math.ceil(RUNS / 2);
  base.push(busy ? await withBusyCore(() => countedRun(dirs.base, `base ${i + 1} (other core busy)`)) : await countedRun(dirs.base, `base ${i + 1}`));
}
const planted = await countedRun(dirs.planted, 'planted');

// side by side, as `assay ab --measure instructions` does: A/A, then A against the planted B
const valgrind = requireValgrind();
async function sideBySideOf(bDir: string): Promise<{ cases: CaseComparison[]; wallS: number }> {
  const t0 = performance.now();
  const [a, b] = await Promise.all([startCountingRunner(valgrind, { cwd: dirs.base, output: null }), startCountingRunner(valgrind, { cwd: bDir, output: null })]);
  try {
    const sel = selection(dirs.base);
    const selB = selection(bDir);
    const r = await sideBySide(a.client, b.client, {
      plan: { paths: sel.paths, kernelsDir: sel.kernelsDir, problems: sel.problems, backends: sel.backends },
      planB: { paths: selB.paths, kernelsDir: selB.kernelsDir, problems: selB.problems, backends: selB.backends },
    });
    return { cases: r.cases, wallS: (performance.now() - t0) / 1000 };
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
}
const abSame = await sideBySideOf(dirs.base);
process.stderr.write(`side by side A/A: ${abSame.wallS.toFixed(0)} s\n`);
const abPlanted = await sideBySideOf(dirs.planted);
process.stderr.write(`side by side planted: ${abPlanted.wallS.toFixed(0)} s\n`);

// the same cases timed, for how much slower counting is
const tTime = performance.now();
const timed = await run({ ...selection(dirs.base), measure: { budgetS: 0.5 } });
const timeWallS = (performance.now() - tTime) / 1000;

// what the cache simulation costs, on the first few cases
let cacheSim: { withS: number; withoutS: number; cases: number } | null = null;
if (CACHE_SIM) {
  const few = { paths: ['work.bench.ts'], filters: ['spin N', 'json N', 'alloc N', 'sort N'] };
  const once = async (extra: string[]): Promise<number> => {
    const r = await startCountingRunner(valgrind, { cwd: dirs.base, output: null, extraOptions: extra });
    try {
      const cases = await r.client.plan({ ...few, measure: { mode: 'instructions' } });
      const t0 = performance.now();
      for (const c of cases) await r.client.run(c.id);
      return (performance.now() - t0) / 1000;
    } finally {
      await r.close();
    }
  };
  cacheSim = { withoutS: await once([]), withS: await once(['--cache-sim=yes']), cases: 4 };
}

// ---- the figures
const ids = base[0]!.run.cases.map((c) => c.id);
const aa: CaseComparison[] = [];
for (let i = 0; i < base.length; i++) for (let j = i + 1; j < base.length; j++) aa.push(...compare(base[i]!.run, base[j]!.run).cases);
aa.push(...abSame.cases);
const plantedCmp: CaseComparison[] = [];
for (const b of base) plantedCmp.push(...compare(b.run, planted.run).cases);
plantedCmp.push(...abPlanted.cases);

/** The comparisons that missed their target, each with its ratio and interval. */
function exceptions(title: string, xs: CaseComparison[]): string[] {
  if (!xs.length) return [];
  return ['', `${title}:`, ...xs.map((c) => `- ${c.id}: ${c.verdict}, ratio ${c.ratio?.toFixed(4)} (CI ${c.ci?.map((x) => x.toFixed(4)).join(' … ')})`)];
}

const count = (xs: CaseComparison[], v: string): number => xs.filter((c) => c.verdict === v).length;
const rows: string[] = [];
rows.push('| case | instr per call | spread between runs | 2N / N | planted ratio | wall per case |', '|---|--:|--:|--:|--:|--:|');
let worstSpread = 0;
let worst2N = 0;
for (const id of ids) {
  const meds = base.map((b) => medianOf(b.run.cases.find((c) => c.id === id)!));
  const spread = Math.max(...meds) / Math.min(...meds) - 1;
  worstSpread = Math.max(worstSpread, spread);
  const twin = id.endsWith(' N') ? id.replace(/ N$/, ' 2N') : id.includes('[n=1024]') ? id.replace('[n=1024]', '[n=2048]') : null;
  let twice = '';
  if (twin) {
    const r2 = medianOf(base[0]!.run.cases.find((c) => c.id === twin)!) / meds[0]!;
    worst2N = Math.max(worst2N, Math.abs(r2 / 2 - 1));
    twice = r2.toFixed(4);
  }
  const pr = medianOf(planted.run.cases.find((c) => c.id === id)!) / meds[0]!;
  const wall = base.map((b) => b.caseS.get(id) ?? 0);
  rows.push(`| ${id} | ${Math.round(meds[0]!).toLocaleString('en-US')} | ${pct(spread)} | ${twice} | ${pr.toFixed(4)} | ${(wall.reduce((a, b) => a + b, 0) / wall.length).toFixed(1)} s |`);
}

const caseWall = base.flatMap((b) => [...b.caseS.values()]);
const meanCaseS = caseWall.reduce((a, b) => a + b, 0) / caseWall.length;
const timedCases = timed.cases.filter((c) => c.state === 'measured').length;
const out = [
  `## bench:instructions (${new Date().toISOString().slice(0, 10)}, ${base[0]!.run.machine.cpu.model}, ${base[0]!.run.machine.cpu.cores} cores, Node ${process.version}, ${base[0]!.run.machine.packages.valgrind})`,
  '',
  `Suite: ${ids.length} cases (${KINDS.length} kinds of JS bench function at N and 2N; a problem's JS reference, JS variant and native variant at n and 2n).`,
  `Runs: ${RUNS} base runs (the last ${Math.floor(RUNS / 2)} with a busy loop on the other core), one planted run (every case ×${PLANT} work), and two side-by-side sessions (A/A, and A against the planted B) with both cores counting at once.`,
  '',
  '| target | measured |',
  '|---|---|',
  `| two runs within 0.1% per case | largest spread of a case's median over the ${RUNS} runs: ${pct(worstSpread)} |`,
  `| A/A: no false faster/slower | ${aa.length} comparisons (${(RUNS * (RUNS - 1)) / 2} pairs of stored runs, and side by side): ${count(aa, 'faster')} faster, ${count(aa, 'slower')} slower, ${count(aa, 'same')} same, ${count(aa, 'inconclusive')} inconclusive, ${count(aa, 'failed') + count(aa, 'missing') + count(aa, 'new')} other |`,
  `| planted ${pct(PLANT - 1, 0)} detected in every case | ${plantedCmp.length} comparisons: ${count(plantedCmp, 'slower')} slower, ${count(plantedCmp, 'same')} same, ${count(plantedCmp, 'inconclusive')} inconclusive, ${count(plantedCmp, 'faster')} faster |`,
  `| work(2N)/work(N) = 2 within 0.5% | largest deviation from 2: ${pct(worst2N, 2)} |`,
  `| wall time | ${meanCaseS.toFixed(1)} s per case on average (${Math.min(...caseWall).toFixed(1)} … ${Math.max(...caseWall).toFixed(1)} s), plus ${(base.reduce((a, b) => a + b.startupS, 0) / base.length).toFixed(1)} s to start the runner under valgrind; a whole run of the ${ids.length} cases ${(base.reduce((a, b) => a + b.wallS, 0) / base.length).toFixed(0)} s, against ${timeWallS.toFixed(0)} s timed (budget 0.5 s, ${timedCases} cases) |`,
  `| side by side | A/A session ${abSame.wallS.toFixed(0)} s, planted session ${abPlanted.wallS.toFixed(0)} s, for both sides together |`,
  ...(cacheSim ? [`| cache simulation | ${cacheSim.cases} cases counted in ${cacheSim.withoutS.toFixed(1)} s without it, ${cacheSim.withS.toFixed(1)} s with --cache-sim=yes (×${(cacheSim.withS / cacheSim.withoutS).toFixed(2)}) |`] : []),
  `| noise band | ${pct(DEFAULT_INSTRUCTION_THRESHOLD, 1)} (the default threshold of instruction counts) |`,
  ...exceptions('A/A comparisons not `same`', aa.filter((c) => c.verdict !== 'same')),
  ...exceptions('planted comparisons not `slower`', plantedCmp.filter((c) => c.verdict !== 'slower')),
  '',
  ...rows,
  '',
  `Total ${((performance.now() - tAll) / 1000 / 60).toFixed(1)} min.`,
];
process.stdout.write(`${out.join('\n')}\n`);
rmSync(root, { recursive: true, force: true });
