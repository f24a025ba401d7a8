// How fast `assay score` scores, and how tight its speedups are, at the default
// budget: a folder of WGSL matmul candidates (honest ones: tiled and
// register-blocked kernels, each file different) scored in one session, as
// `assay score --problem matmul DIR/` does. Reports candidates per minute and
// the speedup's 95% CI half-width per candidate. Target: at least 20 per minute
// on 2 cores, with the CI within ±5%.
//
//   flock /tmp/assay-heavy.lock npm run bench:score      (BENCH_N candidates, 12 by default)
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { scoreFolder } from '../harness/score/folder.ts';
import { DEFAULT_SCORE_BUDGET_S } from '../harness/score/session.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const N = Number(process.env.BENCH_N ?? 12);
const SOURCES = ['test/fixtures/adversarial/matmul/honest-tiled.wgsl', 'kernels/matmul/tiled.wgsl', 'kernels/matmul/register-blocked.wgsl'].map((f) => path.join(ROOT, f));

const dir = mkdtempSync(path.join(os.tmpdir(), 'assay-bench-score-'));
for (let i = 0; i < N; i++) {
  const src = SOURCES[i % SOURCES.length]!;
  // a different file each time (a comment), so no candidate is a copy of another
  writeFileSync(path.join(dir, `cand-${String(i).padStart(2, '0')}.wgsl`), `// candidate ${i}, from ${path.basename(src)}\n${readFileSync(src, 'utf8')}`);
}

const t0 = performance.now();
const f = await scoreFolder('matmul', dir, { onScore: (s) => process.stderr.write(`  ${s.candidate.split('/').pop()}: ${s.verdict}${s.reason ? ` (${s.reason.slice(0, 120)})` : ''}\n`) });
const wallS = (performance.now() - t0) / 1000;
rmSync(dir, { recursive: true, force: true });

const half = (ci: [number, number], x: number): number => ((ci[1] - ci[0]) / 2 / x) * 100;
const rows = f.scores.map((s) => {
  const st = s.cost.stages;
  return {
    candidate: s.candidate.split('/').pop(),
    verdict: s.verdict,
    speedup: s.speedup ? `${s.speedup.point.toFixed(2)}x ±${half(s.speedup.ci, s.speedup.point).toFixed(1)}%` : '-',
    over_best: s.speedup_best ? `${s.speedup_best.point.toFixed(2)}x ±${half(s.speedup_best.ci, s.speedup_best.point).toFixed(1)}%` : '-',
    build_s: st.build?.wall_s.toFixed(2),
    verify_s: st.verify?.wall_s.toFixed(2),
    measure_s: st.measure?.wall_s.toFixed(2),
  };
});
console.table(rows);
const widths = f.scores.filter((s) => s.speedup).map((s) => half(s.speedup!.ci, s.speedup!.point));
const sorted = [...widths].sort((a, b) => a - b);
const med = sorted[Math.floor(sorted.length / 2)] ?? NaN;
const perMin = (f.scores.length / wallS) * 60;
console.log(
  `\n${f.scores.length} WGSL matmul candidates in ${wallS.toFixed(1)} s (including the session's start): ${perMin.toFixed(1)} per minute ` +
    `at the default budget (${DEFAULT_SCORE_BUDGET_S} s per measured point); ${f.counts.accepted} accepted.\n` +
    `speedup CI half-width: median ±${med.toFixed(1)}%, widest ±${(sorted[sorted.length - 1] ?? NaN).toFixed(1)}%; ` +
    `${widths.filter((w) => w <= 5).length} of ${widths.length} within ±5%. Machine: ${os.cpus().length} cores, load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')} at the end.`,
);
console.log(`target: >= 20 per minute, CI within ±5%: ${perMin >= 20 && med <= 5 ? 'met' : 'not met'}`);
