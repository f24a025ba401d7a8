// Bad input to `assay model` (and a broken ONNX candidate): each gets a message
// naming the file or input, and exit 2, or exit 3 for a provider not available here.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { assay } from './helpers.ts';

const M = 'test/fixtures/models';
const tmp = mkdtempSync(path.join(os.tmpdir(), 'assay-onnx-bad-'));

function model(args: string[]): { code: number | null; stderr: string; stdout: string } {
  return assay(['model', ...args, '--time', '0.05', '--threads', '1']);
}

describe('assay model: bad input', () => {
  it('a missing file', () => {
    const r = model(['no/such/model.onnx']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no such model file: no\/such\/model\.onnx/);
  });

  it('a file that is not ONNX', () => {
    const r = model(['package.json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/package\.json: not a loadable ONNX model: .*protobuf parsing failed.*does not start like an ONNX model/);
  });

  it('a truncated model', () => {
    const file = path.join(tmp, 'truncated.onnx');
    writeFileSync(file, readFileSync(`${M}/convnet.onnx`).subarray(0, 5000));
    const r = model([file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${file}: not a loadable ONNX model`);
    expect(r.stderr).toMatch(/truncated or corrupt/);
  });

  it('an input type that cannot be synthesized', () => {
    const r = model([`${M}/string-input.onnx`]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/string-input\.onnx: input "text" is of type string, which assay model cannot synthesize/);
  });

  it('a symbolic dimension with no default and no value', () => {
    const r = model([`${M}/mixed-inputs.onnx`]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/input "ids" has symbolic dimension "seq" .* give it with --shape seq=VALUE/);
  });

  it('--shape naming an input that does not exist', () => {
    const r = model([`${M}/mlp.onnx`, '--shape', 'pixels=1x3x224x224']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--shape names "pixels", which is neither an input nor a symbolic dimension of this model; it has input "input", dimension "batch"/);
  });

  it('--shape contradicting a static dimension', () => {
    const r = model([`${M}/convnet.onnx`, '--shape', 'image=1x3x64x64']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/sets dimension 2 to 64, but the model fixes it at 32/);
  });

  it('an execution provider that is not available here exits 3, one that does not exist exits 2', () => {
    const cuda = model([`${M}/mlp.onnx`, '--ep', 'cpu,cuda']);
    expect(cuda.code).toBe(3);
    expect(cuda.stderr).toMatch(/--ep cuda: the cuda execution provider is not bundled/);
    expect(cuda.stdout).toBe('');
    const bogus = model([`${M}/mlp.onnx`, '--ep', 'tpu']);
    expect(bogus.code).toBe(2);
    expect(bogus.stderr).toMatch(/unknown execution provider "tpu"/);
  });

  it('a broken ONNX candidate for a problem does not build (exit 2), naming the file', () => {
    const file = path.join(tmp, 'broken.onnx');
    writeFileSync(file, readFileSync('kernels/matmul/ort.onnx').subarray(0, 60));
    const r = assay(['run', '--problem', 'matmul', '--candidate', file, '--backend', 'onnx', 'n=128', '--time', '0.05']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${file}: ONNX Runtime cannot load this model on cpu`);
  });
});
