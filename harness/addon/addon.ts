// The typed façade of Assay's native addon (native/*.cc, built by cmake-js at
// install time into build/Release/assay_native.node). The measuring clock, the
// environment capture, the native backend, the machine-wide measure lock and the
// instruction counter use the addon only through this module. Loading is
// synchronous and tried once; where the addon is missing or does not load,
// `loadAddon()` says why and how to fix it instead of throwing.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { packageRoot } from '../model/paths.ts';

/** Hardware counters as the kernel allows them. */
export interface CounterProbe {
  available: boolean;
  /** The events that can be counted (`cycles`, `instructions`). */
  events: string[];
  /** Why not, when not available. */
  reason?: string;
}

/** A kernel bound to one case's arguments (pointers taken once, arrays kept alive). */
export interface BoundCall {
  /** One call. */
  call(): void;
  /**
   * Calls the kernel `iterations` times back to back in native code; returns their total ns on CLOCK_MONOTONIC_RAW.
   * Bound to several argument lists, call i takes list (start + i) mod their count.
   */
  repeat(iterations: number, start?: number): number;
  /** Cycles and instructions over `iterations` calls; null where counters are unavailable. */
  counted(iterations: number): { cycles: number; instructions: number } | null;
  /** Drops the references to the arrays; the bound call cannot be used after. */
  release(): void;
}

/**
 * Callgrind's client requests (valgrind/callgrind.h). Each is a few no-op
 * instructions outside valgrind; under `valgrind --tool=callgrind` they switch
 * instrumentation on and off, zero the counts, and dump them to a file.
 */
export interface CallgrindRequests {
  /** Whether the addon was compiled with valgrind's headers; without them every request does nothing. */
  built: boolean;
  /** Whether this process runs under valgrind (RUNNING_ON_VALGRIND). */
  running(): boolean;
  /** CALLGRIND_START_INSTRUMENTATION: from here on, code is instrumented (and slow). */
  start(): void;
  /** CALLGRIND_STOP_INSTRUMENTATION. */
  stop(): void;
  /** CALLGRIND_ZERO_STATS: the counts start again from zero. */
  zero(): void;
  /** CALLGRIND_DUMP_STATS: writes the counts since the last zero or dump to the next dump file, and zeroes them. */
  dump(): void;
}

/** A kernel argument: a typed array (passed as a pointer to its memory) or a uint32. */
export type NativeArg = Float32Array | Int32Array | Uint32Array | number;

/** What the addon exports. */
export interface NativeAddon {
  /** ns on CLOCK_MONOTONIC_RAW since the addon loaded. */
  clockNow(): number;
  /** The clock's resolution in ns. */
  clockResolution(): number;
  clockName: string;
  countersProbe(): CounterProbe;
  /** Starts counting cycles and instructions (resetting them); false where counters are unavailable. */
  countersStart(): boolean;
  /** Stops counting and reads the counts; null where counters are unavailable. */
  countersStop(): { cycles: number; instructions: number } | null;
  callgrind: CallgrindRequests;
  /** dlopen(path); returns a library handle, throws with dlerror's message. */
  open(path: string): number;
  /** dlsym; returns a function handle, or null when the library does not export `name`. */
  symbol(library: number, name: string): number | null;
  /** Calls a function once with the given arguments. */
  call(fn: number, args: NativeArg[]): void;
  /** Binds a function to one argument list, or to several that `repeat` rotates through. */
  Bound: new (fn: number, args: NativeArg[] | NativeArg[][]) => BoundCall;
  /** Opens (creating it if absent) a lock file; returns its descriptor. */
  lockOpen(path: string): number;
  /** flock(LOCK_EX | LOCK_NB): true when this process now holds the lock, false while another does. Never blocks. */
  lockTry(fd: number): boolean;
  /** Unlocks and closes. The kernel also releases the lock when the process dies. */
  lockRelease(fd: number): void;
}

export type AddonState = { ok: true; addon: NativeAddon; path: string } | { ok: false; path: string; reason: string };

const ROOT = packageRoot();
/** The built addon; ASSAY_NATIVE_ADDON names another file (or, pointing nowhere, simulates a machine without it). */
export const ADDON_PATH = process.env.ASSAY_NATIVE_ADDON || `${ROOT}build/Release/assay_native.node`;
/** What scripts/build-addon.mjs recorded about the last build attempt. */
const STATUS_PATH = `${ROOT}build/native-status.json`;
export const ADDON_FIX =
  'install cmake and a C++ compiler (Debian/Ubuntu: apt-get install cmake g++ ninja-build), then run `npm run build:native` in the Assay folder';

let state: AddonState | null = null;

/** Loads the addon once. Never throws. */
export function loadAddon(): AddonState {
  if (state) return state;
  let exists: boolean;
  try {
    exists = existsSync(ADDON_PATH);
  } catch (e) {
    // Node's permission model throws where reading the file is not allowed (a sandboxed runner)
    state = { ok: false, path: ADDON_PATH, reason: `the native addon at ${ADDON_PATH} cannot be read here: ${e instanceof Error ? e.message : String(e)}` };
    return state;
  }
  if (!exists) {
    state = { ok: false, path: ADDON_PATH, reason: `the native addon is not built (${ADDON_PATH} does not exist${buildFailure()}); to fix: ${ADDON_FIX}` };
    return state;
  }
  try {
    const addon = createRequire(import.meta.url)(ADDON_PATH) as NativeAddon;
    state = { ok: true, addon, path: ADDON_PATH };
  } catch (e) {
    state = { ok: false, path: ADDON_PATH, reason: `the native addon at ${ADDON_PATH} does not load: ${e instanceof Error ? e.message : String(e)}; to fix: rebuild it with \`npm run build:native\`` };
  }
  return state;
}

/** Why the install-time build failed, when it recorded a failure. */
function buildFailure(): string {
  try {
    const s = JSON.parse(readFileSync(STATUS_PATH, 'utf8')) as { ok?: boolean; reason?: string };
    return s.ok === false && s.reason ? `: the build at install time failed: ${s.reason}` : '';
  } catch {
    return '';
  }
}

/** Callgrind's client requests where the addon was built with valgrind's headers; otherwise why not and how to fix it. */
export function callgrindRequests(): { ok: true; requests: CallgrindRequests } | { ok: false; reason: string } {
  const s = loadAddon();
  if (!s.ok) return { ok: false, reason: `instruction counts need the native addon: ${s.reason}` };
  const cg = s.addon.callgrind;
  if (!cg?.built) {
    return {
      ok: false,
      reason:
        "the native addon was built without valgrind's headers (valgrind/callgrind.h), so it cannot bracket the measured calls; " +
        'install valgrind (Debian/Ubuntu: apt-get install valgrind, which brings the headers), then rebuild the addon with `npm run build:native`',
    };
  }
  return { ok: true, requests: cg };
}

/** Whether this process runs under valgrind: false where the addon cannot tell (not built, or built without valgrind's headers). */
export function underValgrind(): boolean {
  const c = callgrindRequests();
  return c.ok && c.requests.running();
}

let probe: CounterProbe | null = null;

/** Whether hardware counters can be read here, and why not (probed once). */
export function counterProbe(): CounterProbe {
  if (probe) return probe;
  const s = loadAddon();
  probe = s.ok ? s.addon.countersProbe() : { available: false, events: [], reason: `needs the native addon: ${s.reason}` };
  return probe;
}
