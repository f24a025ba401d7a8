// Progress on long runs, on stderr: a live bar with the case in hand when stderr
// is a terminal, and nothing at all when it is not (logs and CI stay clean).
// Under a fleet worker (ASSAY_PROGRESS_FD), one JSON line per case to that file
// descriptor instead, which the worker passes on as "case i of n".
import { writeSync } from 'node:fs';
import cliProgress from 'cli-progress';
import type { RunEvent } from '../run/events.ts';
import { formatPercent } from '../report/format.ts';

export interface Progress {
  onEvent(e: RunEvent): void;
  stop(): void;
}

export function createProgress(stream: NodeJS.WriteStream = process.stderr): Progress {
  const fd = Number(process.env.ASSAY_PROGRESS_FD);
  if (Number.isInteger(fd) && fd > 2) return progressLines(fd);
  if (!stream.isTTY || process.env.CI) return { onEvent: () => {}, stop: () => {} };
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: ' {bar} {value}/{total} {case} {detail}',
      barsize: 24,
      hideCursor: true,
      clearOnComplete: true,
      linewrap: false,
      fps: 8,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    onEvent(e) {
      if (e.type === 'plan') {
        bar.start(e.cases.length, 0, { case: '', detail: '' });
        started = true;
      } else if (e.type === 'case-start') {
        bar.update(e.index, { case: e.ref.id, detail: e.phase === 'verify' ? 'verifying' : 'warming up' });
      } else if (e.type === 'case-progress') {
        const ci = Number.isFinite(e.progress.relCI) ? ` CI ±${formatPercent(e.progress.relCI)}` : '';
        bar.update({ detail: `${e.progress.samples} samples${ci}` });
      } else if (e.type === 'case-end') {
        bar.update(e.index + 1, { detail: e.result.state });
      }
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

/** Progress as JSON lines to a file descriptor: the plan's size, then each case as it starts. */
function progressLines(fd: number): Progress {
  let n = 0;
  const say = (x: object): void => {
    try {
      writeSync(fd, `${JSON.stringify(x)}\n`);
    } catch {
      // the reader went away; progress is not worth failing a run for
    }
  };
  return {
    onEvent(e) {
      if (e.type === 'plan') say({ n: (n = e.cases.length) });
      else if (e.type === 'case-start' && e.phase !== 'verify') say({ i: e.index + 1, n: e.total || n, case: e.ref.id });
    },
    stop() {},
  };
}
