// The CLI entry: parses the command line, calls the library, maps the outcome to
// an exit code. The measuring clock is imported first, before anything that
// could load user code.
import '../measure/clock.ts';
import { UsageError } from '../model/errors.ts';
import { DONE, errorMessage, exitCodeFor, exitCodeForError, type Outcome } from './exit.ts';
import { TOOL_VERSION } from '../model/version.ts';
import { abCommand } from './commands/ab.ts';
import { baselineCommand } from './commands/baseline.ts';
import { bisectCommand } from './commands/bisect.ts';
import { compareCommand } from './commands/compare.ts';
import { envCommand } from './commands/env.ts';
import { historyCommand } from './commands/history.ts';
import { listCommand } from './commands/list.ts';
import { mcpCommand } from './commands/mcp.ts';
import { modelCommand } from './commands/model.ts';
import { nightlyCommand } from './commands/nightly.ts';
import { problemCommand } from './commands/problem.ts';
import { reportCommand } from './commands/report.ts';
import { runCommand } from './commands/run.ts';
import { scoreCommand } from './commands/score.ts';
import { HELP } from './help.ts';

const COMMANDS: Record<string, (args: string[]) => Promise<Outcome>> = {
  run: runCommand,
  list: listCommand,
  env: envCommand,
  problem: problemCommand,
  compare: compareCommand,
  baseline: baselineCommand,
  ab: abCommand,
  model: modelCommand,
  nightly: nightlyCommand,
  history: historyCommand,
  bisect: bisectCommand,
  report: reportCommand,
  score: scoreCommand,
  mcp: mcpCommand,
  // the fleet's commands load pg-boss and pg, so they are imported when they run
  worker: async (a) => (await import('./commands/worker.ts')).workerCommand(a),
  workers: async (a) => (await import('./commands/workers.ts')).workersCommand(a),
  jobs: async (a) => (await import('./commands/jobs.ts')).jobsCommand(a),
};

/** The commands that take --remote TAG (cli/remote.ts). */
const REMOTE_COMMANDS = new Set(['run', 'score', 'ab', 'nightly']);

export async function main(argv: string[]): Promise<Outcome> {
  const [cmd, ...rest] = argv;
  if (cmd === undefined || cmd === 'help' || cmd === '--help' || cmd === '-h') {
    process.stdout.write(HELP);
    return DONE;
  }
  if (cmd === '--version' || cmd === '-v') {
    process.stdout.write(`${TOOL_VERSION}\n`);
    return DONE;
  }
  const command = COMMANDS[cmd];
  if (!command) throw new UsageError(`unknown command "${cmd}"; run \`assay help\` for the commands`);
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(HELP);
    return DONE;
  }
  // --remote TAG: the same command, on a fleet worker with that tag
  if (REMOTE_COMMANDS.has(cmd) && rest.some((a) => a === '--remote' || a.startsWith('--remote='))) return (await import('./remote.ts')).remoteCommand(cmd, rest);
  return command(rest);
}

try {
  process.exitCode = exitCodeFor(await main(process.argv.slice(2)));
} catch (e) {
  const code = exitCodeForError(e);
  process.stderr.write(errorMessage(e, code));
  if (process.env.ASSAY_DEBUG && e instanceof Error) process.stderr.write(`${e.stack}\n`);
  process.exitCode = code;
}
