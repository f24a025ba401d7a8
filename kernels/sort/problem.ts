// sort, fp32 ascending: no arithmetic at all, so it measures memory traffic and
// branching; the output is fully determined, so it must match exactly.
import { defineProblem, type Rng } from 'assay';

/** Values with a wide spread of exponents, many duplicates, and both zeros. */
function sortInput(rng: Rng, n: number): Float32Array {
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const kind = rng.int(16);
    if (kind === 0) x[i] = 0;
    else if (kind === 1) x[i] = -0;
    else if (kind <= 4 && i > 0) x[i] = x[rng.int(i)]!;
    else if (kind <= 6) x[i] = rng.int(9) - 4;
    else x[i] = rng.uniform(-1, 1) * 2 ** (rng.int(40) - 20);
  }
  return x;
}

export default defineProblem({
  name: 'sort',
  description:
    'Sort an fp32 vector of length n ascending into out. Inputs hold negatives, duplicates, +0 and -0 (-0 may come before or after +0; they compare equal).',
  axes: { n: [1000, 262147] },
  tensors: [
    { name: 'x', role: 'input', dtype: 'f32', shape: ['n'] },
    { name: 'out', role: 'output', dtype: 'f32', shape: ['n'] },
  ],
  generate: (params, rng) => ({ x: sortInput(rng, params.n ?? 0) }),
  tolerance: {
    atol: 0,
    rtol: 0,
    reason: 'Sorting involves no arithmetic, so the output is fully determined (-0 and +0 compare equal) and must match exactly.',
  },
  work: { flops: 0, bytes: '8*n' },
  reference: 'reference.ts',
});
