// Checkouts of git revisions for `assay ab`: each revision is a detached git
// worktree under `.assay/ab/<sha>`, installed (npm ci) and built once, and reused
// by every later `ab` of that revision.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../model/errors.ts';
import { projectDataDir } from '../model/paths.ts';

function git(args: string[], cwd: string): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

/** The top folder of the git repository holding `cwd`. */
export function repoRoot(cwd: string): string {
  try {
    return git(['rev-parse', '--show-toplevel'], cwd);
  } catch {
    throw new UsageError(`ab compares git revisions, and ${cwd} is not inside a git repository`);
  }
}

/** The full sha of a revision (a sha, branch, tag, HEAD~1 ...). */
export function resolveRevision(root: string, rev: string): string {
  try {
    return git(['rev-parse', '--verify', '--quiet', `${rev}^{commit}`], root);
  } catch {
    throw new UsageError(`"${rev}" is not a commit of the repository at ${root}; give a sha, branch or tag (git log shows them)`);
  }
}

/** Where checkouts are cached: `ab/` in the repository's data folder, or ASSAY_AB_CACHE. */
export function cacheDir(root: string): string {
  return process.env.ASSAY_AB_CACHE ? path.resolve(root, process.env.ASSAY_AB_CACHE) : projectDataDir(root, 'ab');
}

export interface Checkout {
  sha: string;
  dir: string;
  /** Whether it was reused from an earlier `ab`. */
  cached: boolean;
  /** What installing did: `npm ci`, `npm install`, `linked` (the repository's node_modules, for an identical lockfile), or `none`. */
  install: string;
  built: boolean;
}

/**
 * The checkout of `sha`, made (worktree, install, build) when it is not cached.
 * A checkout whose set-up did not finish is made again from scratch.
 */
export function checkout(root: string, sha: string, opts: { install: boolean; log: (line: string) => void }): Checkout {
  const cache = cacheDir(root);
  const dir = path.join(cache, sha);
  const marker = path.join(cache, `${sha}.json`);
  if (existsSync(marker) && existsSync(dir)) {
    const m = JSON.parse(readFileSync(marker, 'utf8')) as Checkout;
    return { ...m, dir, cached: true };
  }
  mkdirSync(cache, { recursive: true });
  // the cache ignores itself, in repositories whose .gitignore does not list it
  if (!existsSync(path.join(cache, '.gitignore'))) writeFileSync(path.join(cache, '.gitignore'), '*\n');
  if (existsSync(dir)) {
    rmSync(dir, { recursive: true, force: true });
    spawnSync('git', ['worktree', 'prune'], { cwd: root });
  }
  opts.log(`checking out ${sha.slice(0, 10)} into ${path.relative(root, dir)}`);
  try {
    git(['worktree', 'add', '--detach', '--force', dir, sha], root);
  } catch (e) {
    throw new UsageError(`cannot check out ${sha} into ${dir}: ${(e as { stderr?: string }).stderr?.trim() || (e as Error).message}`);
  }
  const install = opts.install ? installDeps(root, dir, opts.log) : 'none';
  const built = opts.install ? build(dir, opts.log) : false;
  const made: Checkout = { sha, dir, cached: false, install, built };
  writeFileSync(marker, `${JSON.stringify({ sha, install, built, made_at: new Date().toISOString() })}\n`);
  return made;
}

function readJson(file: string): Record<string, unknown> | null {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    return null;
  }
}

const LOCKFILES = ['package-lock.json', 'npm-shrinkwrap.json'];

function installDeps(root: string, dir: string, log: (line: string) => void): string {
  const pkg = readJson(path.join(dir, 'package.json'));
  if (!pkg) return 'none';
  const lock = LOCKFILES.find((f) => existsSync(path.join(dir, f)));
  if (lock) {
    // the same lockfile as the repository's own checkout: its node_modules are what npm ci would make
    const same = existsSync(path.join(root, lock)) && readFileSync(path.join(root, lock), 'utf8') === readFileSync(path.join(dir, lock), 'utf8');
    if (same && existsSync(path.join(root, 'node_modules'))) {
      symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
      // npm ci would also have run the package's own install scripts (a native addon's build, say)
      const scripts = (pkg.scripts ?? {}) as Record<string, string>;
      for (const s of ['preinstall', 'install', 'postinstall', 'prepare']) if (scripts[s]) npm(['run', s], dir, log);
      return 'linked';
    }
    npm(['ci', '--no-audit', '--no-fund'], dir, log);
    return 'npm ci';
  }
  const deps = { ...(pkg.dependencies as object | undefined), ...(pkg.devDependencies as object | undefined) };
  if (Object.keys(deps).length === 0) return 'none';
  npm(['install', '--no-audit', '--no-fund'], dir, log);
  return 'npm install';
}

function build(dir: string, log: (line: string) => void): boolean {
  const scripts = readJson(path.join(dir, 'package.json'))?.scripts as Record<string, string> | undefined;
  if (!scripts?.build) return false;
  npm(['run', 'build'], dir, log);
  return true;
}

function npm(args: string[], cwd: string, log: (line: string) => void): void {
  log(`npm ${args.join(' ')} in ${cwd}`);
  const r = spawnSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0) {
    const tail = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim().split('\n').slice(-15).join('\n');
    throw new UsageError(`npm ${args.join(' ')} failed in ${cwd} (exit ${r.status ?? r.signal}):\n${tail}\nFix the revision's install, or pass --no-install to measure the checkout as it is.`);
  }
}
