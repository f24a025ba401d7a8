// Ctrl-C during a measuring command: the first one lets the case in hand finish
// and still writes the report; the second quits at once.
import { EXIT } from '../model/errors.ts';

/** Starts listening for Ctrl-C. `signal` aborts on the first; call `release` when the work is done. */
export function listenForInterrupt(): { signal: AbortSignal; release: () => void } {
  const interrupt = new AbortController();
  const onSigint = (): void => {
    if (interrupt.signal.aborted) process.exit(EXIT.interrupted);
    interrupt.abort();
    process.stderr.write('\nassay: interrupted; finishing the case in hand, then reporting what was measured (Ctrl-C again quits now)\n');
  };
  process.on('SIGINT', onSigint);
  return { signal: interrupt.signal, release: () => process.off('SIGINT', onSigint) };
}
