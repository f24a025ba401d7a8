// Hardware counters over the measured region of JS work, in time mode: after the
// timed samples, one more batch of the same calls through the same loop, between
// countersStart and countersStop (perf_event_open: cycles and instructions in
// user space, of this thread). Native work counts its own, in native code (the
// native backend's details). Where the kernel refuses counters, as on most VMs,
// nothing is added, and the run's `machine.counters` says why.
import { counterProbe, loadAddon } from '../addon/addon.ts';
import { sink, type BatchLoop } from './batching.ts';

/** Cycles, instructions and their ratio per call, as a case's details carry them. */
export type CounterDetails = { cycles_per_call: number; instructions_per_call: number; ipc: number };

/** Counts one batch of `k` calls; null where counters are unavailable. */
export async function countBatch(loop: BatchLoop, k: number, async: boolean): Promise<CounterDetails | null> {
  if (!counterProbe().available) return null;
  const s = loadAddon();
  if (!s.ok || !s.addon.countersStart()) return null;
  sink.value = async ? await loop(k) : loop(k);
  const c = s.addon.countersStop();
  if (!c) return null;
  return { cycles_per_call: c.cycles / k, instructions_per_call: c.instructions / k, ipc: c.cycles > 0 ? c.instructions / c.cycles : 0 };
}
