// A runner's error as the CLI error of the same exit code (2 usage or input, 3
// backend unavailable, 4 Assay failed), for the commands that start runners.
import { BackendUnavailableError, EXIT, InternalError, UsageError } from '../model/errors.ts';
import { RunnerError } from '../runner/client.ts';

export function asCliError(e: unknown): unknown {
  if (!(e instanceof RunnerError)) return e;
  if (e.exitCode === EXIT.unavailable) return new BackendUnavailableError(e.message);
  if (e.exitCode === EXIT.usage) return new UsageError(e.message);
  return new InternalError(e.message, { cause: e });
}
