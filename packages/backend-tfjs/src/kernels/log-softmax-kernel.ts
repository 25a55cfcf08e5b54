import type { KernelRequest } from '@softmax-kit/core';
import type { Tf, TfTensor } from '../tfjs-types.js';
import { inputTensor, unitTemperature, usesFusedPath } from './fused-path.js';
import { rowSum } from './row-sum.js';
import { scaledLogits } from './scaled-logits.js';

/**
 * Log-softmax of each row on the tfjs device; returns `[rows, cols]` (call inside `tf.tidy`).
 * The same three paths as `softmaxKernel`, for the same reasons:
 *
 * 1. On cpu and wasm (`FUSED_DEVICES`), rows up to `FUSED_ROW_LENGTH`, every T = 1: `tf.logSoftmax(x)`, which computes
 *    `(x - m) - log(sum exp(x - m))`; a masked entry or an `x - m` that overflows (`[-3e38,
 *    3e38]`) gives `-Infinity - finite = -Infinity`, never NaN.
 * 2. On cpu and wasm (`FUSED_DEVICES`), rows up to `FUSED_ROW_LENGTH`, other temperatures: `tf.logSoftmax(z)` with `z = (x - m) / T`
 *    from {@link scaledLogits} (max subtracted before T; tfjs's own max of z is 0).
 * 3. Longer rows, and webgl and webgpu: `z - log(rowSum(exp(z)))` with the blocked sums of {@link rowSum}. The sum is
 *    in [1, n], so its log is finite; a masked entry stays -Infinity.
 *
 * @example
 * ```ts
 * const logProbabilities = await tf.tidy(() => logSoftmaxKernel(tf, request, 'wasm')).data();
 * ```
 */
export function logSoftmaxKernel(tf: Tf, request: KernelRequest, device: string): TfTensor {
  if (usesFusedPath(request, device)) {
    return tf.logSoftmax(
      unitTemperature(request) ? inputTensor(tf, request) : scaledLogits(tf, request),
    );
  }
  const scaled = scaledLogits(tf, request);
  return tf.sub(scaled, tf.log(rowSum(tf, tf.exp(scaled), request.rows, request.cols)));
}
