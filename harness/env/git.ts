// The git revision a run was taken at, and whether the work tree had changes.
import { execFileSync } from 'node:child_process';
import type { GitInfo } from '../model/types.ts';

function git(args: string[], cwd: string): string | null {
  try {
    return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 }).trim();
  } catch {
    return null;
  }
}

/** Reads the sha, branch and dirtiness of the repository at `cwd`; nulls outside a repository. */
export function captureGit(cwd = process.cwd()): GitInfo {
  const sha = git(['rev-parse', 'HEAD'], cwd);
  if (sha === null) return { sha: null, dirty: null, branch: null };
  const status = git(['status', '--porcelain', '--untracked-files=no'], cwd);
  return { sha, dirty: status === null ? null : status.length > 0, branch: git(['rev-parse', '--abbrev-ref', 'HEAD'], cwd) };
}
