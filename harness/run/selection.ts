// What to run: one shape for `assay run`, the runner protocol's plan and
// `assay ab`, resolved once against a working folder.
import path from 'node:path';
import { ALL_KINDS } from '../backends/registry.ts';
import type { ArtifactKind } from '../model/types.ts';

/** The cases to run. Everything is optional; the defaults select the built-in suite. */
export interface Selection {
  /** Files or folders to search for bench files. When given, only their benchmarks run (plus `problems`, if named). */
  paths?: string[];
  /** Substrings of case ids to keep. */
  filters?: string[];
  /** Built-in problems to run; all when neither this nor `paths` is given. */
  problems?: string[];
  /** Artifact kinds to run; all by default. */
  backends?: ArtifactKind[];
  /** Candidate files measured beside the variants of the one problem named in `problems`. */
  candidates?: string[];
  /** A folder of problems to use instead of the built-in `kernels/`. */
  kernelsDir?: string;
}

/** A selection with its paths absolute and its defaults filled in. */
export interface ResolvedSelection {
  cwd: string;
  paths: string[];
  filters: string[];
  /** Problems named; undefined means all (when no paths are given). */
  problems?: string[];
  /** The kinds asked for, or undefined when none were named (all run). */
  asked?: ArtifactKind[];
  kinds: ArtifactKind[];
  candidates: string[];
  kernelsDir?: string;
}

export function resolveSelection(s: Selection, cwd: string): ResolvedSelection {
  return {
    cwd,
    paths: (s.paths ?? []).map((p) => path.resolve(cwd, p)),
    filters: s.filters ?? [],
    ...(s.problems?.length ? { problems: s.problems } : {}),
    ...(s.backends?.length ? { asked: s.backends } : {}),
    kinds: s.backends?.length ? s.backends : ALL_KINDS,
    candidates: (s.candidates ?? []).map((c) => path.resolve(cwd, c)),
    ...(s.kernelsDir ? { kernelsDir: path.resolve(cwd, s.kernelsDir) } : {}),
  };
}
