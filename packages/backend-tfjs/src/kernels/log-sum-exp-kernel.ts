import type { KernelRequest } from '@softmax-kit/core';
import type { Tf, TfTensor } from '../tfjs-types.js';
import { inputTensor, usesFusedPath } from './fused-path.js';
import { rowSum } from './row-sum.js';
import { scaledLogits } from './scaled-logits.js';

/**
 * Log-sum-exp of each row on the tfjs device: `m + log(sum exp(x - m))`; returns `[rows, 1]`
 * (call inside `tf.tidy`). Core passes T = 1 for this operation.
 *
 * 1. On cpu and wasm (`FUSED_DEVICES`), rows up to `FUSED_ROW_LENGTH`: `tf.logSumExp(x, 1, true)`, which computes exactly that
 *    with its own max (core guarantees a finite max, so `x - m` is never NaN; an `x - m` that
 *    overflows to -Infinity adds exp(-Infinity) = 0, right since exp(-3.4e38) is 0 as well).
 * 2. Longer rows, and webgl and webgpu: the same with the blocked sums of {@link rowSum} (tfjs's single float32
 *    accumulator loses accuracy as n grows), shifting by core's `rowMax` ({@link scaledLogits}
 *    is `x - m` at T = 1).
 *
 * @example
 * ```ts
 * const values = await tf.tidy(() => logSumExpKernel(tf, request, 'wasm')).data(); // one per row
 * ```
 */
export function logSumExpKernel(tf: Tf, request: KernelRequest, device: string): TfTensor {
  if (usesFusedPath(request, device)) return tf.logSumExp(inputTensor(tf, request), 1, true);
  const { rows, cols, rowMax, skip } = request;
  const shifts = new Float32Array(rows);
  for (let row = 0; row < rows; row++) {
    shifts[row] = skip !== null && skip[row] === 1 ? 0 : rowMax[row]!;
  }
  const sums = rowSum(tf, tf.exp(scaledLogits(tf, request)), rows, cols);
  return tf.add(tf.tensor2d(shifts, [rows, 1]), tf.log(sums));
}
