// `assay problem show NAME [--json]`: a problem's signature, for people and agents.
import { parseArgs } from 'node:util';
import { describeProblem } from '../../run/describe.ts';
import { UsageError } from '../../model/errors.ts';
import { loadProblems } from '../../run/suite.ts';
import { paramsText } from '../../report/format.ts';
import { parseOrUsage } from '../args.ts';
import { DONE, type Outcome } from '../exit.ts';

export async function problemCommand(args: string[]): Promise<Outcome> {
  const { values, positionals } = parseOrUsage(
    () => parseArgs({ args, allowPositionals: true, options: { json: { type: 'boolean' } } }),
    'problem',
  );
  const [sub, name, ...extra] = positionals;
  if (sub !== 'show' || !name || extra.length) throw new UsageError('usage: assay problem show NAME [--json]');
  const problems = await loadProblems();
  const lp = problems.find((p) => p.problem.name === name);
  if (!lp) throw new UsageError(`unknown problem "${name}"; known problems: ${problems.map((p) => p.problem.name).join(', ')}`);
  const d = describeProblem(lp);
  if (values.json) {
    process.stdout.write(`${JSON.stringify(d, null, 2)}\n`);
    return DONE;
  }
  const out = [
    `${d.name}: ${d.description}`,
    '',
    'Axes (cases are the cartesian product):',
    ...Object.entries(d.axes).map(([k, v]) => `  ${k}: ${v.join(', ')}`),
    '',
    'Tensors (in order; inputs first):',
    ...d.tensors.map((t) => `  ${t.role.padEnd(6)} ${t.name.padEnd(6)} ${t.dtype}[${t.shape.join(', ')}]`),
    '',
    `Tolerance: atol ${d.tolerance.atol}, rtol ${d.tolerance.rtol}  (${d.tolerance.rule})`,
    `  why: ${d.tolerance.reason}`,
    '',
    `Work model: flops ${d.work.flops}, bytes ${d.work.bytes}`,
    ...d.work.at.map((w) => `  ${paramsText(w.params)}: ${w.flops.toExponential(3)} flop, ${w.bytes.toExponential(3)} B`),
    '',
    `Variants (reference: ${d.reference}):`,
    ...d.variants.map((v) => `  ${v.name.padEnd(18)} ${v.kind}`),
    '',
    'Candidate formats (one file; see docs/candidates.md):',
    `  js      ${d.candidate.js}`,
    `  native  a C or C++ source that defines:`,
    `            ${d.candidate.native}`,
    `  wgsl    entry point "main", with ${d.candidate.wgsl.dispatch}, and these bindings:`,
    ...d.candidate.wgsl.declarations.split('\n').map((l) => `            ${l}`),
    `  onnx    ${d.candidate.onnx}`,
  ];
  process.stdout.write(`${out.join('\n')}\n`);
  return DONE;
}
