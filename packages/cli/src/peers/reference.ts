import type { BenchOp } from '../bench/ops.js';

/** A row's max `m` and `log1p(s)`, `s` the sum of `exp(x_j - m)` over `j` other than the max's first index. */
function rowTerms(row: ArrayLike<number>): { max: number; logSum: number; sum: number } {
  let max = Number.NEGATIVE_INFINITY;
  let first = 0;
  for (let i = 0; i < row.length; i++) {
    if ((row[i] as number) > max) {
      max = row[i] as number;
      first = i;
    }
  }
  let others = 0;
  for (let i = 0; i < row.length; i++)
    if (i !== first) others += Math.exp((row[i] as number) - max);
  return { max, logSum: Math.log1p(others), sum: 1 + others };
}

/**
 * One row's softmax, logSoftmax or logSumExp in float64, by SPEC's formulas (T = 1): with `k`
 * the first index of the max `m` and `s` the sum of `exp(x_j - m)` over `j != k`,
 * `logSumExp = m + log1p(s)`, `logSoftmax_i = (x_i - m) - log1p(s)`, `softmax_i =
 * exp(x_i - m) / (1 + s)`. For finite float32 logits this is good to a few float64 ulps, far
 * below float32's `2^-24`. Returns one value for logSumExp, `row.length` otherwise.
 *
 * @example
 * ```ts
 * referenceRow('logSumExp', [0, -40]); // Float64Array [4.248354255291589e-18]
 * ```
 */
export function referenceRow(op: BenchOp, row: ArrayLike<number>): Float64Array {
  const { max, logSum, sum } = rowTerms(row);
  if (op === 'logSumExp') return Float64Array.of(max + logSum);
  const out = new Float64Array(row.length);
  for (let i = 0; i < row.length; i++) {
    const shifted = (row[i] as number) - max;
    out[i] = op === 'logSoftmax' ? shifted - logSum : Math.exp(shifted) / sum;
  }
  return out;
}

/**
 * The largest error of `got` (one row's result) against {@link referenceRow}, measured as SPEC
 * measures each op: softmax relative to `p`; logSoftmax relative to its terms
 * `|x_i - m| + log1p(s)`; logSumExp relative to `|m| + log1p(s)`. NaN when `got` holds a NaN.
 *
 * @example
 * ```ts
 * maxOpError('softmax', Float32Array.of(0, Math.log(3)), [0.25, 0.75]); // ~1e-8
 * ```
 */
export function maxOpError(op: BenchOp, row: ArrayLike<number>, got: ArrayLike<number>): number {
  const exact = referenceRow(op, row);
  const { max, logSum } = rowTerms(row);
  let worst = 0;
  for (let i = 0; i < exact.length; i++) {
    const want = exact[i] as number;
    const scale =
      op === 'softmax'
        ? Math.abs(want)
        : op === 'logSumExp'
          ? Math.abs(max) + logSum
          : Math.abs((row[i] as number) - max) + logSum;
    const error = Math.abs((got[i] as number) - want) / scale;
    if (Number.isNaN(error)) return Number.NaN; // a NaN output is the worst there is
    if (error > worst) worst = error;
  }
  return worst;
}
