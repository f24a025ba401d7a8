// scripts/check-layout.mjs on small synthetic trees: a clean tree passes, and each
// layout rule that a change can break makes it exit 1 and name the files.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const SCRIPT = fileURLToPath(new URL('../scripts/check-layout.mjs', import.meta.url));

const BASE: Record<string, string> = {
  'harness/model/types.ts': 'export interface Sample { ns: number }\n',
  'harness/stats/summary.ts': [
    "import type { Sample } from '../model/types.ts';",
    'export const mean = (xs: Sample[]): number => xs.reduce((a, x) => a + x.ns, 0) / xs.length;',
    '',
  ].join('\n'),
  'harness/run/run.ts': [
    "import { mean } from '../stats/summary.ts';",
    'export function run(): number { return mean([{ ns: 1 }]); }',
    '',
  ].join('\n'),
  'harness/index.ts': [
    "export { run } from './run/run.ts';",
    "export type { Sample } from './model/types.ts';",
    '',
  ].join('\n'),
  'kernels/p/problem.ts': [
    "import { run } from 'assay';",
    'export default { name: "p", run };',
    '',
  ].join('\n'),
};

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Writes BASE, with `changes` added or replacing files, into a fresh temp dir and checks it. */
function check(changes: Record<string, string> = {}): { code: number | null; out: string } {
  const root = mkdtempSync(path.join(tmpdir(), 'assay-layout-'));
  dirs.push(root);
  for (const [rel, text] of Object.entries({ ...BASE, ...changes })) {
    const file = path.join(root, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
  const r = spawnSync(process.execPath, [SCRIPT, root], { encoding: 'utf8', timeout: 30_000 });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

const append = (rel: string, line: string): Record<string, string> => ({ [rel]: `${BASE[rel] ?? ''}${line}\n` });

describe('check-layout', () => {
  it('passes a clean tree and says how much it read', () => {
    const r = check();
    expect(r.out).toMatch(/^layout: ok \(5 files, 5 imports\)\n$/);
    expect(r.code).toBe(0);
  });

  it('ignores imports in comments and strings', () => {
    const r = check(append('harness/stats/summary.ts', [
      "// import '../run/run.ts';",
      "/* import { run } from '../run/run.ts'; */",
      "export const text = \"import '../run/run.ts'\";",
    ].join('\n')));
    expect(r.out).toContain('layout: ok');
    expect(r.code).toBe(0);
  });

  it('fails when a folder imports a higher one, naming both files', () => {
    const r = check(append('harness/stats/summary.ts', "import '../run/run.ts';"));
    expect(r.code).toBe(1);
    expect(r.out).toContain('layout: harness/stats/summary.ts imports harness/run/run.ts: ');
    // run/ imports stats/ as well, so the two folders form a cycle, reported with both edges
    expect(r.out).toContain('layout: harness/stats/summary.ts imports harness/run/run.ts: folder cycle: stats/, run/');
    expect(r.out).toContain('layout: harness/run/run.ts imports harness/stats/summary.ts: folder cycle: stats/, run/');
  });

  it('names the order rule for a folder without a rule of its own', () => {
    const r = check({ 'harness/run/run.ts': "import '../cli/main.ts';\n", 'harness/cli/main.ts': 'export {};\n' });
    expect(r.code).toBe(1);
    expect(r.out).toContain('layout: harness/run/run.ts imports harness/cli/main.ts: run/ may not import cli/ (cli/ is above run/ in the layout)');
  });

  it('fails when a kernel imports a path inside harness/', () => {
    const r = check(append('kernels/p/problem.ts', "import type { Sample } from '../../harness/model/types.ts';"));
    expect(r.code).toBe(1);
    expect(r.out).toContain("layout: kernels/p/problem.ts imports harness/model/types.ts: kernels import only 'assay'");
  });

  it('fails when report/ imports backends/', () => {
    const r = check({
      'harness/backends/js.ts': "import type { Sample } from '../model/types.ts';\nexport const kind = 'js';\n",
      'harness/report/console.ts': "import { kind } from '../backends/js.ts';\nexport const line = (): string => kind;\n",
    });
    expect(r.code).toBe(1);
    expect(r.out).toContain('layout: harness/report/console.ts imports harness/backends/js.ts: ');
  });

  it('fails on a folder that is not in the layout table', () => {
    const r = check({ 'harness/core/old.ts': "export * from '../model/types.ts';\n" });
    expect(r.code).toBe(1);
    expect(r.out).toContain('harness/core/ is not in the layout table of scripts/check-layout.mjs');
  });

  it('fails on a relative import of a file that does not exist', () => {
    const r = check(append('harness/run/run.ts', "export const later = () => import('../model/gone.ts');"));
    expect(r.code).toBe(1);
    expect(r.out).toContain('layout: harness/run/run.ts imports harness/model/gone.ts: no such file');
  });

  it('fails on a loose file at harness/ top level', () => {
    const r = check({ 'harness/util.ts': 'export const x = 1;\n' });
    expect(r.code).toBe(1);
    expect(r.out).toContain('layout: harness/util.ts: loose file');
  });
});
