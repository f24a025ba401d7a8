// reduce-sum, out[0] = Σ x: a reduction, whose speed depends on breaking the chain
// of dependent additions and whose accuracy depends on the order of those additions.
import { defineProblem, mixedFloats } from 'assay';

export default defineProblem({
  name: 'reduce-sum',
  description: 'out[0] = x[0] + x[1] + ... + x[n-1] for an fp32 vector of length n, in any order of summation.',
  axes: { n: [1000, 1048573] },
  tensors: [
    { name: 'x', role: 'input', dtype: 'f32', shape: ['n'] },
    { name: 'out', role: 'output', dtype: 'f32', shape: [1] },
  ],
  generate: (params, rng) => ({ x: mixedFloats(rng, params.n ?? 0) }),
  tolerance: {
    atol: '2.5e-7 * n',
    rtol: 0,
    reason: 'A plain fp32 running sum drifts by up to 6.5e-8·n (worst of 2000 seeds); atol allows four times that.',
  },
  work: { flops: 'n', bytes: '4*n + 4' },
  reference: 'reference.ts',
});
