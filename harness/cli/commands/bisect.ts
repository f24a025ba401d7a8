// `assay bisect CASE GOOD BAD [PATHS] [options]`: finds the commit between GOOD
// and BAD that made CASE slower, by interleaved A/B of revisions (ab/bisect.ts),
// and prints it with its verdict against its parent. Exit 0 when it is found,
// 1 when BAD is not slower than GOOD.
import { parseArgs } from 'node:util';
import { bisect } from '../../ab/bisect.ts';
import { UsageError } from '../../model/errors.ts';
import { renderBisect } from '../../report/bisect.ts';
import type { Outcome } from '../exit.ts';
import { parseOrUsage } from '../args.ts';
import { listenForInterrupt } from '../interrupt.ts';
import { writeOutput } from '../output.ts';
import { createProgress } from '../progress.ts';
import { asCliError } from '../runner-errors.ts';
import { parseThreshold } from '../verdict-options.ts';
import { SESSION_OPTIONS, sessionSettings } from './ab.ts';

export async function bisectCommand(args: string[]): Promise<Outcome> {
  const { values, positionals } = parseOrUsage(
    () => parseArgs({ args, allowPositionals: true, options: { ...SESSION_OPTIONS, threshold: { type: 'string' }, json: { type: 'string' } } }),
    'bisect',
  );
  const [caseId, good, bad, ...paths] = positionals;
  if (caseId === undefined || good === undefined || bad === undefined) throw new UsageError('bisect takes a case id and two git revisions: assay bisect CASE GOOD BAD [PATHS] [options]');
  const settings = sessionSettings(values);
  const interrupt = listenForInterrupt();
  const progress = createProgress();
  let result;
  try {
    result = await bisect({
      cwd: process.cwd(),
      caseId,
      good,
      bad,
      ...(paths.length ? { paths } : {}),
      ...settings,
      ...(values.threshold !== undefined ? { threshold: parseThreshold(values.threshold) } : {}),
      log: (line) => process.stderr.write(`bisect: ${line}\n`),
      onEvent: (e) => progress.onEvent(e),
      signal: interrupt.signal,
    });
  } catch (e) {
    throw asCliError(e);
  } finally {
    progress.stop();
    interrupt.release();
  }
  const toStdout = values.json === '-';
  (toStdout ? process.stderr : process.stdout).write(renderBisect(result));
  if (values.json !== undefined) writeOutput(values.json, `${JSON.stringify(result, null, 2)}\n`);
  return { kind: 'bisect', found: result.culprit !== null, interrupted: interrupt.signal.aborted };
}
