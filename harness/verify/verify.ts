// Verification of a problem variant at one axis point: poison the outputs, run
// on seeded inputs, check the inputs were left alone, compare with the
// reference's outputs. Any backend's prepared kernel can be verified this way.
import { allocateTensors, formatParams, toleranceAt } from '../problem/define.ts';
import type { Params, ProblemSpec, Tensors, VerifyReport } from '../model/types.ts';
import { compareOutputs, mergeReports } from './compare.ts';
import { firstChanged, poison, snapshot } from './poison.ts';

/** A kernel ready to run on given tensors, as a backend prepares it. */
export type KernelRunner = (inputs: Tensors, outputs: Tensors, params: Params) => unknown;

/** The seeded inputs of one axis point and the reference's outputs on them. */
export interface Expectation {
  params: Params;
  inputs: Tensors;
  expected: Tensors;
}

export interface VerifyOutcome {
  report: VerifyReport;
  /** A sentence saying what went wrong, when verification failed. */
  message?: string;
}

/** Runs a kernel on fresh, poisoned outputs and returns them. Awaits async kernels. */
export async function runOnce(spec: ProblemSpec, run: KernelRunner, inputs: Tensors, params: Params): Promise<Tensors> {
  const outputs = allocateTensors(spec, params, 'output');
  poison(outputs);
  await run(inputs, outputs, params);
  return outputs;
}

/** Verifies a kernel at one point. Errors thrown by the kernel propagate. */
export async function verifyAt(spec: ProblemSpec, run: KernelRunner, exp: Expectation): Promise<VerifyOutcome> {
  const before = snapshot(exp.inputs);
  const got = await runOnce(spec, run, exp.inputs, exp.params);
  const where = `at ${formatParams(exp.params)}`;
  const changed = firstChanged(exp.inputs, before);
  if (changed) {
    // restore, so the next case sees the original inputs
    for (const [k, v] of Object.entries(before)) exp.inputs[k]!.set(v as never);
    const report: VerifyReport = { passed: false, max_abs_err: NaN, max_rel_err: NaN, points: 1 };
    return { report, message: `modified its input "${changed}" ${where}; inputs are read-only` };
  }
  const tol = toleranceAt(spec, exp.params);
  const report = compareOutputs(got, exp.expected, tol);
  if (report.passed) return { report };
  const b = report.first_bad!;
  const message =
    `wrong output ${where}: ${b.tensor}[${b.index}] = ${b.got}, expected ${b.want} ` +
    `(max abs err ${fmt(report.max_abs_err)}, max rel err ${fmt(report.max_rel_err)}; ` +
    `tolerance atol ${fmt(tol.atol)} + rtol ${fmt(tol.rtol)}·|expected|)`;
  return { report, message };
}

/** Verifies at every given point; stops at the first failing point. */
export async function verifyAll(spec: ProblemSpec, run: KernelRunner, points: Expectation[]): Promise<VerifyOutcome> {
  const reports: VerifyReport[] = [];
  for (const p of points) {
    const o = await verifyAt(spec, run, p);
    reports.push(o.report);
    if (!o.report.passed) return { report: mergeReports(reports), message: o.message! };
  }
  return { report: mergeReports(reports) };
}

function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  return x !== 0 && (Math.abs(x) < 1e-3 || Math.abs(x) >= 1e6) ? x.toExponential(2) : String(Number(x.toPrecision(3)));
}
