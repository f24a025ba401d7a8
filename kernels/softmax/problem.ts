// softmax along each row, out = exp(x - max) / Σ exp(x - max): a mix of a reduction,
// a transcendental per element and a normalisation, where stability is part of correctness.
import { defineProblem, mixedFloats } from 'assay';

/** Rows scaled this much make the output peaked, so small relative errors in exp show. */
const PEAKED_SCALE = 50;
/** Rows shifted this far overflow exp unless the row max is subtracted first, in float64 as in fp32. */
const SHIFTED_OFFSET = 1000;

export default defineProblem({
  name: 'softmax',
  description:
    'Row-wise softmax of an fp32 matrix x[rows, cols] (row-major): out[r, j] = exp(x[r, j] - m_r) / sum_k exp(x[r, k] - m_r), with m_r the row max. Some rows are scaled by 50 and some shifted by +1000, so an implementation that skips the max subtraction overflows.',
  axes: { rows: [33, 1000], cols: [129, 2000] },
  tensors: [
    { name: 'x', role: 'input', dtype: 'f32', shape: ['rows', 'cols'] },
    { name: 'out', role: 'output', dtype: 'f32', shape: ['rows', 'cols'] },
  ],
  generate: (params, rng) => {
    const rows = params.rows ?? 0;
    const cols = params.cols ?? 0;
    const x = mixedFloats(rng, rows * cols);
    // every eighth row is peaked and every eighth (offset by four) is shifted, so even
    // a handful of rows holds one of each
    for (let r = 0; r < rows; r++) {
      const row = x.subarray(r * cols, (r + 1) * cols);
      if (r % 8 === 1) for (let j = 0; j < cols; j++) row[j] = row[j]! * PEAKED_SCALE;
      if (r % 8 === 5) for (let j = 0; j < cols; j++) row[j] = row[j]! + SHIFTED_OFFSET;
    }
    return { x };
  },
  tolerance: {
    atol: 1e-9,
    rtol: 2e-5,
    reason: 'fp32 row sums and an exp a few ulp off (as WGSL allows) reach 3.3e-6 relative error; rtol allows six times that, and atol forgives only values that underflow fp32.',
  },
  work: { flops: '5*rows*cols', bytes: '8*rows*cols' },
  reference: 'reference.ts',
});
