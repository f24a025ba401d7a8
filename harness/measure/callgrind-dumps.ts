// Reading callgrind's counts back. Callgrind has no client request that returns
// a count: CALLGRIND_DUMP_STATS writes the counts since the last zero to a new
// file, whose header carries the totals (`summary: <Ir> ...`, instructions
// first). The runner runs with --separate-threads=yes, so that a dump holds the
// calling thread alone (`<out-file>.<n>-01` for the n-th dump: the main thread is
// valgrind's thread 1): Node's other threads (the module loader's, libuv's pool)
// wake at moments that depend on the machine, and their work is not the case's.
// The process that dumps reads its own file at once and removes it.
import { closeSync, existsSync, openSync, readSync, rmSync } from 'node:fs';

/** Set by the process that starts a runner under callgrind: its `--callgrind-out-file`, with `%p` for the pid. */
export const CALLGRIND_OUT_ENV = 'ASSAY_CALLGRIND_OUT';

/** Valgrind's id of the main thread, as callgrind writes it in the names of per-thread dumps. */
const MAIN_THREAD = '01';

/** The header is read in one piece of this size; it is a few hundred bytes, the command line being its longest line. */
const HEADER_BYTES = 64 * 1024;

/** Reads the dumps of this process in order. */
export class DumpReader {
  private dumps = 0;
  private readonly base: string;
  private readonly buffer = Buffer.alloc(HEADER_BYTES);

  /** `pattern` is the `--callgrind-out-file` callgrind was given (`%p` is this process's pid). */
  constructor(pattern: string) {
    this.base = pattern.replace(/%p/g, String(process.pid));
  }

  /**
   * The instructions (Ir) of the dump just written; removes its file. Call it once
   * after each CALLGRIND_DUMP_STATS, so that the files are read in their order.
   */
  next(): number {
    const file = `${this.base}.${++this.dumps}-${MAIN_THREAD}`;
    if (!existsSync(file)) {
      throw new Error(`callgrind wrote no dump file ${file}; is this process running under \`valgrind --tool=callgrind --separate-threads=yes --callgrind-out-file=${this.base.replace(String(process.pid), '%p')}\`, and on its main thread?`);
    }
    const fd = openSync(file, 'r');
    let n: number;
    try {
      n = readSync(fd, this.buffer, 0, HEADER_BYTES, 0);
    } finally {
      closeSync(fd);
    }
    // ASSAY_CALLGRIND_KEEP keeps every dump, for callgrind_annotate to show what a count held
    if (!process.env.ASSAY_CALLGRIND_KEEP) rmSync(file, { force: true });
    return parseSummary(this.buffer.toString('latin1', 0, n), file);
  }
}

/** The instruction count in a dump's header: the first event of its `summary:` (or `totals:`) line. */
export function parseSummary(text: string, file: string): number {
  const m = /^(?:summary|totals):\s*(\d+)/m.exec(text);
  if (!m) throw new Error(`callgrind's dump ${file} has no "summary:" line in its first ${HEADER_BYTES} bytes`);
  const events = /^events:\s*(\S+)/m.exec(text)?.[1];
  if (events !== undefined && events !== 'Ir') throw new Error(`callgrind's dump ${file} counts "${events}" first, not instructions (Ir)`);
  return Number(m[1]);
}
