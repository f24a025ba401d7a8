// `npm run bench:harness`: a cross-check of Assay's measuring loop against
// mitata and tinybench, side by side in one run, on every supported Node
// version that is installed (scripts/with-node.sh puts 22 and 24 in .assay/node/).
// For each of the functions in harness/functions.ts, each tool measures f(N) and
// f(2N), each measurement in a fresh process; Assay also measures f(N) in five
// processes, for the spread of its medians between processes. Targets, on every
// function and every version: Assay's median within ±5% of mitata's; the ratio
// f(2N)/f(N) within 1% of mitata's; Assay's five medians within ±3% of each other.
// Prints one markdown table per Node version.
// HARNESS_NODES=20,22,24 picks the versions; HARNESS_TIME the budget (s) per measurement;
// HARNESS_FUNCTIONS a comma list of function names.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FUNCTIONS } from './harness/functions.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CHILD = path.join(ROOT, 'bench', 'harness', 'child.ts');
const SPREAD_PROCESSES = 5;

function nodeBinary(major: string): string | null {
  if (process.version.startsWith(`v${major}.`)) return process.execPath;
  const bin = path.join(ROOT, '.assay', 'node', major, 'node_modules', 'node', 'bin', 'node');
  if (existsSync(bin)) return bin;
  try {
    execFileSync(path.join(ROOT, 'scripts', 'with-node.sh'), [major, 'node', '--version'], { stdio: 'ignore' });
    return existsSync(bin) ? bin : null;
  } catch {
    return null;
  }
}

function once(node: string, tool: string, name: string, factor: number): number {
  const r = spawnSync(node, ['--import', 'tsx', CHILD, tool, name, String(factor)], { cwd: ROOT, encoding: 'utf8', env: process.env });
  if (r.status !== 0) throw new Error(`${tool} on "${name}" (${node}): ${r.stderr.trim().split('\n').slice(-3).join(' ')}`);
  return (JSON.parse(r.stdout.trim().split('\n').pop()!) as { median: number }).median;
}

const fmt = (ns: number): string => (ns < 100 ? ns.toFixed(1) : ns < 1e4 ? ns.toFixed(0) : `${(ns / 1000).toFixed(1)}k`);
const pct = (x: number): string => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;
const names = process.env.HARNESS_FUNCTIONS ? process.env.HARNESS_FUNCTIONS.split(',') : Object.keys(FUNCTIONS);
const majors = (process.env.HARNESS_NODES ?? '20,22,24').split(',');

for (const major of majors) {
  const node = nodeBinary(major);
  if (!node) {
    process.stdout.write(`Node ${major}: not installed (scripts/with-node.sh ${major} node --version installs it)\n\n`);
    continue;
  }
  const version = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();
  const rows: string[] = [];
  let misses = 0;
  for (const name of names) {
    const t0 = Date.now();
    const r: Record<string, [number, number]> = {};
    for (const tool of ['assay', 'mitata', 'tinybench']) r[tool] = [once(node, tool, name, 1), once(node, tool, name, 2)];
    const spread = [r.assay![0], ...Array.from({ length: SPREAD_PROCESSES - 1 }, () => once(node, 'assay', name, 1))];
    const [a1, a2] = r.assay!;
    const [m1, m2] = r.mitata!;
    const [t1, t2] = r.tinybench!;
    const vsMitata = a1 / m1 - 1;
    const ratioDiff = a2 / a1 / (m2 / m1) - 1;
    const lo = Math.min(...spread);
    const hi = Math.max(...spread);
    const mid = (lo + hi) / 2;
    const halfSpread = (hi - lo) / 2 / mid;
    const ok = Math.abs(vsMitata) <= 0.05 && Math.abs(ratioDiff) <= 0.01 && halfSpread <= 0.03;
    if (!ok) misses++;
    rows.push(
      `| ${name} | ${fmt(a1)} | ${fmt(m1)} | ${fmt(t1)} | ${pct(vsMitata)} | ${(a2 / a1).toFixed(3)} | ${(m2 / m1).toFixed(3)} | ${(t2 / t1).toFixed(3)} | ${pct(ratioDiff)} | ±${(halfSpread * 100).toFixed(1)}% | ${ok ? 'ok' : 'MISS'} | ${((Date.now() - t0) / 1000).toFixed(0)} s |`,
    );
    process.stderr.write(`${version} ${name} done\n`);
  }
  process.stdout.write(
    [
      `Node ${version}: ns per call at N; ratio = f(2N)/f(N), true value 2. Targets: Assay within ±5% of mitata, ratio within 1% of mitata's, spread of ${SPREAD_PROCESSES} processes within ±3%.`,
      '',
      '| function | Assay | mitata | tinybench | Assay vs mitata | Assay ratio | mitata ratio | tinybench ratio | ratio vs mitata | Assay spread | targets | wall |',
      '|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|--:|',
      ...rows,
      '',
      `${names.length - misses} of ${names.length} functions meet every target.`,
      '',
    ].join('\n'),
  );
}
