// Number formatting shared by the reporters: durations and instruction counts
// with units, rates, ratios.
import type { CaseResult, RunResult, SampleStats, Throughput } from '../model/types.ts';

/** A duration in ns as a short string with a unit chosen for it: `812 ps`, `1.23 µs`, `45.6 ms`. */
export function formatNs(ns: number): string {
  if (!Number.isFinite(ns)) return String(ns);
  const abs = Math.abs(ns);
  const [v, unit] = abs < 1 ? [ns * 1000, 'ps'] : abs < 1e3 ? [ns, 'ns'] : abs < 1e6 ? [ns / 1e3, 'µs'] : abs < 1e9 ? [ns / 1e6, 'ms'] : [ns / 1e9, 's'];
  return `${sig(v)} ${unit}`;
}

/**
 * An instruction count: whole below ten million (`946 instr`, `15,008 instr`),
 * where a change of 0.1% must still show; four significant figures above it (`12.35M instr`).
 */
export function formatInstr(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const abs = Math.abs(n);
  if (abs < 1e7) return `${Math.round(n).toLocaleString('en-US')} instr`;
  const [v, unit] = abs < 1e9 ? [n / 1e6, 'M'] : [n / 1e9, 'G'];
  return `${v.toPrecision(4)}${unit} instr`;
}

/** A figure per call in its unit: a duration, or an instruction count. */
export function formatValue(x: number, unit: SampleStats['unit']): string {
  return unit === 'instr' ? formatInstr(x) : formatNs(x);
}

/** How a run measured, for the summary line: its budget per case, or that it counted instructions. */
export function measuredText(run: RunResult): string {
  return run.config.measure === 'instructions' ? 'instructions per call, counted under callgrind' : `budget ${run.config.budget_s}s per case`;
}

/** Three significant figures, without exponent notation. */
export function sig(x: number): string {
  if (x === 0) return '0';
  const digits = Math.max(0, 2 - Math.floor(Math.log10(Math.abs(x))));
  return x.toFixed(Math.min(digits, 6));
}

export function formatPercent(frac: number): string {
  return `${(frac * 100).toFixed(frac < 0.1 ? 1 : 0)}%`;
}

/** GFLOP/s and GB/s, whichever the work model gives. */
export function formatThroughput(t: Throughput | undefined): string {
  if (!t) return '';
  const parts: string[] = [];
  if (t.gflops !== undefined) parts.push(`${sig(t.gflops)} GFLOP/s`);
  if (t.gbps !== undefined) parts.push(`${sig(t.gbps)} GB/s`);
  return parts.join(', ');
}

export function formatSpeedup(s: number | undefined): string {
  return s === undefined ? '' : `${sig(s)}×`;
}

/** The state column: `ok`, `noisy`, `failed` or `skipped`, with the short reason. */
export function stateText(r: CaseResult): string {
  switch (r.state) {
    case 'measured': {
      const o = r.stats.outliers;
      const nOut = o.low_mild + o.low_severe + o.high_mild + o.high_severe;
      const spread = `CI ±${formatPercent(r.stats.rel_ci_half_width)}`;
      const notes = [r.stats.noisy ? `noisy: ${r.stats.unit === 'instr' ? `the counts differ between samples (${spread})` : `${spread} when the budget ran out`}` : 'ok'];
      if (nOut) notes.push(`${nOut} outlier${nOut === 1 ? '' : 's'} of ${r.stats.n}`);
      return notes.join(', ');
    }
    case 'failed':
      return `failed: ${r.error}`;
    case 'skipped':
      return `skipped: ${r.reason}`;
  }
}

/** `n=512 rows=3` for display. */
export function paramsText(params: Record<string, string | number>): string {
  return Object.entries(params)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
}
