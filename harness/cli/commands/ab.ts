// `assay ab REV_A REV_B [PATHS/FILTERS] [options]`: checks out two revisions,
// starts runners in each, measures their common cases interleaved (or, with
// --measure instructions, counts them side by side under callgrind), and gives
// verdicts for B against A.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { checkout, repoRoot, resolveRevision } from '../../ab/checkout.ts';
import { DEFAULT_PROCESSES, interleave, type InterleaveResult } from '../../ab/interleave.ts';
import { sideBySide } from '../../ab/side-by-side.ts';
import { requireValgrind, startCountingRunner, type CountingRunner } from '../../runner/callgrind.ts';
import { MEASURE_OPTION, measureOption } from '../measure-option.ts';
import { BackendUnavailableError, EXIT, InternalError, UsageError } from '../../model/errors.ts';
import type { Outcome } from '../exit.ts';
import { RunnerClient, RunnerError } from '../../runner/client.ts';
import type { PlanOptions } from '../../runner/protocol.ts';
import { makeComparison } from '../../stats/compare.ts';
import { backendsOption, budgetOption, listOption, parseOrUsage } from '../args.ts';
import { listenForInterrupt } from '../interrupt.ts';
import { createProgress } from '../progress.ts';
import { reportComparison, VERDICT_OPTIONS, verdictSettings } from '../verdict-options.ts';

export async function abCommand(args: string[]): Promise<Outcome> {
  const { values, positionals } = parseOrUsage(
    () =>
      parseArgs({
        args,
        allowPositionals: true,
        options: {
          ...VERDICT_OPTIONS,
          problem: { type: 'string', multiple: true },
          backend: { type: 'string' },
          time: { type: 'string' },
          quick: { type: 'boolean' },
          'no-install': { type: 'boolean' },
          processes: { type: 'string' },
          ...MEASURE_OPTION,
        },
      }),
    'ab',
  );
  const [revA, revB, ...rest] = positionals;
  if (revA === undefined || revB === undefined) throw new UsageError('ab takes two git revisions: assay ab REV_A REV_B [PATHS/FILTERS] [options]');
  const s = verdictSettings(values);
  const backends = backendsOption(values.backend);
  const budgetS = budgetOption(values);
  const mode = measureOption(values.measure) ?? 'time';
  // valgrind is looked for before any checkout is made: without it, the command ends at once (exit 3)
  const valgrind = mode === 'instructions' ? requireValgrind() : null;

  const processes = values.processes === undefined ? DEFAULT_PROCESSES : Number(values.processes);
  if (!Number.isInteger(processes) || processes < 1 || processes > 16) throw new UsageError(`--processes takes a whole number of runner processes per side, 1 to 16, not "${values.processes}"`);

  const cwd = process.cwd();
  const root = repoRoot(cwd);
  const sub = path.relative(root, cwd);
  const shaA = resolveRevision(root, revA);
  const shaB = resolveRevision(root, revB);
  const log = (line: string): void => {
    process.stderr.write(`ab: ${line}\n`);
  };
  const install = !values['no-install'];
  const coA = checkout(root, shaA, { install, log });
  const coB = shaB === shaA ? coA : checkout(root, shaB, { install, log });
  for (const [rev, co] of [[revA, coA], [revB, coB]] as const) {
    log(`${rev} = ${co.sha.slice(0, 10)}: ${co.cached ? 'cached' : 'ready'} (install: ${co.install}${co.built ? ', built' : ''})`);
  }
  const dirA = path.join(coA.dir, sub);
  const dirB = path.join(coB.dir, sub);

  // a positional is a path when it exists in either checkout, otherwise a filter
  const isPath = (p: string): boolean => existsSync(path.resolve(dirA, p)) || existsSync(path.resolve(dirB, p));
  const paths = rest.filter(isPath);
  const filters = rest.filter((p) => !isPath(p));
  const problems = listOption(values.problem);
  const plan = (dir: string): PlanOptions => ({
    paths,
    filters,
    ...(problems.length ? { problems } : {}),
    ...(backends ? { backends } : {}),
    // a revision's own problems are measured when it has them
    ...(existsSync(path.join(dir, 'kernels')) ? { kernelsDir: path.join(dir, 'kernels') } : {}),
    measure: { ...(budgetS !== undefined ? { budgetS } : {}) },
  });
  const planA = plan(coA.dir);
  const planB = plan(coB.dir);
  // revision's own problems only when both have them; otherwise both sides run the same built-in ones
  if (planA.kernelsDir === undefined || planB.kernelsDir === undefined) {
    delete planA.kernelsDir;
    delete planB.kernelsDir;
  }

  const interrupt = listenForInterrupt();
  const progress = createProgress();
  const compareOpts = s.threshold !== undefined ? { compare: { threshold: s.threshold } } : {};
  let result: InterleaveResult;
  let machines: [string, string];
  if (valgrind) {
    // instruction counts: one runner per side under callgrind, counting the same case at the same time
    const started = await Promise.allSettled([
      startCountingRunner(valgrind, { cwd: dirA, label: `A (${revA}) under callgrind` }),
      startCountingRunner(valgrind, { cwd: dirB, label: `B (${revB}) under callgrind` }),
    ]);
    const ok = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const failedStart = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failedStart) {
      await Promise.all(ok.map((r) => r.close()));
      throw asCliError(failedStart.reason);
    }
    const [ca, cb] = ok as [CountingRunner, CountingRunner];
    try {
      result = await sideBySide(ca.client, cb.client, { plan: planA, planB, onEvent: (e) => progress.onEvent(e), signal: interrupt.signal, ...compareOpts });
    } catch (e) {
      throw asCliError(e);
    } finally {
      progress.stop();
      interrupt.release();
      await Promise.all([ca.close(), cb.close()]);
    }
    machines = [ca.client.hello.machine, cb.client.hello.machine];
  } else {
    // started together; one that fails to start takes the others down with it
    const starting = Array.from({ length: 2 * processes }, (_, i) =>
      RunnerClient.start({ cwd: i % 2 === 0 ? dirA : dirB, label: `${i % 2 === 0 ? 'A' : 'B'}${(i >> 1) + 1} (${i % 2 === 0 ? revA : revB})` }),
    );
    const started = await Promise.allSettled(starting);
    const runners = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const failedStart = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failedStart) {
      for (const r of runners) r.kill();
      const e = failedStart.reason as Error;
      throw asCliError(e);
    }
    const a = runners.filter((_, i) => i % 2 === 0);
    const b = runners.filter((_, i) => i % 2 === 1);
    try {
      // each side plans with its own kernels folder, and the same selection
      result = await interleave(a, b, { plan: planA, planB, onEvent: (e) => progress.onEvent(e), signal: interrupt.signal, ...compareOpts });
    } catch (e) {
      throw asCliError(e);
    } finally {
      progress.stop();
      interrupt.release();
      await Promise.all(runners.map((r) => r.shutdown()));
    }
    machines = [a[0]!.hello.machine, b[0]!.hello.machine];
  }
  const cmp = makeComparison(result.cases, {
    mode: valgrind ? 'side-by-side' : 'interleaved',
    measure: mode,
    base: { label: `A ${revA} (${shaA.slice(0, 10)})`, machine: machines[0], git: shaA },
    head: { label: `B ${revB} (${shaB.slice(0, 10)})`, machine: machines[1], git: shaB },
    failOn: s.failOn,
    ...(s.threshold !== undefined ? { threshold: s.threshold } : {}),
  });
  reportComparison(cmp, s);
  return { kind: 'comparison', comparison: cmp, interrupted: result.interrupted };
}

/** A runner's error as the CLI error of the same exit code (2 usage or input, 3 backend unavailable, 4 Assay failed). */
function asCliError(e: unknown): unknown {
  if (!(e instanceof RunnerError)) return e;
  if (e.exitCode === EXIT.unavailable) return new BackendUnavailableError(e.message);
  if (e.exitCode === EXIT.usage) return new UsageError(e.message);
  return new InternalError(e.message, { cause: e });
}
