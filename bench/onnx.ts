// `npm run bench:onnx`: ONNX Runtime's MatMul at n = 512 on 1 and 2 intra-op
// threads, side by side with every JS variant (and native variants where that
// backend is part of the build), measured in one Assay run() in one process.
// Prints GFLOP/s and each case's ratio to the best JS variant, as markdown.
import '../harness/measure/clock.ts';
import { run } from '../harness/run/run.ts';
import type { MeasuredCase } from '../harness/model/types.ts';
import { availabilityOf } from '../harness/backends/registry.ts';

const N = Number(process.env.BENCH_N ?? 512);
const BUDGET_S = Number(process.env.BENCH_TIME ?? 3);

const native = await availabilityOf('native');
const result = await run({
  problems: ['matmul'],
  filters: [`[n=${N}`],
  backends: native.ok ? ['js', 'onnx', 'native'] : ['js', 'onnx'],
  measure: { budgetS: BUDGET_S, keepSamples: false },
  onEvent: (e) => {
    if (e.type === 'case-end') process.stderr.write(`${e.result.id}: ${e.result.state}\n`);
  },
});

const measured = result.cases.filter((c): c is MeasuredCase => c.state === 'measured');
const failed = result.cases.filter((c) => c.state !== 'measured');
const bestJs = measured.filter((c) => c.kind === 'js').sort((a, b) => a.stats.median - b.stats.median)[0];
if (!bestJs) throw new Error('no JS variant of matmul was measured');
const label = (c: MeasuredCase): string => `${c.variant}${c.settings ? ` (${Object.entries(c.settings).map(([k, v]) => `${k}=${v}`).join(', ')})` : ''}`;
const ms = (ns: number): string => (ns / 1e6).toFixed(3);
const rows = measured
  .sort((a, b) => a.stats.median - b.stats.median)
  .map((c) => `| ${c.kind} | ${label(c)} | ${ms(c.stats.median)} | ${ms(c.stats.ci[0])} … ${ms(c.stats.ci[1])} | ${(c.stats.throughput?.gflops ?? 0).toFixed(1)} | ${(bestJs.stats.median / c.stats.median).toFixed(2)}× |`);

process.stdout.write(
  [
    `matmul n=${N}, fp32; ${result.machine.cpu.model}, ${result.machine.cpu.cores} cores, Node ${result.machine.node}, onnxruntime-node ${result.machine.packages['onnxruntime-node'] ?? '?'}; budget ${BUDGET_S} s per case.`,
    native.ok ? '' : `native: not measured (${native.detail})`,
    '',
    '| kind | variant | median ms | 95% CI ms | GFLOP/s | vs best JS |',
    '|---|---|--:|--:|--:|--:|',
    ...rows,
    '',
    ...failed.map((c) => `${c.id}: ${c.state === 'failed' ? `failed: ${c.error}` : `skipped: ${c.state === 'skipped' ? c.reason : ''}`}`),
  ]
    .filter((l, i) => l !== '' || i > 1)
    .join('\n') + '\n',
);
