// Comparing a variant's outputs with the reference's, element by element, under
// the problem's tolerance: |got - want| <= atol + rtol * |want|.
import type { Tensors, VerifyReport } from '../model/types.ts';

export interface ToleranceValues {
  atol: number;
  rtol: number;
}

/** Compares every output tensor; NaN where a number was expected always fails. */
export function compareOutputs(got: Tensors, want: Tensors, tol: ToleranceValues): VerifyReport {
  let maxAbs = 0;
  let maxRel = 0;
  let firstBad: VerifyReport['first_bad'];
  for (const [name, w] of Object.entries(want)) {
    const g = got[name];
    if (!g || g.length !== w.length) {
      return {
        passed: false,
        max_abs_err: Infinity,
        max_rel_err: Infinity,
        first_bad: { tensor: name, index: 0, got: g ? g.length : NaN, want: w.length },
        points: 1,
      };
    }
    for (let i = 0; i < w.length; i++) {
      const wi = w[i]!;
      const gi = g[i]!;
      const abs = Math.abs(gi - wi);
      // NaN compares false everywhere, so test for "not within" rather than "beyond"
      const ok = abs <= tol.atol + tol.rtol * Math.abs(wi) || (Number.isNaN(wi) && Number.isNaN(gi));
      const err = Number.isNaN(abs) ? Infinity : abs;
      if (err > maxAbs) maxAbs = err;
      // relative error is reported where it means something: against expectations larger
      // than atol (below it, as for tiny or subnormal values, the absolute bound rules)
      if (Math.abs(wi) > tol.atol && wi !== 0 && err / Math.abs(wi) > maxRel) maxRel = err / Math.abs(wi);
      if (!ok && !firstBad) firstBad = { tensor: name, index: i, got: gi, want: wi };
    }
  }
  const report: VerifyReport = { passed: !firstBad, max_abs_err: maxAbs, max_rel_err: maxRel, points: 1 };
  if (firstBad) report.first_bad = firstBad;
  return report;
}

/** Folds the reports of several axis points into one: worst errors, first failure. */
export function mergeReports(reports: VerifyReport[]): VerifyReport {
  const out: VerifyReport = { passed: true, max_abs_err: 0, max_rel_err: 0, points: 0 };
  for (const r of reports) {
    out.passed &&= r.passed;
    out.max_abs_err = Math.max(out.max_abs_err, r.max_abs_err);
    out.max_rel_err = Math.max(out.max_rel_err, r.max_rel_err);
    out.points += r.points;
    if (r.first_bad && !out.first_bad) out.first_bad = r.first_bad;
  }
  return out;
}
