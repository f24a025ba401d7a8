// Where Assay keeps files, in one place. Two roots: Assay's own package folder
// (the built addon, the software GPU driver set up at install time), and the
// measured project's data folder `.assay/` (compiled kernels, ab checkouts),
// which ASSAY_CACHE_DIR moves.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Assay's package root: the folder of its package.json. */
export function packageRoot(): string {
  return fileURLToPath(new URL('../../', import.meta.url));
}

/** The project's data folder (`<project>/.assay`, or ASSAY_CACHE_DIR), or a folder inside it. */
export function projectDataDir(project: string = process.cwd(), ...sub: string[]): string {
  return path.resolve(project, process.env.ASSAY_CACHE_DIR || '.assay', ...sub);
}
