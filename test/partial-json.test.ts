// A process that dies mid-run (as one would on a crash inside ONNX Runtime)
// leaves a JSON file with every case finished before it, marked partial; the
// final write, when the run ends, drops the mark.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { assay, ROOT } from './helpers.ts';

const BIN = fileURLToPath(new URL('../harness/cli/assay.mjs', import.meta.url));

/** Starts `assay args`, waits until `file` holds a partial run with at least one case, then kills the process outright. */
async function killAfterFirstCase(args: string[], file: string): Promise<any> {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: 'ignore' });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  const deadline = Date.now() + 60_000;
  let seen: any = null;
  while (Date.now() < deadline && !seen) {
    await new Promise((r) => setTimeout(r, 50));
    if (!existsSync(file)) continue;
    const run = JSON.parse(readFileSync(file, 'utf8')); // atomic rewrites: never half a file
    if (run.cases.length >= 1) seen = run;
  }
  child.kill('SIGKILL');
  expect(await exited).toBe('SIGKILL');
  return JSON.parse(readFileSync(file, 'utf8'));
}

describe('progressive JSON', () => {
  it('assay model: a killed run keeps its finished cases, marked partial', async () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'assay-partial-')), 'model.json');
    const run = await killAfterFirstCase(['model', 'test/fixtures/models/mlp.onnx', '--threads', '1,2', '--opt-level', 'disabled,basic,extended,all', '--time', '1', '--json', file], file);
    expect(run.partial).toBe(true);
    expect(run.schema).toBe(1);
    expect(run.cases.length).toBeGreaterThanOrEqual(1);
    expect(run.cases.length).toBeLessThan(8);
    expect(run.cases[0]).toMatchObject({ kind: 'onnx', state: 'measured', settings: { ep: 'cpu', threads: 1, opt: 'disabled' } });
  });

  it('assay run: a killed run keeps its finished cases, marked partial', async () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'assay-partial-')), 'run.json');
    const run = await killAfterFirstCase(['run', '--problem', 'saxpy', '--time', '1', '--json', file], file);
    expect(run.partial).toBe(true);
    expect(run.machine.id).toEqual(expect.any(String));
    expect(run.config).toMatchObject({ budget_s: 1, problems: ['saxpy'] });
    expect(run.cases[0]).toMatchObject({ problem: 'saxpy', state: 'measured' });
  });

  it('a run that ends writes the final JSON without the mark', () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'assay-partial-')), 'done.json');
    const r = assay(['model', 'test/fixtures/models/convnet.onnx', '--threads', '1,2', '--time', '0.05', '--json', file]);
    expect(r.code, r.stderr).toBe(0);
    const run = JSON.parse(readFileSync(file, 'utf8'));
    expect(run.partial).toBeUndefined();
    expect(run.cases).toHaveLength(2);
  });
});
