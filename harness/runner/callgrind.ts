// Starting a runner under valgrind's callgrind, for instruction counts: finding
// valgrind (exit 3 with how to install it when it is missing), the options it
// runs with, the V8 flags that make the counted code repeat from run to run, and
// the folder its dump files go to. Only the runner runs under valgrind; the
// parent, which plans and reports, stays outside at full speed.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { callgrindRequests } from '../addon/addon.ts';
import { CALLGRIND_OUT_ENV } from '../measure/callgrind-dumps.ts';
import { BackendUnavailableError } from '../model/errors.ts';
import { RunnerClient } from './client.ts';

/**
 * The V8 flags of a counting runner. They make what V8 does on its own (tier-up,
 * garbage collection, hashing) happen at the same points of the counted work in
 * every run, or outside it:
 * - `--predictable` implies `--single-threaded`: no compiler or GC threads, so
 *   optimization happens synchronously on the main thread, where the warm-up
 *   triggers it, and the memory reducer is off;
 * - `--no-concurrent-osr`, which `--predictable` leaves on: otherwise a long loop's
 *   optimized code is compiled on a worker thread and installed whenever that
 *   thread finishes, which the machine's load decides, and the code optimized
 *   after it differs with it (a loop counted 12% higher in one run of two);
 * - `--hash-seed=1 --random-seed=1`: the same hash-table layouts and the same
 *   Math.random sequence in every process;
 * - a fixed 64 MiB young generation, which each sample starts empty (the counter
 *   runs a minor GC before it), so a sample rarely holds a collection;
 * - `--no-allocation-site-pretenuring`: otherwise V8 decides, at a moment the
 *   collections so far decide, to allocate a site's objects in the old generation,
 *   whose growth then starts marking inside the samples;
 * - `--no-incremental-marking`: a major collection, when one comes, is one pause
 *   in one sample (which the median passes over), not steps spread over many;
 * - `--no-flush-bytecode`: V8 otherwise drops the bytecode (and the type feedback)
 *   of functions that major collections found unused for a while, so how warm a
 *   function is would depend on how many collections came before.
 * The optimizing compilers stay on, so the counted code is optimized as in
 * production (CodSpeed runs `--no-opt` and counts the lower tiers instead).
 */
export const COUNTING_V8_FLAGS = ['--predictable', '--hash-seed=1', '--random-seed=1', '--min-semi-space-size=64', '--max-semi-space-size=64', '--no-allocation-site-pretenuring', '--no-incremental-marking', '--no-flush-bytecode', '--no-concurrent-osr'];

/** Valgrind's options; instrumentation starts off, and the counter turns it on around the measured calls only. */
export function callgrindOptions(outPattern: string): string[] {
  return [
    '--tool=callgrind',
    '--instr-atstart=no',
    `--callgrind-out-file=${outPattern}`,
    '--compress-strings=no',
    // V8 writes and rewrites its machine code: valgrind must notice code that changes on the heap
    '--smc-check=all-non-file',
    // compilers and other children run natively
    '--trace-children=no',
    // counts per thread: a dump holds the thread that makes the measured calls alone (callgrind-dumps.ts)
    '--separate-threads=yes',
    '-q',
  ];
}

export const INSTALL_VALGRIND =
  'install valgrind (Debian/Ubuntu: apt-get install valgrind; Fedora: dnf install valgrind; Arch: pacman -S valgrind), ' +
  'then rebuild the native addon with `npm run build:native` so it has callgrind\'s client requests; or set ASSAY_VALGRIND to the valgrind command';

export interface Valgrind {
  command: string;
  /** `valgrind-3.19.0`, as `valgrind --version` says. */
  version: string;
}

/** The valgrind this machine has (ASSAY_VALGRIND, else `valgrind` on PATH), or a BackendUnavailableError (exit 3) saying how to install it. */
export function requireValgrind(): Valgrind {
  if (process.platform !== 'linux') throw new BackendUnavailableError(`instruction counts need valgrind on Linux; this is ${process.platform}`);
  const command = process.env.ASSAY_VALGRIND || 'valgrind';
  const r = spawnSync(command, ['--version'], { encoding: 'utf8', timeout: 20_000 });
  if (r.error || r.status !== 0) {
    const why = (r.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT' ? `"${command}" is not on PATH` : `\`${command} --version\` failed (${r.error?.message ?? `exit ${r.status}`})`;
    throw new BackendUnavailableError(`--measure instructions runs the cases under valgrind's callgrind, and ${why}; to fix: ${INSTALL_VALGRIND}`);
  }
  const c = callgrindRequests();
  if (!c.ok) throw new BackendUnavailableError(`--measure instructions: ${c.reason}`);
  return { command, version: r.stdout.trim() };
}

export interface CountingRunner {
  client: RunnerClient;
  /** Shuts the runner down and removes its dump folder. */
  close(): Promise<void>;
}

/** Starts a runner under callgrind in `cwd`; its dumps go to a private folder under the system's temporary folder. */
export async function startCountingRunner(
  valgrind: Valgrind,
  o: { cwd: string; label?: string; output?: NodeJS.WritableStream | null; /** More valgrind options, such as --cache-sim=yes. */ extraOptions?: string[] },
): Promise<CountingRunner> {
  const dir = mkdtempSync(path.join(tmpdir(), 'assay-callgrind-'));
  const pattern = path.join(dir, 'callgrind.out.%p');
  let client: RunnerClient;
  try {
    client = await RunnerClient.start({
      cwd: o.cwd,
      label: o.label ?? 'under callgrind',
      wrapper: [valgrind.command, ...callgrindOptions(pattern), ...(o.extraOptions ?? [])],
      nodeFlags: COUNTING_V8_FLAGS,
      env: { [CALLGRIND_OUT_ENV]: pattern },
      ...(o.output !== undefined ? { output: o.output } : {}),
    });
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  return {
    client,
    async close() {
      await client.shutdown();
      if (process.env.ASSAY_CALLGRIND_KEEP) process.stderr.write(`assay: kept callgrind's dumps in ${dir}\n`);
      else rmSync(dir, { recursive: true, force: true });
    },
  };
}
