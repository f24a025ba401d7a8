// Formatting for history reports: a figure in its unit (times in ns, instruction
// counts in instr, anything else as a number with its unit), a change as a
// signed percentage, a confidence, a short sha.
import { formatNs, sig } from './format.ts';

/** A figure in its unit: `1.23 µs` for ns, `4.56M instr` for instruction counts. */
export function formatFigure(v: number | null, unit: string | null): string {
  if (v === null || !Number.isFinite(v)) return '';
  if (unit === 'ns' || unit === null) return formatNs(v);
  const abs = Math.abs(v);
  const [x, p] = abs >= 1e9 ? [v / 1e9, 'G'] : abs >= 1e6 ? [v / 1e6, 'M'] : abs >= 1e3 ? [v / 1e3, 'k'] : [v, ''];
  return `${sig(x)}${p} ${unit}`;
}

/** `+5.1%`, `-12%`. */
export function formatChange(magnitude: number): string {
  const pct = magnitude * 100;
  const digits = Math.abs(pct) < 10 ? 1 : 0;
  return `${pct >= 0 ? '+' : '−'}${Math.abs(pct).toFixed(digits)}%`;
}

/** A confidence as a percentage with the nines that matter: `99.97%`. */
export function formatConfidence(c: number): string {
  if (c >= 1) return '>99.9999%';
  const nines = Math.min(6, Math.max(1, Math.ceil(-Math.log10(1 - c))));
  return `${(c * 100).toFixed(Math.max(0, nines - 2))}%`;
}

export function shortSha(sha: string | null): string {
  return sha ? sha.slice(0, 10) : '(no sha)';
}
