// The rows every tabular reporter shows for a run, grouped by problem (or bench
// file), computed once so the console and markdown reporters agree.
import type { CaseResult, RunResult } from '../model/types.ts';
import { formatPercent, formatSpeedup, formatThroughput, formatValue, paramsText, stateText } from './format.ts';

export interface Row {
  variant: string;
  params: string;
  median: string;
  ci: string;
  throughput: string;
  speedup: string;
  state: string;
  result: CaseResult;
}

export interface Group {
  title: string;
  rows: Row[];
}

export function tableGroups(run: RunResult): Group[] {
  const groups = new Map<string, Group>();
  for (const r of run.cases) {
    let g = groups.get(r.problem);
    if (!g) groups.set(r.problem, (g = { title: r.problem, rows: [] }));
    const m = r.state === 'measured' ? r.stats : null;
    g.rows.push({
      variant: r.variant,
      // a variant's own settings (threads=2) tell its cases apart, so they show beside the axes
      params: paramsText({ ...r.params, ...r.settings }),
      median: m ? formatValue(m.median, m.unit) : '',
      ci: m ? `${formatValue(m.ci[0], m.unit)} … ${formatValue(m.ci[1], m.unit)} (±${formatPercent(m.rel_ci_half_width)})` : '',
      throughput: m ? formatThroughput(m.throughput) : '',
      speedup: r.state === 'measured' ? formatSpeedup(r.speedup) : '',
      state: stateText(r),
      result: r,
    });
  }
  return [...groups.values()];
}

/** Counts of each state, for the summary line. */
export function stateCounts(run: RunResult): { measured: number; noisy: number; failed: number; skipped: number } {
  const c = { measured: 0, noisy: 0, failed: 0, skipped: 0 };
  for (const r of run.cases) {
    c[r.state]++;
    if (r.state === 'measured' && r.stats.noisy) c.noisy++;
  }
  return c;
}
