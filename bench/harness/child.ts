// One measurement of one function by one tool, in a fresh process:
//   node --import tsx bench/harness/child.ts TOOL FUNCTION SIZE_FACTOR
// prints the median in ns per call as JSON. Assay is measured as `assay run`
// measures a bench function: the measuring core with the measuring clock.
import { measuringClock } from '../../harness/measure/clock.ts';
import { measure as assayMeasure, resolveMeasureOptions } from '../../harness/measure/measure.ts';
import { measure as mitataMeasure } from 'mitata';
import { Bench } from 'tinybench';
import { FUNCTIONS } from './functions.ts';

const [tool, name, factor] = process.argv.slice(2);
const spec = FUNCTIONS[name!];
if (!spec) throw new Error(`no function "${name}"`);
const fn = spec.make(spec.n * Number(factor ?? 1));
const budgetS = Number(process.env.HARNESS_TIME ?? 1);

let median: number;
if (tool === 'assay') {
  const m = await assayMeasure(name!, { fn, async: false }, resolveMeasureOptions({ budgetS }), measuringClock());
  median = m.stats.median;
} else if (tool === 'mitata') {
  median = (await mitataMeasure(fn)).p50;
} else if (tool === 'tinybench') {
  const bench = new Bench({ time: budgetS * 1000 });
  bench.add(name!, fn);
  await bench.run();
  const r = bench.tasks[0]!.result;
  if (r.state !== 'completed') throw new Error(`tinybench: ${r.state}`);
  median = r.latency.p50! * 1e6;
} else throw new Error(`no tool "${tool}"`);
process.stdout.write(`${JSON.stringify({ median })}\n`);
