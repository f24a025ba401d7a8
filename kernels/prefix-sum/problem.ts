// prefix-sum, the inclusive scan out[i] = x[0] + ... + x[i]: every output depends on
// all earlier inputs, so it is a test of how a backend handles a serial dependency.
import { defineProblem, mixedFloats } from 'assay';

export default defineProblem({
  name: 'prefix-sum',
  description: 'Inclusive scan of an fp32 vector of length n: out[i] = x[0] + x[1] + ... + x[i].',
  axes: { n: [1000, 1048573] },
  tensors: [
    { name: 'x', role: 'input', dtype: 'f32', shape: ['n'] },
    { name: 'out', role: 'output', dtype: 'f32', shape: ['n'] },
  ],
  generate: (params, rng) => ({ x: mixedFloats(rng, params.n ?? 0) }),
  tolerance: {
    atol: '2.5e-7 * n',
    rtol: 0,
    reason: 'A plain fp32 running sum drifts by up to 6.5e-8·n at its worst element (2000 seeds); atol allows four times that.',
  },
  work: { flops: 'n', bytes: '8*n' },
  reference: 'reference.ts',
});
