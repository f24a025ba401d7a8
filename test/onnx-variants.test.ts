// Every built-in problem's ONNX variant verifies against its JS reference, at
// every axis point, execution provider and thread count, and the committed
// models are exactly what the generator writes.
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EP_METADATA_KEY, readMetadataProps } from '../harness/backends/onnx/model-metadata.ts';
import { encodeModel } from '../harness/backends/onnx/onnx-model.ts';
import { MODELLED_PROBLEMS, problemGraph } from '../harness/backends/onnx/problem-models.ts';
import { loadProblems } from '../harness/run/suite.ts';
import { assay, ROOT } from './helpers.ts';

describe('ONNX variants of the built-in problems', () => {
  it('all verify and are measured with their settings and session time', () => {
    const r = assay(['run', '--backend', 'onnx', '--time', '0.05', '--no-samples', '--json', '-']);
    expect(r.code, r.stderr).toBe(0);
    const run = JSON.parse(r.stdout);
    const problems = new Set(run.cases.map((c: { problem: string }) => c.problem));
    expect([...problems].sort()).toEqual([...MODELLED_PROBLEMS].sort());
    for (const c of run.cases) {
      expect(c.state, `${c.id}: ${c.error ?? ''}`).toBe('measured');
      expect(c.kind).toBe('onnx');
      expect(c.variant).toBe('ort.onnx');
      expect(['cpu', 'webgpu']).toContain(c.settings.ep);
      expect([1, 2]).toContain(c.settings.threads);
      expect(c.id).toContain(`ep=${c.settings.ep},threads=${c.settings.threads}`);
      expect(c.stats.verify.passed).toBe(true);
      expect(c.details.session_ms).toBeGreaterThan(0);
      expect(c.details.outputs_in_place).toBe(true);
    }
    // every problem ran on the CPU provider, and on WebGPU where this machine has an adapter
    // (the software one on machines without a GPU), except models limited to the CPU
    const eps = JSON.parse(assay(['list', '--json']).stdout).backends.find((b: { kind: string }) => b.kind === 'onnx').info.eps as string[];
    const withEp = (ep: string): Set<string> => new Set(run.cases.filter((c: { settings: { ep: string } }) => c.settings.ep === ep).map((c: { problem: string }) => c.problem));
    expect([...withEp('cpu')].sort()).toEqual([...MODELLED_PROBLEMS].sort());
    if (eps.includes('webgpu')) expect([...withEp('webgpu')].sort()).toEqual(MODELLED_PROBLEMS.filter((p) => p !== 'prefix-sum').sort());
    // both thread counts of every point were measured
    expect(run.cases.filter((c: { settings: { threads: number } }) => c.settings.threads === 2)).toHaveLength(run.cases.length / 2);
  });

  it('the committed models are what `npm run gen:onnx` writes', async () => {
    for (const { problem } of await loadProblems()) {
      if (!MODELLED_PROBLEMS.includes(problem.name)) continue;
      const committed = readFileSync(path.join(ROOT, 'kernels', problem.name, 'ort.onnx'));
      expect(Buffer.from(encodeModel(problemGraph(problem))).equals(committed), `${problem.name}: regenerate with npm run gen:onnx`).toBe(true);
    }
  });

  it('a model can limit its execution providers in its metadata (prefix-sum: cpu only)', () => {
    const meta = readMetadataProps(readFileSync(path.join(ROOT, 'kernels/prefix-sum/ort.onnx')));
    expect(meta[EP_METADATA_KEY]).toBe('cpu');
    expect(meta[`${EP_METADATA_KEY}.reason`]).toMatch(/CumSum/);
    expect(readMetadataProps(readFileSync(path.join(ROOT, 'kernels/matmul/ort.onnx')))).toEqual({});
    expect(readMetadataProps(readFileSync(path.join(ROOT, 'package.json')))).toEqual({});
  });

  it('a model whose inputs are not the problem\'s tensors fails verification, naming the file and the tensors (exit 1)', () => {
    // the softmax model's input is "x", not matmul's "a" and "b"
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'assay-onnx-')), 'softmax-for-matmul.onnx');
    copyFileSync('kernels/softmax/ort.onnx', file);
    const r = assay(['run', '--problem', 'matmul', '--candidate', file, '--backend', 'onnx', 'softmax-for-matmul.onnx[n=128,ep=cpu,threads=1]', '--time', '0.05', '--json', '-']);
    expect(r.code).toBe(1);
    const [c] = JSON.parse(r.stdout).cases;
    expect(c).toMatchObject({ state: 'failed', stage: 'verify', variant: 'softmax-for-matmul.onnx' });
    expect(c.error).toContain(`${file}: the model has no input named "a", "b"; its inputs are "x"`);
  });
});
