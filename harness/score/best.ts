// The best built-in variant of a kind at a point: the one a candidate of that
// kind is measured against beside the reference (`speedup_best`). Where a kind
// has several built-ins (or settings), each is timed briefly on the same input
// sets, and the fastest is kept, per machine, in the project's data folder,
// until a variant file changes; so it is measured once, not per candidate.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { formatParams } from '../problem/define.ts';
import { judgeRun } from '../verify/judge.ts';
import { median } from '../stats/summary.ts';
import { projectDataDir } from '../model/paths.ts';
import { writeFileAtomic } from '../model/files.ts';
import type { ArtifactKind, Params, Rng, Settings } from '../model/types.ts';
import { settingPoints, type VariantFile } from '../run/suite.ts';
import { TARGET_SAMPLE_NS, timerOf } from './measure-stage.ts';
import { slotName, type TrustedRunner } from './trusted.ts';

export interface BuiltIn {
  variant: VariantFile;
  settings: Settings;
  slot: string;
  /** `matmul/tiled.wgsl` or `matmul/packed.cc[threads=2]`. */
  id: string;
}

const TRIAL_SAMPLES = 5;

export function builtInsOf(trusted: TrustedRunner, kind: ArtifactKind): BuiltIn[] {
  const name = trusted.lp.problem.name;
  return trusted.lp.variants
    .filter((v) => v.kind === kind && !v.isReference && !v.candidate)
    .flatMap((variant) => settingPoints(variant.settings).map((settings) => ({ variant, settings, slot: slotName(variant, settings), id: `${name}/${slotName(variant, settings)}` })));
}

function keptFile(cwd: string): string {
  return projectDataDir(cwd, 'score', 'best.json');
}

/** The fastest built-in of `kind` at `params`, or null when the kind has none. Call it holding the measure lock. */
export async function bestBuiltIn(trusted: TrustedRunner, kind: ArtifactKind, params: Params, rng: Rng, o: { machine: string; cwd: string; onLog?: (s: string) => void }): Promise<BuiltIn | null> {
  const all = builtInsOf(trusted, kind);
  // one built-in is the best there is; the test suite verifies every built-in variant
  if (all.length <= 1) return all[0] ?? null;
  const files = createHash('sha256');
  for (const b of all) files.update(b.slot).update(readFileSync(b.variant.file));
  const key = `${o.machine}|${trusted.lp.problem.name}|${kind}|${formatParams(params)}|${files.digest('hex').slice(0, 16)}`;
  let kept: Record<string, string> = {};
  try {
    kept = JSON.parse(readFileSync(keptFile(o.cwd), 'utf8')) as Record<string, string>;
  } catch {
    /* none kept yet */
  }
  const hit = all.find((b) => b.slot === kept[key]);
  if (hit) return hit;
  o.onLog?.(`timing the ${all.length} built-in ${kind} variants of "${trusted.lp.problem.name}" at ${formatParams(params)} to find the fastest (once per machine)`);
  const exp = await trusted.expect(params, rng.int(2 ** 31), { once: true });
  let best: { b: BuiltIn; ns: number } | null = null;
  for (const b of all) {
    // a built-in that does not load, throws or computes wrong here is no yardstick: it is left out
    try {
      await trusted.ensure(b.variant, b.settings);
    } catch (e) {
      o.onLog?.(`left out ${b.id}: ${(e as Error).message}`);
      continue;
    }
    const bound = await trusted.client.bind([exp.inputs], params, b.slot);
    if (bound.type === 'failed') continue;
    const xs: number[] = [];
    let calls = 1;
    for (let i = 0; i < TRIAL_SAMPLES + 2; i++) {
      const r = await trusted.client.time(calls, 0, b.slot);
      if (r.type === 'failed') break;
      const perCall = (timerOf(kind) === 'parent' ? r.parentNs : r.ns) / calls;
      if (i >= 2) xs.push(perCall);
      calls = Math.max(1, Math.round(TARGET_SAMPLE_NS[timerOf(kind)] / 2 / perCall));
    }
    if (xs.length < TRIAL_SAMPLES) continue;
    if (!judgeRun(trusted.lp.problem, exp, { outputs: await trusted.client.read(b.slot) }).passed) {
      o.onLog?.(`left out ${b.id}: its outputs are wrong at ${formatParams(params)}`);
      continue;
    }
    if (!best || median(xs) < best.ns) best = { b, ns: median(xs) };
  }
  if (!best) return null;
  try {
    writeFileAtomic(keptFile(o.cwd), JSON.stringify({ ...kept, [key]: best.b.slot }, null, 1));
  } catch {
    /* a read-only project only loses the choice */
  }
  return best.b;
}
