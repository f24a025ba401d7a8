// The machine-wide measure lock: several `assay score` processes (agents
// scoring at once) build and verify side by side, but measure one at a time,
// so that no score is taken on a machine another score is loading. It is the
// kernel's flock() on one file, taken through the addon with LOCK_NB and polled
// (the event loop stays free to report who holds it and for how long); the
// kernel releases it when its holder dies, however it dies. Without the addon,
// util-linux's flock(1) holds it from a child process instead.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadAddon } from '../addon/addon.ts';
import { writeFileAtomic } from '../model/files.ts';

/** How often a waiter asks again. */
const POLL_MS = 25;
/** How often a waiter says it is still waiting. */
const REPORT_MS = 2000;

export interface LockHolder {
  pid: number;
  what: string;
  since: number;
}

export interface HeldLock {
  /** Seconds spent waiting for it. */
  waitedS: number;
  /** Who held it while this process waited (the last seen), if anyone did. */
  waitedFor: LockHolder | null;
  /** How it is held: `flock() through the addon` or `flock(1)`. */
  how: string;
  release(): void;
}

/** The lock file: ASSAY_MEASURE_LOCK, or `assay-measure.lock` in the system's temporary folder. */
export function measureLockPath(): string {
  return process.env.ASSAY_MEASURE_LOCK || path.join(os.tmpdir(), 'assay-measure.lock');
}

function readHolder(file: string): LockHolder | null {
  try {
    return JSON.parse(readFileSync(`${file}.holder.json`, 'utf8')) as LockHolder;
  } catch {
    return null;
  }
}

/**
 * Waits for the measure lock and takes it. `onWait` hears who holds the lock
 * and how long this process has waited: as soon as a holder is known, and then
 * every couple of seconds while it waits. Throws only where no way to take a lock exists.
 */
export async function acquireMeasureLock(what: string, onWait?: (holder: LockHolder | null, waitedS: number) => void, file = measureLockPath()): Promise<HeldLock> {
  // a fleet worker holds this host's lock for the whole job it runs this process for (harness/fleet/)
  if (process.env.ASSAY_MEASURE_LOCK_HELD && process.env.ASSAY_MEASURE_LOCK_HELD === file) return { waitedS: 0, waitedFor: null, how: 'the fleet worker that runs this job (for the whole job)', release: () => {} };
  const t0 = Date.now();
  let holder: LockHolder | null = null;
  let lastReport = t0;
  /** The holder last reported: a holder seen for the first time is reported at once (the holder writes its name just after it takes the lock, so the first look can miss it). */
  let told: number | null = null;
  const report = (): void => {
    lastReport = Date.now();
    told = holder?.pid ?? null;
    onWait?.(holder, (Date.now() - t0) / 1000);
  };
  const waiting = (): void => {
    holder = readHolder(file) ?? holder;
    if ((holder && holder.pid !== told) || Date.now() - lastReport >= REPORT_MS) report();
  };
  const took = (how: string, release: () => void): HeldLock => {
    writeFileAtomic(`${file}.holder.json`, JSON.stringify({ pid: process.pid, what, since: Date.now() } satisfies LockHolder));
    const waitedS = (Date.now() - t0) / 1000;
    return { waitedS, waitedFor: waitedS > POLL_MS / 1000 ? holder : null, how, release };
  };
  const s = loadAddon();
  if (s.ok) {
    const fd = s.addon.lockOpen(file);
    for (let first = true; ; first = false) {
      if (s.addon.lockTry(fd)) return took('flock() through the addon', () => s.addon.lockRelease(fd));
      if (first) {
        holder = readHolder(file);
        report();
      } else waiting();
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  }
  return viaFlockCommand(file, took, waiting);
}

/** The lock held by `flock FILE sh -c '...'`, which holds it until its stdin closes (so also when this process dies). */
function viaFlockCommand(file: string, took: (how: string, release: () => void) => HeldLock, waiting: () => void): Promise<HeldLock> {
  return new Promise((resolve, reject) => {
    let child: ChildProcess;
    try {
      child = spawn('flock', ['--exclusive', file, 'sh', '-c', 'echo locked; cat >/dev/null'], { stdio: ['pipe', 'pipe', 'ignore'] });
    } catch (e) {
      reject(new Error(`no way to take the measure lock: the native addon is not built and flock(1) cannot be run (${(e as Error).message})`));
      return;
    }
    const timer = setInterval(waiting, POLL_MS * 4);
    waiting();
    child.on('error', (e) => {
      clearInterval(timer);
      reject(new Error(`no way to take the measure lock: the native addon is not built and flock(1) cannot be run (${e.message})`));
    });
    child.stdout!.once('data', () => {
      clearInterval(timer);
      resolve(took('flock(1)', () => child.stdin!.end()));
    });
  });
}
