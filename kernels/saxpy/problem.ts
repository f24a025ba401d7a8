// saxpy, out = a·x + y: the smallest memory-bound kernel, so its time shows the
// memory bandwidth a backend reaches and what one call costs.
import { defineProblem, mixedFloats } from 'assay';

export default defineProblem({
  name: 'saxpy',
  description: 'out[i] = a * x[i] + y[i] for fp32 vectors of length n; the scalar a is a length-1 input tensor.',
  axes: { n: [1000, 1000003] },
  tensors: [
    { name: 'a', role: 'input', dtype: 'f32', shape: [1] },
    { name: 'x', role: 'input', dtype: 'f32', shape: ['n'] },
    { name: 'y', role: 'input', dtype: 'f32', shape: ['n'] },
    { name: 'out', role: 'output', dtype: 'f32', shape: ['n'] },
  ],
  generate: (params, rng) => {
    const n = params.n ?? 0;
    return { a: Float32Array.of(rng.uniform(-2, 2)), x: mixedFloats(rng, n), y: mixedFloats(rng, n) };
  },
  tolerance: {
    atol: 1e-6,
    rtol: 0,
    reason: 'fp32 code that rounds a·x before adding y is off by up to one ulp of |out| < 3 (2.4e-7); atol allows four times that.',
  },
  work: { flops: '2*n', bytes: '12*n + 4' },
  reference: 'reference.ts',
});
