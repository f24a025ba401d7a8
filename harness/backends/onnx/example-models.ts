// Small realistic models written with Assay's own ONNX encoder, for tests and for
// showing `assay model`: an MLP with a symbolic batch, a small conv net with a
// static shape, and models with inputs that cannot be synthesized. Weights come
// from a seeded generator, so the files are reproducible byte for byte.
import { createRng } from '../../stats/random.ts';
import type { GraphSpec, Initializer } from './onnx-model.ts';

function weights(name: string, dims: number[], seed: number): Initializer {
  const rng = createRng(seed);
  const count = dims.reduce((a, b) => a * b, 1);
  // scaled like He initialisation, so activations stay of order one through the layers
  const fanIn = dims.length > 1 ? count / dims[0]! : 1;
  const scale = Math.sqrt(2 / fanIn);
  const values = Array.from({ length: count }, () => rng.uniform(-1, 1) * scale);
  return { name, type: 'float', dims, values };
}

/** A 3-layer MLP, 128 → 256 → 128 → 10, Gemm + Relu, with softmax on top; the batch is symbolic. */
export function mlpGraph(): GraphSpec {
  const layers = [128, 256, 128, 10];
  const inits: Initializer[] = [];
  const nodes: GraphSpec['nodes'] = [];
  let prev = 'input';
  for (let i = 0; i + 1 < layers.length; i++) {
    // Gemm with transB = 1 takes W as [out, in], the layout PyTorch's Linear exports
    inits.push(weights(`fc${i}.weight`, [layers[i + 1]!, layers[i]!], 100 + i));
    inits.push(weights(`fc${i}.bias`, [layers[i + 1]!], 200 + i));
    const out = i + 2 < layers.length ? `fc${i}` : 'logits';
    nodes.push({ op: 'Gemm', inputs: [prev, `fc${i}.weight`, `fc${i}.bias`], outputs: [out], attrs: { transB: 1 } });
    if (i + 2 < layers.length) {
      nodes.push({ op: 'Relu', inputs: [out], outputs: [`relu${i}`] });
      prev = `relu${i}`;
    }
  }
  nodes.push({ op: 'Softmax', inputs: ['logits'], outputs: ['probs'], attrs: { axis: -1 } });
  return {
    name: 'mlp',
    doc: 'A 3-layer MLP classifier (128-256-128-10) with a symbolic batch dimension.',
    inputs: [{ name: 'input', type: 'float', shape: ['batch', 128] }],
    outputs: [{ name: 'probs', type: 'float', shape: ['batch', 10] }],
    nodes,
    initializers: inits,
  };
}

/** A small conv net on 1x3x32x32 images: two 3x3 conv + relu + max-pool stages, then a linear classifier. */
export function convnetGraph(): GraphSpec {
  return {
    name: 'convnet',
    doc: 'A small CNN on 32x32 RGB images (static shape): conv16-pool-conv32-pool-gap-fc10.',
    inputs: [{ name: 'image', type: 'float', shape: [1, 3, 32, 32] }],
    outputs: [{ name: 'logits', type: 'float', shape: [1, 10] }],
    initializers: [
      weights('conv1.weight', [16, 3, 3, 3], 300),
      weights('conv1.bias', [16], 301),
      weights('conv2.weight', [32, 16, 3, 3], 302),
      weights('conv2.bias', [32], 303),
      weights('fc.weight', [10, 32], 304),
      weights('fc.bias', [10], 305),
    ],
    nodes: [
      { op: 'Conv', inputs: ['image', 'conv1.weight', 'conv1.bias'], outputs: ['c1'], attrs: { pads: [1, 1, 1, 1], kernel_shape: [3, 3] } },
      { op: 'Relu', inputs: ['c1'], outputs: ['r1'] },
      { op: 'MaxPool', inputs: ['r1'], outputs: ['p1'], attrs: { kernel_shape: [2, 2], strides: [2, 2] } },
      { op: 'Conv', inputs: ['p1', 'conv2.weight', 'conv2.bias'], outputs: ['c2'], attrs: { pads: [1, 1, 1, 1], kernel_shape: [3, 3] } },
      { op: 'Relu', inputs: ['c2'], outputs: ['r2'] },
      { op: 'MaxPool', inputs: ['r2'], outputs: ['p2'], attrs: { kernel_shape: [2, 2], strides: [2, 2] } },
      { op: 'GlobalAveragePool', inputs: ['p2'], outputs: ['gap'] },
      { op: 'Flatten', inputs: ['gap'], outputs: ['flat'] },
      { op: 'Gemm', inputs: ['flat', 'fc.weight', 'fc.bias'], outputs: ['logits'], attrs: { transB: 1 } },
    ],
  };
}

/** A model with mixed input types (int64 token ids, a bool mask) and a symbolic sequence length with no default. */
export function mixedInputsGraph(): GraphSpec {
  return {
    name: 'mixed',
    doc: 'Token ids (int64) and a mask (bool) of a symbolic length `seq`; sums the masked ids.',
    inputs: [
      { name: 'ids', type: 'int64', shape: ['batch', 'seq'] },
      { name: 'mask', type: 'bool', shape: ['batch', 'seq'] },
    ],
    outputs: [{ name: 'total', type: 'int64', shape: ['batch', 1] }],
    nodes: [
      { op: 'Cast', inputs: ['mask'], outputs: ['mask64'], attrs: { to: 7 } },
      { op: 'Mul', inputs: ['ids', 'mask64'], outputs: ['kept'] },
      { op: 'ReduceSum', inputs: ['kept', 'axes'], outputs: ['total'], attrs: { keepdims: 1 } },
    ],
    initializers: [{ name: 'axes', type: 'int64', dims: [1], values: [1] }],
  };
}

/** A model whose input is a string tensor, which `assay model` cannot synthesize. */
export function stringInputGraph(): GraphSpec {
  return {
    name: 'strings',
    inputs: [{ name: 'text', type: 'string', shape: [4] }],
    outputs: [{ name: 'same', type: 'string', shape: [4] }],
    nodes: [{ op: 'Identity', inputs: ['text'], outputs: ['same'] }],
  };
}

/** Every example model, by file name. */
export const EXAMPLE_MODELS: Record<string, () => GraphSpec> = {
  'mlp.onnx': mlpGraph,
  'convnet.onnx': convnetGraph,
  'mixed-inputs.onnx': mixedInputsGraph,
  'string-input.onnx': stringInputGraph,
};
