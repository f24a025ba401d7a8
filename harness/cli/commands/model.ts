// `assay model FILE.onnx`: benchmark any ONNX model, with inputs synthesized from
// its metadata, across execution providers, thread counts and optimization levels.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { benchModel } from '../../run/model-bench.ts';
import type { OptLevel } from '../../backends/onnx/session.ts';
import { UsageError } from '../../model/errors.ts';
import type { Outcome } from '../exit.ts';
import { renderJson } from '../../report/json.ts';
import { renderModelTable } from '../../report/model-table.ts';
import { budgetOption, listOption, parseOrUsage } from '../args.ts';
import { writeOutput } from '../output.ts';
import { progressiveJson } from '../partial.ts';
import { listenForInterrupt } from '../interrupt.ts';
import { createProgress } from '../progress.ts';

export async function modelCommand(args: string[]): Promise<Outcome> {
  const { values, positionals } = parseOrUsage(
    () =>
      parseArgs({
        args,
        allowPositionals: true,
        options: {
          ep: { type: 'string', multiple: true },
          threads: { type: 'string', multiple: true },
          'opt-level': { type: 'string', multiple: true },
          shape: { type: 'string', multiple: true },
          seed: { type: 'string' },
          time: { type: 'string' },
          quick: { type: 'boolean' },
          json: { type: 'string' },
          'no-samples': { type: 'boolean' },
        },
      }),
    'model',
  );
  if (positionals.length !== 1) throw new UsageError(`model: give exactly one model file (assay model FILE.onnx [options]), not ${positionals.length}`);
  const file = positionals[0]!;
  const threads = listOption(values.threads).map((t) => {
    const n = Number(t);
    if (!Number.isInteger(n) || n < 1) throw new UsageError(`--threads takes positive integers, not "${t}"`);
    return n;
  });
  const budgetS = budgetOption(values);
  let seed: number | undefined;
  if (values.seed !== undefined) {
    seed = Number(values.seed);
    if (!Number.isInteger(seed)) throw new UsageError(`--seed takes an integer, not "${values.seed}"`);
  }

  const progress = createProgress();
  const saved = progressiveJson(values.json);
  const interrupt = listenForInterrupt();
  let result;
  try {
    result = await benchModel({
      file,
      eps: listOption(values.ep),
      threads,
      opt: listOption(values['opt-level']) as OptLevel[],
      shapes: listOption(values.shape),
      ...(seed !== undefined ? { seed } : {}),
      measure: { ...(budgetS !== undefined ? { budgetS } : {}), keepSamples: !values['no-samples'] },
      onEvent: (e) => progress.onEvent(e),
      onProgress: (partial) => saved.update(partial),
      signal: interrupt.signal,
    });
  } finally {
    progress.stop();
    interrupt.release();
  }
  const toStdout = values.json === '-';
  (toStdout ? process.stderr : process.stdout).write(renderModelTable(result));
  if (values.json !== undefined) {
    writeOutput(values.json, renderJson(result));
    if (!toStdout) process.stderr.write(`wrote json to ${path.relative(process.cwd(), path.resolve(values.json))}\n`);
  }
  return { kind: 'run', result, interrupted: interrupt.signal.aborted };
}
