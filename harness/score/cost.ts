// What a score cost: wall and CPU seconds per stage. CPU is this process's and
// its runners' (each runner reports its own when asked), so a stage that keeps
// the reference busy counts that too. Stage times are kept as epoch ms, so two
// scores' measure stages can be laid side by side.
import type { StageCost } from '../model/types.ts';
import type { Stage } from './checks.ts';

type Runner = { audit(timeoutMs?: number): Promise<{ cpu_s: number }> };

export class CostMeter {
  private stages: Partial<Record<Stage, StageCost>> = {};
  private open: { stage: Stage; t0: number; at: number; cpu0: number; runners0: Map<Runner, number> } | null = null;

  private static async runnerCpu(runners: Runner[]): Promise<Map<Runner, number>> {
    const m = new Map<Runner, number>();
    for (const r of runners) {
      try {
        m.set(r, (await r.audit(5000)).cpu_s);
      } catch {
        /* a runner that died reports nothing more */
      }
    }
    return m;
  }

  async start(stage: Stage, runners: Runner[], lockWaitS?: number): Promise<void> {
    await this.stop(runners);
    const u = process.cpuUsage();
    this.open = { stage, t0: performance.now(), at: Date.now(), cpu0: (u.user + u.system) / 1e6, runners0: await CostMeter.runnerCpu(runners) };
    if (lockWaitS !== undefined) this.stages[stage] = { wall_s: 0, cpu_s: 0, started_at: this.open.at, finished_at: this.open.at, lock_wait_s: round(lockWaitS) };
  }

  async stop(runners: Runner[]): Promise<void> {
    const o = this.open;
    if (!o) return;
    this.open = null;
    const u = process.cpuUsage();
    const now = await CostMeter.runnerCpu(runners);
    let cpu = (u.user + u.system) / 1e6 - o.cpu0;
    for (const [r, c] of now) cpu += c - (o.runners0.get(r) ?? 0);
    const prev = this.stages[o.stage];
    this.stages[o.stage] = {
      wall_s: round((performance.now() - o.t0) / 1000),
      cpu_s: round(cpu),
      started_at: o.at,
      finished_at: Date.now(),
      ...(prev?.lock_wait_s !== undefined ? { lock_wait_s: prev.lock_wait_s } : {}),
    };
  }

  total(): { wall_s: number; cpu_s: number; stages: Partial<Record<Stage, StageCost>> } {
    const all = Object.values(this.stages);
    return {
      wall_s: round(all.reduce((s, x) => s + x.wall_s + (x.lock_wait_s ?? 0), 0)),
      cpu_s: round(all.reduce((s, x) => s + x.cpu_s, 0)),
      stages: this.stages,
    };
  }
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
