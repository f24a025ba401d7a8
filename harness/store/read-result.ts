// Reading a stored RunResult (a baseline or a result file) and checking its
// shape, so that a missing, truncated, corrupt or foreign file is an input error
// that names the file, never a comparison with nothing in it.
import { readFileSync } from 'node:fs';
import { InputError } from '../model/errors.ts';
import type { RunResult } from '../model/types.ts';

/** The RunResult schema this Assay reads and writes. */
export const RESULT_SCHEMA = 1;

export interface ReadResultOptions {
  /** Whether a measured case must carry its raw samples (a baseline must; history does not). True by default. */
  requireSamples?: boolean;
}

/** Reads and validates a RunResult file. `what` names it in messages ("baseline main", "result file"). */
export function readRunResult(file: string, what: string, o: ReadResultOptions = {}): RunResult {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(`${what}: cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : (e as Error).message}`, file);
  }
  return parseRunResult(text, file, what, o);
}

/** Parses and validates RunResult text; every complaint names the file and what is wrong. */
export function parseRunResult(text: string, file: string, what: string, o: ReadResultOptions = {}): RunResult {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    // a document cut short fails at its very end, or no longer ends with the closing brace
    const msg = (e as Error).message;
    const at = Number(msg.match(/position (\d+)/)?.[1] ?? NaN);
    const truncated = text.trim().length === 0 || /end of (JSON )?input|Unterminated/i.test(msg) || at >= text.trimEnd().length - 1 || !/}\s*$/.test(text);
    throw new InputError(
      `${what}: ${file} is ${truncated ? 'truncated or empty' : 'not valid JSON'} (${(e as Error).message}); ` +
        'it cannot be compared with. Save it again (assay run --save-baseline NAME) or delete it.',
      file,
    );
  }
  const bad = (why: string): InputError => new InputError(`${what}: ${file} is not an Assay run result: ${why}. Save it again (assay run --save-baseline NAME) or delete it.`, file);
  if (!isObject(doc)) throw bad('the top level is not an object');
  if (doc.schema !== RESULT_SCHEMA) {
    throw new InputError(
      `${what}: ${file} has schema ${JSON.stringify(doc.schema)}, and this Assay reads schema ${RESULT_SCHEMA}; ` +
        'take it again with this version of Assay (assay run --save-baseline NAME).',
      file,
    );
  }
  if (!isObject(doc.machine) || typeof doc.machine.id !== 'string') throw bad('"machine.id" is missing');
  if (!Array.isArray(doc.cases)) throw bad('"cases" is not an array');
  doc.cases.forEach((c: unknown, i: number) => {
    const where = `cases[${i}]`;
    if (!isObject(c) || typeof c.id !== 'string') throw bad(`${where} has no string "id"`);
    const at = `${where} (${c.id})`;
    if (typeof c.problem !== 'string' || typeof c.variant !== 'string' || !isObject(c.params)) throw bad(`${at} lacks problem, variant or params`);
    if (c.state === 'measured') {
      const st = c.stats;
      if (!isObject(st) || typeof st.median !== 'number') throw bad(`${at} is measured but has no stats.median`);
      if (o.requireSamples === false && st.samples === undefined) {
        if (!Array.isArray(st.ci) || typeof st.n !== 'number') throw bad(`${at} is measured but has no stats.ci or stats.n`);
        return;
      }
      if (!Array.isArray(st.samples) || st.samples.length === 0) throw bad(`${at} has no raw samples (stats.samples); it was written with --no-samples`);
      if (!st.samples.every((x) => typeof x === 'number' && Number.isFinite(x) && x >= 0)) throw bad(`${at} has a sample that is not a finite non-negative number`);
    } else if (c.state === 'failed') {
      if (typeof c.error !== 'string') throw bad(`${at} is failed but has no "error"`);
    } else if (c.state === 'skipped') {
      if (typeof c.reason !== 'string') throw bad(`${at} is skipped but has no "reason"`);
    } else throw bad(`${at} has state ${JSON.stringify(c.state)}`);
  });
  return doc as unknown as RunResult;
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
