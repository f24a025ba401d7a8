// `npm run bench:native`: matmul at n = 512 on one thread, side by side in one
// process: every js, native and onnx variant (through Assay's run(), so each is
// verified first; ONNX Runtime's MatMul is the onnx variant, on its CPU provider).
// Prints GFLOP/s per variant and the ratio to the best; the target is the best
// native variant at >= 0.5x ONNX Runtime's (MLAS) MatMul.
// BENCH_TIME sets the budget per case in seconds (default 3).
import '../harness/measure/clock.ts';
import { availabilityOf } from '../harness/backends/registry.ts';
import { run } from '../harness/run/run.ts';

const N = 512;
const FLOPS = 2 * N ** 3;
const budgetS = Number(process.env.BENCH_TIME ?? 3);
/** Case ids at n = 512 on one thread: variants without settings, and those with threads=1 (however the settings are ordered). */
const FILTERS = [`[n=${N}]`, `[n=${N},threads=1]`, `[n=${N},ep=cpu,threads=1]`, `[n=${N},threads=1,ep=cpu]`];

interface Row {
  name: string;
  kind: string;
  ns: number;
  ci: [number, number];
  note: string;
}

const rows: Row[] = [];
const result = await run({
  problems: ['matmul'],
  backends: ['js', 'native', 'onnx'],
  filters: FILTERS,
  measure: { budgetS, keepSamples: false },
  onEvent: (e) => {
    if (e.type === 'case-end') process.stderr.write(`${e.result.id}: ${e.result.state}\n`);
  },
});
for (const c of result.cases) {
  if (c.state !== 'measured') {
    process.stderr.write(`${c.id}: ${c.state}: ${c.state === 'failed' ? c.error : c.reason}\n`);
    continue;
  }
  const settings = c.settings ? Object.entries(c.settings).map(([k, v]) => `${k}=${v}`).join(',') : '';
  rows.push({ name: `${c.variant}${settings ? ` [${settings}]` : ''}`, kind: c.kind, ns: c.stats.median, ci: c.stats.ci, note: c.stats.noisy ? 'noisy' : '' });
}

const onnx = await availabilityOf('onnx');
if (!rows.some((r) => r.kind === 'onnx')) process.stderr.write(`onnx: no ONNX Runtime to compare with (${onnx.ok ? 'no onnx matmul variant was measured' : onnx.detail})\n`);

const best = Math.min(...rows.map((r) => r.ns));
rows.sort((p, q) => p.ns - q.ns);
const gf = (ns: number): string => (FLOPS / ns).toFixed(1);
const lines = [
  `matmul n=${N}, 1 thread, ${result.machine.cpu.model} (${result.machine.cpu.cores} cores), Node ${process.version}, clock ${result.machine.clock}, budget ${budgetS} s per case`,
  '',
  '| variant | kind | median | 95% CI | GFLOP/s | vs best |',
  '|---|---|--:|--:|--:|--:|',
  ...rows.map((r) => `| ${r.name} | ${r.kind} | ${(r.ns / 1e6).toFixed(3)} ms | ${(r.ci[0] / 1e6).toFixed(3)}–${(r.ci[1] / 1e6).toFixed(3)} ms | ${gf(r.ns)} | ${(best / r.ns).toFixed(3)}×${r.note ? ` (${r.note})` : ''} |`),
];
const bestOf = (kind: string): Row | undefined => rows.find((r) => r.kind === kind);
const nat = bestOf('native');
const ort = bestOf('onnx');
if (nat && ort) lines.push('', `best native / ONNX Runtime: ${(ort.ns / nat.ns).toFixed(2)}× (target ≥ 0.5×)`);
else if (nat) lines.push('', `best native: ${gf(nat.ns)} GFLOP/s (no ONNX Runtime to compare with; the reference point on this CPU is about 190 GFLOP/s)`);
process.stdout.write(`${lines.join('\n')}\n`);
