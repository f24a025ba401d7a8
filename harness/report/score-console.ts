// A score as people read it: the verdict and its reason, the speedups with
// their intervals, each measured point, the flags, every check, and the cost.
// Pure functions over Score and FolderScore.
import type { FolderScore, Score } from '../model/types.ts';
import { formatNs, formatThroughput, sig } from './format.ts';

const MARK = { passed: 'ok  ', failed: 'FAIL', unavailable: 'n/a ', skipped: '--  ' };

function interval(ci: [number, number]): string {
  return `[${sig(ci[0])}, ${sig(ci[1])}]`;
}

export function renderScore(s: Score): string {
  const out: string[] = [];
  out.push(`${s.candidate} (${s.kind ?? '?'}) for "${s.problem}": ${s.verdict.toUpperCase()}${s.verdict === 'accepted' ? '' : ` at the ${s.stage} stage`}`);
  if (s.reason) out.push(`  ${s.reason}`);
  if (s.location) out.push(`  at ${s.location.file}${s.location.line !== undefined ? `:${s.location.line}` : ''}${s.location.column !== undefined ? `:${s.location.column}` : ''}`);
  if (s.speedup) out.push(`  speedup ${sig(s.speedup.point)}× ${interval(s.speedup.ci)} over ${s.speedup.vs}`);
  if (s.speedup_best) out.push(`  speedup ${sig(s.speedup_best.point)}× ${interval(s.speedup_best.ci)} over the best built-in, ${s.speedup_best.vs}`);
  for (const c of s.cases) {
    const at = Object.entries(c.params).map(([k, v]) => `${k}=${v}`).join(',');
    out.push(
      `  ${at}: ${formatNs(c.median_ns)} per call [${formatNs(c.ci_ns[0])}, ${formatNs(c.ci_ns[1])}], ${sig(c.speedup)}× the reference (${formatNs(c.reference_median_ns)})` +
        `${c.speedup_best !== undefined ? `, ${sig(c.speedup_best)}× the best (${formatNs(c.best_median_ns!)})` : ''}; ${c.samples} samples of ${c.batch} calls${c.throughput ? `; ${formatThroughput(c.throughput)}` : ''}${c.noisy ? '; noisy' : ''}`,
    );
  }
  if (s.flags.length) out.push(`  flags: ${s.flags.join(', ')}`);
  out.push('  checks:');
  for (const c of s.checks) {
    const mark = c.unavailable ? MARK.unavailable : c.skipped ? MARK.skipped : c.passed ? MARK.passed : MARK.failed;
    out.push(`    ${mark} ${c.name}: ${c.detail}`);
  }
  const st = Object.entries(s.cost.stages)
    .map(([k, v]) => `${k} ${v.wall_s.toFixed(2)} s wall, ${v.cpu_s.toFixed(2)} s CPU${v.lock_wait_s ? ` (after ${v.lock_wait_s.toFixed(2)} s waiting for the lock)` : ''}`)
    .join('; ');
  out.push(`  cost: ${s.cost.wall_s.toFixed(2)} s wall, ${s.cost.cpu_s.toFixed(2)} s CPU${st ? ` (${st})` : ''}`);
  return `${out.join('\n')}\n`;
}

export function renderFolder(f: FolderScore): string {
  const rows = f.scores.map((s) => {
    const sp = s.speedup ? `${sig(s.speedup.point)}× ${interval(s.speedup.ci)}` : '';
    return `  ${s.verdict.padEnd(8)} ${s.candidate.padEnd(36)} ${sp.padEnd(24)} ${s.verdict === 'accepted' ? s.flags.join(', ') : (s.reason ?? '').slice(0, 100)}`;
  });
  return [
    `${f.scores.length} candidates for "${f.problem}" in ${f.folder}: ${f.counts.accepted} accepted, ${f.counts.rejected} rejected, ${f.counts.error} errors`,
    ...rows,
    `fast_1 ${(f.fast_p['1'] * 100).toFixed(0)}%, fast_1.5 ${(f.fast_p['1.5'] * 100).toFixed(0)}%, geometric-mean speedup of the accepted ${f.geomean_speedup === null ? '-' : `${sig(f.geomean_speedup)}×`}`,
    `cost: ${f.cost.wall_s.toFixed(1)} s wall, ${f.cost.cpu_s.toFixed(1)} s CPU`,
    '',
  ].join('\n');
}
