// `assay score --problem NAME --candidate FILE [--json]` scores one candidate;
// `assay score --problem NAME DIR/` every candidate in a folder, with fast_p.
// The Score JSON goes to stdout with --json; progress and logs go to stderr.
// The scorer is imported when the command runs, so other commands start without it.
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { UsageError } from '../../model/errors.ts';
import type { Params, Settings } from '../../model/types.ts';
import { renderFolder, renderScore } from '../../report/score-console.ts';
import type { ScoreOptions } from '../../score/session.ts';
import { budgetOption, listOption, parseOrUsage } from '../args.ts';
import type { Outcome } from '../exit.ts';

export async function scoreCommand(args: string[]): Promise<Outcome> {
  const { values, positionals } = parseOrUsage(
    () =>
      parseArgs({
        args,
        allowPositionals: true,
        options: {
          problem: { type: 'string' },
          candidate: { type: 'string' },
          json: { type: 'boolean' },
          time: { type: 'string' },
          quick: { type: 'boolean' },
          'held-out': { type: 'string' },
          seed: { type: 'string' },
          memory: { type: 'string' },
          timeout: { type: 'string' },
          point: { type: 'string', multiple: true },
          setting: { type: 'string', multiple: true },
          kernels: { type: 'string' },
        },
      }),
    'score',
  );
  const problem = values.problem;
  if (!problem) throw new UsageError('score needs --problem NAME: assay score --problem NAME --candidate FILE [--json], or assay score --problem NAME DIR/');
  const dir = positionals[0];
  if (positionals.length > 1) throw new UsageError(`score takes one folder, not ${positionals.length} (${positionals.join(', ')})`);
  if (values.candidate && dir) throw new UsageError('score takes --candidate FILE or a folder, not both');
  if (!values.candidate && !dir) throw new UsageError('score needs --candidate FILE, or a folder of candidates: assay score --problem NAME DIR/');
  const o: ScoreOptions = {
    onLog: (line) => process.stderr.write(`score: ${line}\n`),
    ...optionalNumber('held-out', values['held-out'], (n) => Number.isInteger(n) && n >= 0, 'heldOut'),
    ...optionalNumber('seed', values.seed, (n) => Number.isInteger(n) && n >= 0, 'seed'),
    ...optionalNumber('memory', values.memory, (n) => n >= 256, 'memoryMb'),
    ...optionalNumber('timeout', values.timeout, (n) => n > 0, 'stageTimeoutS'),
  };
  const budgetS = budgetOption(values);
  if (budgetS !== undefined) o.budgetS = budgetS;
  if (values.point?.length) o.points = values.point.map(parsePoint);
  if (values.setting?.length) o.settings = parseSettings(listOption(values.setting));
  if (values.kernels) {
    if (!existsSync(values.kernels) || !statSync(values.kernels).isDirectory()) throw new UsageError(`--kernels: no such folder: ${values.kernels}`);
    o.kernelsDir = values.kernels;
  }

  const { scoreFolder } = await import('../../score/folder.ts');
  const { scoreCandidate } = await import('../../score/session.ts');
  if (dir) {
    if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`no such folder: ${dir}`);
    const f = await scoreFolder(problem, dir, { ...o, onScore: (s) => process.stderr.write(`score: ${s.candidate}: ${s.verdict}${s.reason ? ` (${s.reason.slice(0, 160)})` : ''}\n`) });
    fleetScores(f.scores);
    process.stdout.write(values.json ? `${JSON.stringify(f, null, 2)}\n` : renderFolder(f));
    return { kind: 'score', verdicts: f.scores.map((s) => s.verdict) };
  }
  const s = await scoreCandidate(problem, values.candidate!, o);
  fleetScores([s]);
  process.stdout.write(values.json ? `${JSON.stringify(s, null, 2)}\n` : renderScore(s));
  return { kind: 'score', verdicts: [s.verdict] };
}

/** Under a fleet worker, the Score JSONs also go to the file it names, for the shared history store. */
function fleetScores(scores: unknown[]): void {
  if (process.env.ASSAY_FLEET_SCORES) writeFileSync(process.env.ASSAY_FLEET_SCORES, JSON.stringify(scores));
}

function optionalNumber<K extends string>(flag: string, v: string | undefined, ok: (n: number) => boolean, key: K): Partial<Record<K, number>> {
  if (v === undefined) return {};
  const n = Number(v);
  if (!Number.isFinite(n) || !ok(n)) throw new UsageError(`--${flag} does not take "${v}"`);
  return { [key]: n } as Partial<Record<K, number>>;
}

/** `n=128` or `rows=33,cols=129`: one axis point. */
function parsePoint(text: string): Params {
  const p: Params = {};
  for (const part of text.split(',')) {
    const m = /^\s*([A-Za-z_]\w*)\s*=\s*(\d+)\s*$/.exec(part);
    if (!m) throw new UsageError(`--point takes NAME=VALUE[,NAME=VALUE], not "${text}"`);
    p[m[1]!] = Number(m[2]);
  }
  return p;
}

function parseSettings(list: string[]): Settings {
  const s: Settings = {};
  for (const item of list) {
    const m = /^\s*([A-Za-z_]\w*)\s*=\s*(\S+)\s*$/.exec(item);
    if (!m) throw new UsageError(`--setting takes NAME=VALUE, not "${item}"`);
    s[m[1]!] = /^\d+$/.test(m[2]!) ? Number(m[2]) : m[2]!;
  }
  return s;
}
