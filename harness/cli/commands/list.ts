// `assay list`: the problems, their variants and cases, bench files under the
// given paths, and which backends can run on this machine (and why not).
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ALL_KINDS, availabilityOf } from '../../backends/registry.ts';
import { axisPoints } from '../../core/problem.ts';
import { findBenchFiles, loadProblems, planBenchCases } from '../../core/suite.ts';
import { paramsText } from '../../report/format.ts';
import { parseOrUsage } from '../args.ts';

export async function listCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseOrUsage(
    () => parseArgs({ args, allowPositionals: true, options: { json: { type: 'boolean' } } }),
    'list',
  );
  const backends = await Promise.all(ALL_KINDS.map(async (kind) => ({ kind, ...(await availabilityOf(kind)) })));
  const problems = await loadProblems();
  const benches = positionals.length ? await planBenchCases(findBenchFiles(positionals), process.cwd()) : [];
  if (values.json) {
    const data = {
      backends,
      problems: problems.map((lp) => ({
        name: lp.problem.name,
        description: lp.problem.description,
        points: axisPoints(lp.problem.axes),
        variants: lp.variants.map((v) => ({ name: v.name, kind: v.kind, reference: v.isReference, file: path.relative(process.cwd(), v.file) })),
      })),
      bench: benches.map((b) => b.ref),
    };
    process.stdout.write(`${JSON.stringify(data, null, 2)}\n`);
    return 0;
  }
  const out: string[] = ['Backends on this machine:'];
  for (const b of backends) out.push(`  ${b.ok ? '✓' : '✗'} ${b.kind.padEnd(7)} ${b.detail}`);
  out.push('', 'Problems (variants × axis points = cases):');
  for (const lp of problems) {
    const points = axisPoints(lp.problem.axes);
    out.push(`  ${lp.problem.name} — ${lp.problem.description}`);
    out.push(`    points: ${points.map(paramsText).join(' | ')}`);
    for (const v of lp.variants) out.push(`    ${v.name.padEnd(18)} ${v.kind.padEnd(6)} ${v.isReference ? 'reference' : ''}`.trimEnd());
  }
  if (positionals.length) {
    out.push('', 'Bench files:');
    for (const b of benches) out.push(`  ${b.ref.id}`);
  }
  process.stdout.write(`${out.join('\n')}\n`);
  return 0;
}
