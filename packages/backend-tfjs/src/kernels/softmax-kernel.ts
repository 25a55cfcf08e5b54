import type { KernelRequest } from '@softmax-kit/core';
import type { Tf, TfTensor } from '../tfjs-types.js';
import { rowSum } from './row-sum.js';
import { scaledLogits } from './scaled-logits.js';

/**
 * Softmax of each row on the tfjs device: `exp(z) / sum exp(z)` with `z = (x - m) / T`
 * ({@link scaledLogits}); returns `[rows, cols]` (call inside `tf.tidy`). `tf.softmax` is not
 * used: it applies no temperature, and dividing the logits by T before it would put the
 * temperature before the max subtraction, which SPEC forbids (x / 5e-324 is -Infinity or NaN).
 * Every z is <= 0 and the max has z = 0, so the sum is in [1, n] and never 0 or Infinity.
 *
 * @example
 * ```ts
 * const probabilities = await tf.tidy(() => softmaxKernel(tf, request)).data();
 * ```
 */
export function softmaxKernel(tf: Tf, request: KernelRequest): TfTensor {
  const exponentials = tf.exp(scaledLogits(tf, request));
  return tf.div(exponentials, rowSum(tf, exponentials, request.rows, request.cols));
}
