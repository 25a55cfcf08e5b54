import type { KernelRequest } from '@softmax-kit/core';
import type { Tf, TfTensor } from '../tfjs-types.js';
import { rowSum } from './row-sum.js';
import { scaledLogits } from './scaled-logits.js';

/**
 * Log-softmax of each row on the tfjs device: `z - log(sum exp(z))` with `z = (x - m) / T`
 * ({@link scaledLogits}); returns `[rows, cols]` (call inside `tf.tidy`). Not
 * `tf.logSoftmax`, for the temperature-order reason given in `softmaxKernel`. The sum is in
 * [1, n], so its log is finite; a masked entry (z = -Infinity) stays -Infinity, never NaN.
 *
 * @example
 * ```ts
 * const logProbabilities = await tf.tidy(() => logSoftmaxKernel(tf, request)).data();
 * ```
 */
export function logSoftmaxKernel(tf: Tf, request: KernelRequest): TfTensor {
  const scaled = scaledLogits(tf, request);
  return tf.sub(scaled, tf.log(rowSum(tf, tf.exp(scaled), request.rows, request.cols)));
}
