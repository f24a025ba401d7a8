// What travels with a job, so that a worker needs no access to the user's
// files or repository: a gzipped tar of the files its arguments name (bench
// files with the files beside them, a candidate, a folder of candidates, a
// kernels folder), or a git bundle of the revisions it measures (ab, nightly).
// tar(1) and git(1) do the packing; the folder layout relative to the working
// folder is kept, so that the arguments (and the case ids built from paths)
// read the same on the worker.
import { execFileSync, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { InputError, UsageError } from '../model/errors.ts';

/** The most a job may carry, before compression. */
export const MAX_PAYLOAD_BYTES = 64 * 2 ** 20;
/** Folders never packed from inside a folder that is. */
const SKIP = new Set(['node_modules', '.git', '.assay']);

/** The paths (relative to `cwd`) of the files that `paths` name: a file with the files beside it, a folder with everything under it. */
export function filesToPack(cwd: string, paths: string[]): string[] {
  const out = new Set<string>();
  let bytes = 0;
  const add = (abs: string): void => {
    const rel = path.relative(cwd, abs);
    if (out.has(rel)) return;
    out.add(rel);
    bytes += statSync(abs).size;
    if (bytes > MAX_PAYLOAD_BYTES) throw new UsageError(`--remote: the files to send come to more than ${MAX_PAYLOAD_BYTES / 2 ** 20} MiB (at ${rel}); name fewer or smaller files`);
  };
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const p = path.join(dir, name);
      const st = statSync(p);
      if (st.isDirectory()) {
        if (!SKIP.has(name)) walk(p);
      } else if (st.isFile()) add(p);
    }
  };
  for (const p of paths) {
    const abs = path.resolve(cwd, p);
    const rel = path.relative(cwd, abs);
    if (rel.startsWith('..') || path.isAbsolute(rel)) throw new UsageError(`--remote sends files from the working folder, and ${p} lies outside it; run the command from a folder that holds it`);
    let st;
    try {
      st = statSync(abs);
    } catch {
      throw new InputError(`--remote: cannot read ${p}`, p);
    }
    if (st.isDirectory()) walk(abs);
    else {
      add(abs);
      // a bench file or candidate may import the files beside it
      const dir = path.dirname(abs);
      for (const name of readdirSync(dir).sort()) {
        const q = path.join(dir, name);
        if (!name.startsWith('.') && statSync(q).isFile()) add(q);
      }
    }
  }
  return [...out];
}

/** A gzipped tar of `files` (relative to `cwd`). */
export function packFiles(cwd: string, files: string[]): Buffer {
  if (files.length === 0) return Buffer.alloc(0);
  const r = spawnSync('tar', ['-czf', '-', '--null', '-T', '-'], { cwd, input: files.join('\0'), maxBuffer: MAX_PAYLOAD_BYTES * 2 });
  if (r.status !== 0) throw new InputError(`--remote: tar could not pack the files (${r.stderr?.toString().trim() || r.error?.message})`, cwd);
  return r.stdout;
}

/** Unpacks a tar made by packFiles into `dir`. */
export function unpackFiles(tar: Buffer, dir: string): void {
  mkdirSync(dir, { recursive: true });
  if (tar.length === 0) return;
  const r = spawnSync('tar', ['-xzf', '-', '--no-same-owner'], { cwd: dir, input: tar, maxBuffer: 16 * 2 ** 20 });
  if (r.status !== 0) throw new Error(`tar could not unpack the job's files (${r.stderr?.toString().trim()})`);
}

const git = (args: string[], cwd: string): string => execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

export interface Bundle {
  data: Buffer;
  /** The revision names as given -> their shas. */
  revisions: Record<string, string>;
  /** The working folder, relative to the repository's top. */
  subdir: string;
}

/** A git bundle of the commits `revs` name (and their history), made from the repository holding `cwd`. */
export function makeBundle(cwd: string, revs: string[]): Bundle {
  let root: string;
  try {
    root = git(['rev-parse', '--show-toplevel'], cwd);
  } catch {
    throw new UsageError(`--remote sends revisions as a git bundle, and ${cwd} is not inside a git repository`);
  }
  const revisions: Record<string, string> = {};
  for (const r of revs) {
    try {
      revisions[r] = git(['rev-parse', '--verify', '--quiet', `${r}^{commit}`], root);
    } catch {
      throw new UsageError(`"${r}" is not a commit of the repository at ${root}; give a sha, branch or tag (git log shows them)`);
    }
  }
  // a bundle records refs, not bare commits: name each for the moment, under a namespace of its own
  const ns = `refs/assay-remote/${randomUUID()}`;
  const refs = Object.values(revisions).map((sha, i) => {
    git(['update-ref', `${ns}/${i}`, sha], root);
    return `${ns}/${i}`;
  });
  const file = path.join(tmpdir(), `assay-bundle-${randomUUID()}.bundle`);
  try {
    git(['bundle', 'create', '--quiet', file, ...refs], root);
    const data = execFileSync('cat', [file], { maxBuffer: MAX_PAYLOAD_BYTES * 4 });
    if (data.length > MAX_PAYLOAD_BYTES) throw new UsageError(`--remote: the git bundle of ${revs.join(', ')} is ${Math.round(data.length / 2 ** 20)} MiB, more than ${MAX_PAYLOAD_BYTES / 2 ** 20} MiB`);
    return { data, revisions, subdir: path.relative(root, path.resolve(cwd)) };
  } finally {
    for (const r of refs) spawnSync('git', ['update-ref', '-d', r], { cwd: root });
    spawnSync('rm', ['-f', file]);
  }
}

/** Fetches a bundle's commits into the worker's repository `repo` (made when missing), and checks out `sha` there, detached and clean. */
export function checkoutBundle(data: Buffer, repo: string, sha: string): void {
  mkdirSync(repo, { recursive: true });
  if (spawnSync('git', ['rev-parse', '--git-dir'], { cwd: repo, stdio: 'ignore' }).status !== 0 || !statSync(path.join(repo, '.git'), { throwIfNoEntry: false })) {
    git(['init', '--quiet'], repo);
    // the ab cache lives inside; keep it out of `git clean`
    writeFileSync(path.join(repo, '.git', 'info', 'exclude'), '.assay/\n');
  }
  const file = path.join(repo, '.git', `job-${randomUUID()}.bundle`);
  writeFileSync(file, data);
  try {
    git(['fetch', '--quiet', '--no-tags', file, '+refs/assay-remote/*:refs/assay-remote/*'], repo);
    git(['-c', 'advice.detachedHead=false', 'checkout', '--quiet', '--force', '--detach', sha], repo);
    git(['clean', '-fdxq', '-e', '.assay/'], repo);
  } finally {
    spawnSync('rm', ['-f', file]);
  }
}
