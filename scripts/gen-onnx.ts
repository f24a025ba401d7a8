// Writes the ONNX variant of every built-in problem (kernels/<problem>/ort.onnx)
// and the example models used by tests and docs (test/fixtures/models/), with
// Assay's own ONNX encoder. Run with `npm run gen:onnx`; the output is
// deterministic, so a regenerated file only changes when its definition does.
import { writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadProblems } from '../harness/run/suite.ts';
import { encodeModel } from '../harness/backends/onnx/onnx-model.ts';
import { MODELLED_PROBLEMS, problemGraph } from '../harness/backends/onnx/problem-models.ts';
import { EXAMPLE_MODELS } from '../harness/backends/onnx/example-models.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** The file name of each problem's ONNX variant. */
export const VARIANT_FILE = 'ort.onnx';

function write(file: string, bytes: Uint8Array): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, bytes);
  process.stdout.write(`wrote ${path.relative(ROOT, file)} (${bytes.length} bytes)\n`);
}

for (const { problem } of await loadProblems()) {
  if (!MODELLED_PROBLEMS.includes(problem.name)) {
    process.stderr.write(`note: no ONNX model is defined for problem "${problem.name}"\n`);
    continue;
  }
  write(path.join(problem.dir, VARIANT_FILE), encodeModel(problemGraph(problem)));
}
for (const [name, graph] of Object.entries(EXAMPLE_MODELS)) write(path.join(ROOT, 'test/fixtures/models', name), encodeModel(graph()));

// Adversarial candidates for `assay score` (test/fixtures/adversarial/): their expected verdict is metadata.
const adversarial: Record<string, Parameters<typeof encodeModel>[0]> = {
  'matmul/nan.onnx': {
    name: 'nan',
    doc: 'Cheat: a MatMul whose output has NaN added, which a loose comparison (is the error beyond the tolerance?) lets pass.',
    inputs: [
      { name: 'a', type: 'float', shape: ['n', 'n'] },
      { name: 'b', type: 'float', shape: ['n', 'n'] },
    ],
    outputs: [{ name: 'c', type: 'float', shape: ['n', 'n'] }],
    nodes: [
      { op: 'MatMul', inputs: ['a', 'b'], outputs: ['ab'] },
      { op: 'Add', inputs: ['ab', 'poison'], outputs: ['c'] },
    ],
    initializers: [{ name: 'poison', type: 'float', dims: [1], values: [NaN] }],
    metadata: { 'assay.expect': 'rejected: finite outputs' },
  },
};
for (const [name, graph] of Object.entries(adversarial)) write(path.join(ROOT, 'test/fixtures/adversarial', name), encodeModel(graph));
