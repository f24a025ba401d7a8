// The clock that measures every case. It is captured when this module first
// loads, which the CLI and the library entry point arrange to happen before any
// bench file, variant or candidate is imported: code under test that later
// replaces process.hrtime or performance.now cannot reach this reference.
// Where Assay's native addon is built, the clock is its CLOCK_MONOTONIC_RAW
// (cheaper to read, and not slewed by NTP); otherwise process.hrtime.bigint.
// ASSAY_CLOCK=hrtime chooses process.hrtime.bigint even where the addon loads.
import { loadAddon } from '../addon/addon.ts';

/** A monotonic clock reading nanoseconds as a float. */
export interface Clock {
  /** What the clock is, recorded in each run's environment. */
  name: string;
  now(): number;
}

const hrtimeBigint = process.hrtime.bigint;
const origin = hrtimeBigint();

/** process.hrtime.bigint, offset to the module's load so the float keeps full ns precision. */
export const hrtimeClock: Clock = Object.freeze({
  name: 'process.hrtime.bigint',
  now: (): number => Number(hrtimeBigint() - origin),
});

/** The native addon's CLOCK_MONOTONIC_RAW, in ns since the addon loaded; null where the addon does not load. */
export const nativeClock: Clock | null = (() => {
  const s = loadAddon();
  if (!s.ok) return null;
  const now = s.addon.clockNow;
  return Object.freeze({ name: `${s.addon.clockName} (native addon)`, now: (): number => now() });
})();

let active: Clock = nativeClock && process.env.ASSAY_CLOCK !== 'hrtime' ? nativeClock : hrtimeClock;

/** The clock the measuring loop uses. */
export function measuringClock(): Clock {
  return active;
}

/**
 * Replaces the measuring clock, for a backend that brings a better one (a
 * native monotonic clock) or a test that drives the loop with virtual time.
 */
export function useClock(clock: Clock): void {
  active = clock;
}
