// matmul, c = a·b for square fp32 matrices: compute-bound when done well, so it shows
// how much of a machine's arithmetic a backend can reach and how it uses the caches.
import { defineProblem, mixedFloats } from 'assay';

export default defineProblem({
  name: 'matmul',
  description: 'c = a * b for square fp32 matrices of size n x n, all row-major: c[i, j] = sum_k a[i, k] * b[k, j].',
  axes: { n: [128, 512] },
  tensors: [
    { name: 'a', role: 'input', dtype: 'f32', shape: ['n', 'n'] },
    { name: 'b', role: 'input', dtype: 'f32', shape: ['n', 'n'] },
    { name: 'c', role: 'output', dtype: 'f32', shape: ['n', 'n'] },
  ],
  generate: (params, rng) => {
    const n = params.n ?? 0;
    return { a: mixedFloats(rng, n * n), b: mixedFloats(rng, n * n) };
  },
  tolerance: {
    atol: '3e-7 * n',
    rtol: 0,
    reason: 'An fp32 accumulator drifts by up to 7e-8·n over an n-term dot product; atol allows four times that.',
  },
  work: { flops: '2*n*n*n', bytes: '12*n*n' },
  reference: 'reference.ts',
});
