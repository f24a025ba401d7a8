// `npm run bench:harness`: what Assay, tinybench (defaults) and mitata report,
// side by side in one process, for an empty function and for work(N) against
// work(2N), whose true ratio is 2.0. Prints a markdown table for docs/results.md.
import '../harness/measure/clock.ts';
import { measure as mitataMeasure } from 'mitata';
import { Bench } from 'tinybench';
import { hrtimeClock } from '../harness/measure/clock.ts';
import { measure, resolveMeasureOptions } from '../harness/measure/measure.ts';

const N = Number(process.env.WORK_N ?? 2000);

/** A loop whose time is proportional to n: xorshift steps carry a dependency from one to the next. */
function makeWork(): (n: number) => number {
  return (n: number): number => {
    let x = 0x9e3779b9 | 0;
    for (let i = 0; i < n; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
    }
    return x;
  };
}

interface Reading {
  ns: number;
  wallMs: number;
  detail: string;
}

type Tool = (fn: () => unknown) => Promise<Reading>;

const tools: Record<string, Tool> = {
  async assay(fn) {
    const t0 = performance.now();
    const m = await measure('x', { fn, async: false }, resolveMeasureOptions(), hrtimeClock);
    return {
      ns: m.stats.median,
      wallMs: performance.now() - t0,
      detail: `median, ${m.stats.n} samples × ${m.stats.batch}, CI ±${(m.stats.rel_ci_half_width * 100).toFixed(2)}%`,
    };
  },
  async 'tinybench (defaults)'(fn) {
    const t0 = performance.now();
    const bench = new Bench();
    bench.add('x', fn);
    await bench.run();
    const r = bench.tasks[0]!.result;
    if (r.state !== 'completed') throw new Error(`tinybench: ${r.state}`);
    return { ns: r.latency.p50! * 1e6, wallMs: performance.now() - t0, detail: `p50, ${r.latency.samplesCount} samples` };
  },
  async mitata(fn) {
    const t0 = performance.now();
    const s = await mitataMeasure(fn);
    return { ns: s.p50, wallMs: performance.now() - t0, detail: `p50, ${s.samples.length} samples` };
  },
};

const fmt = (ns: number): string => (ns < 10 ? ns.toFixed(2) : ns < 1000 ? ns.toFixed(1) : ns.toFixed(0));
const rows: string[] = [];
for (const [name, tool] of Object.entries(tools)) {
  const empty = await tool(() => {});
  const work = makeWork();
  const one = await tool(() => work(N));
  const two = await tool(() => work(2 * N));
  const ratio = two.ns / one.ns;
  rows.push(
    `| ${name} | ${fmt(empty.ns)} | ${fmt(one.ns)} | ${fmt(two.ns)} | ${ratio.toFixed(3)} | ${(((ratio - 2) / 2) * 100).toFixed(2)}% | ${((empty.wallMs + one.wallMs + two.wallMs) / 1000).toFixed(1)} s | ${empty.detail} |`,
  );
  process.stderr.write(`${name} done\n`);
}

process.stdout.write(
  [
    `Node ${process.version}, N = ${N}; times in ns per call. Targets: empty ≤ 2 ns, ratio within 2% of 2.000.`,
    '',
    '| tool | empty fn | work(N) | work(2N) | ratio | error | wall | how the empty fn was read |',
    '|---|--:|--:|--:|--:|--:|--:|---|',
    ...rows,
    '',
  ].join('\n'),
);
