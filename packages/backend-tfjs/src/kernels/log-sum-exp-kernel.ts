import type { KernelRequest } from '@softmax-kit/core';
import type { Tf, TfTensor } from '../tfjs-types.js';
import { rowSum } from './row-sum.js';
import { scaledLogits } from './scaled-logits.js';

/**
 * Log-sum-exp of each row on the tfjs device: `m + log(sum exp(x - m))`; returns `[rows, 1]`
 * (call inside `tf.tidy`). Not `tf.logSumExp`, which keeps no control over the summation order
 * (see `rowSum`). Core passes T = 1 for this operation, so {@link scaledLogits} is `x - m`; an
 * `x - m` that overflows to -Infinity adds exp(-Infinity) = 0, which is right since
 * exp(-3.4e38) is 0 as well.
 *
 * @example
 * ```ts
 * const values = await tf.tidy(() => logSumExpKernel(tf, request)).data(); // one per row
 * ```
 */
export function logSumExpKernel(tf: Tf, request: KernelRequest): TfTensor {
  const { rows, cols, rowMax, skip } = request;
  const shifts = new Float32Array(rows);
  for (let row = 0; row < rows; row++) {
    shifts[row] = skip !== null && skip[row] === 1 ? 0 : rowMax[row]!;
  }
  const sums = rowSum(tf, tf.exp(scaledLogits(tf, request)), rows, cols);
  return tf.add(tf.tensor2d(shifts, [rows, 1]), tf.log(sums));
}
