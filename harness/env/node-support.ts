// Which Node versions Assay supports, and whether this one is among them. The
// measuring loop is checked on each (npm run bench:harness per version, and CI
// runs the suite on all three), since V8's tiers and their heuristics change
// between majors and a loop that reads right on one can read wrong on another.

/** The Node majors Assay is tested and cross-checked on. */
export const SUPPORTED_NODE_MAJORS = [20, 22, 24] as const;

export interface NodeSupport {
  version: string;
  supported_majors: number[];
  supported: boolean;
  note?: string;
}

export function nodeSupport(version = process.version): NodeSupport {
  const major = Number(/^v(\d+)/.exec(version)?.[1]);
  const supported = (SUPPORTED_NODE_MAJORS as readonly number[]).includes(major);
  return {
    version,
    supported_majors: [...SUPPORTED_NODE_MAJORS],
    supported,
    ...(supported
      ? major === 20
        ? { note: 'Node 20 reached its end of life in April 2026; Assay still supports it, but prefer 22 or 24' }
        : {}
      : { note: `Assay is checked on Node ${SUPPORTED_NODE_MAJORS.join(', ')}; its measuring loop has not been cross-checked on ${version}` }),
  };
}
