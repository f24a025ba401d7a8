// Errors that end a command, each mapped to one exit code. Faults in a user's
// artifact (a wrong output, a failed build) are values in the RunResult instead.

/** Exit codes of the CLI, as DESIGN.md fixes them. */
export const EXIT = {
  ok: 0,
  /** A regression was found, or a candidate was rejected or failed verification. */
  regression: 1,
  /** A usage, configuration or input error. */
  usage: 2,
  /** A needed backend is unavailable on this machine. */
  unavailable: 3,
} as const;

/** Bad arguments or configuration: exit 2. */
export class UsageError extends Error {
  readonly exitCode = EXIT.usage;
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** A file the user gave cannot be read or loaded: exit 2, naming the file (and line where known). */
export class InputError extends Error {
  readonly exitCode = EXIT.usage;
  constructor(
    message: string,
    readonly file: string,
    readonly line?: number,
  ) {
    super(message);
    this.name = 'InputError';
  }
}

/** A backend the user asked for cannot run here: exit 3, saying why and how to fix it. */
export class BackendUnavailableError extends Error {
  readonly exitCode = EXIT.unavailable;
  constructor(message: string) {
    super(message);
    this.name = 'BackendUnavailableError';
  }
}

/** The exit code an error maps to; anything unexpected is a harness failure and maps to 2. */
export function exitCodeOf(e: unknown): number {
  if (e instanceof UsageError || e instanceof InputError || e instanceof BackendUnavailableError) return e.exitCode;
  return EXIT.usage;
}

/** The message of anything thrown, with the location of a syntax error where the loader gave one. */
export function describeError(e: unknown): string {
  if (e instanceof Error) return e.message || e.name;
  return String(e);
}
