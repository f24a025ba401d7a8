// Errors that end a command, each mapped to one exit code, and the error of an
// artifact at fault. Faults in a user's artifact (a wrong output, a failed build)
// are values in the RunResult (a failed case with its location); they are thrown
// as ArtifactError only inside a backend, and the case runner turns them into values.

/** Exit codes of the CLI, as DESIGN.md fixes them. */
export const EXIT = {
  ok: 0,
  /** A regression was found, a case failed, or a candidate was rejected. */
  regression: 1,
  /** A usage, configuration or input error. */
  usage: 2,
  /** A needed backend or tool is unavailable on this machine. */
  unavailable: 3,
  /** Assay itself failed: a bug, or a runner that died for no fault of the code under test. */
  internal: 4,
  /** Interrupted by Ctrl-C. */
  interrupted: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

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

/** A backend or tool the user asked for cannot run here: exit 3, saying why and how to fix it. */
export class BackendUnavailableError extends Error {
  readonly exitCode = EXIT.unavailable;
  constructor(message: string) {
    super(message);
    this.name = 'BackendUnavailableError';
  }
}

/** Assay itself failed, for no fault of the code under test: exit 4. */
export class InternalError extends Error {
  readonly exitCode = EXIT.internal;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InternalError';
  }
}

/**
 * An error in the artifact itself (a compiler error, malformed WGSL, a model that
 * does not load), as opposed to a harness fault. `file`, `line` and `column` point at it.
 */
export class ArtifactError extends Error {
  constructor(
    message: string,
    readonly file: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    super(message);
    this.name = 'ArtifactError';
  }
}

/** Where in a user's file a fault lies, as a failed case records it. */
export interface Location {
  file: string;
  line?: number;
  column?: number;
}

/**
 * The exit code an error maps to. The typed errors carry theirs; anything else
 * is unexpected, so it is Assay's own failure (4), never blamed on the user.
 */
export function exitCodeOf(e: unknown): ExitCode {
  if (e instanceof UsageError || e instanceof InputError || e instanceof BackendUnavailableError || e instanceof InternalError) return e.exitCode;
  const code = (e as { exitCode?: unknown } | null)?.exitCode;
  if (code === EXIT.usage || code === EXIT.unavailable || code === EXIT.internal) return code;
  return EXIT.internal;
}

/** The message of anything thrown. */
export function describeError(e: unknown): string {
  if (e instanceof Error) return e.message || e.name;
  return String(e);
}
