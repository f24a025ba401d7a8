// The console table of `assay model`: one row per (execution provider, threads,
// optimization level), with what ORT's perf_test reports (latency percentiles,
// throughput, session creation time, peak memory) in one readable place.
import type { RunResult } from '../model/types.ts';
import { formatNs, formatPercent, sig } from './format.ts';

export function renderModelTable(run: RunResult): string {
  const first = run.cases[0];
  const lines: string[] = [];
  if (first) {
    lines.push(`${first.problem}`);
    const inputs = first.details?.inputs;
    if (inputs !== undefined) lines.push(`  inputs: ${inputs}`);
    const defaulted = first.details?.defaulted_dims;
    if (defaulted !== undefined) lines.push(`  defaults: ${defaulted}; set them with --shape NAME=VALUE`);
  }
  const head = ['ep', 'threads', 'opt', 'median', '95% CI of median', 'p99', 'inferences/s', 'session', 'first run', 'peak RSS', 'state'];
  const rows: string[][] = run.cases.map((c) => {
    const d = c.details ?? {};
    const s = c.settings ?? {};
    const cells = [String(s.ep ?? ''), String(s.threads ?? ''), String(s.opt ?? '')];
    const ms = (v: unknown): string => (typeof v === 'number' ? `${sig(v)} ms` : '');
    if (c.state === 'measured') {
      const st = c.stats;
      cells.push(
        formatNs(st.median),
        `${formatNs(st.ci[0])} … ${formatNs(st.ci[1])} (±${formatPercent(st.rel_ci_half_width)})`,
        formatNs(st.p99),
        sig(1e9 / st.median),
        ms(d.session_ms),
        ms(d.first_run_ms),
        typeof d.peak_rss_mb === 'number' ? `${sig(d.peak_rss_mb)} MiB` : '',
        st.noisy ? `noisy (n=${st.n})` : `ok (n=${st.n})`,
      );
    } else {
      cells.push('', '', '', '', ms(d.session_ms), ms(d.first_run_ms), '', c.state === 'failed' ? `failed (${c.stage}): ${c.error}` : `skipped: ${c.reason}`);
    }
    return cells;
  });
  const widths = head.map((h, k) => Math.max(h.length, ...rows.map((r) => (k === head.length - 1 ? 0 : r[k]!.length))));
  const fmt = (r: string[]): string =>
    '  ' +
    r
      .map((cell, k) => (k === r.length - 1 ? cell : k >= 3 && k <= 9 ? cell.padStart(widths[k]!) : cell.padEnd(widths[k]!)))
      .join('  ')
      .trimEnd();
  lines.push(fmt(head), ...rows.map(fmt));
  const measured = run.cases.filter((c) => c.state === 'measured').length;
  lines.push(
    '',
    `${run.cases.length} case${run.cases.length === 1 ? '' : 's'}: ${measured} measured · budget ${run.config.budget_s}s per case · latency is one session.run() on bound inputs; peak RSS is the process's high-water mark so far · machine ${run.machine.id}`,
  );
  return `${lines.join('\n')}\n`;
}
