import type { KernelRequest } from '@softmax-kit/core';
import type { Tf, TfTensor } from '../tfjs-types.js';
import { inputTensor, unitTemperature, usesFusedPath } from './fused-path.js';
import { rowSum } from './row-sum.js';
import { scaledLogits } from './scaled-logits.js';

/**
 * Softmax of each row on the tfjs device; returns `[rows, cols]` (call inside `tf.tidy`).
 * Every path subtracts the max before the temperature is applied (SPEC), so the sum of the
 * exponentials is in [1, n], never 0 or Infinity.
 *
 * 1. On cpu and wasm (`FUSED_DEVICES`), rows up to `FUSED_ROW_LENGTH`, every T = 1: `tf.softmax(x)` (one fused kernel on wasm).
 *    tfjs subtracts the row max itself and at T = 1 there is no order question. `[-3e38, 3e38]`
 *    gives `x - m = [-Infinity, 0]`, so `[0, 1]`; a masked `-Infinity` gives exp(-Infinity) = 0.
 * 2. On cpu and wasm (`FUSED_DEVICES`), rows up to `FUSED_ROW_LENGTH`, other temperatures: `tf.softmax(z)` with `z = (x - m) / T`
 *    from {@link scaledLogits} (max 0, so tfjs's own max subtraction is exact, and a T = 1 row
 *    gets the same z = fl(x - m) as in path 1: its bits do not depend on the other rows'
 *    temperatures, as the batch-invariance test checks). Dividing the raw
 *    logits by T instead would put T before the max subtraction, which SPEC forbids (x / 5e-324
 *    is -Infinity or NaN); scaledLogits also handles tiny and huge T.
 * 3. Longer rows, and webgl and webgpu: `exp(z) / rowSum(exp(z))`, with the blocked sums of {@link rowSum}, whose
 *    error does not grow with n as `tf.softmax`'s single float32 accumulator does.
 *
 * @example
 * ```ts
 * const probabilities = await tf.tidy(() => softmaxKernel(tf, request, 'wasm')).data();
 * ```
 */
export function softmaxKernel(tf: Tf, request: KernelRequest, device: string): TfTensor {
  if (usesFusedPath(request, device)) {
    return tf.softmax(
      unitTemperature(request) ? inputTensor(tf, request) : scaledLogits(tf, request),
    );
  }
  const exponentials = tf.exp(scaledLogits(tf, request));
  return tf.div(exponentials, rowSum(tf, exponentials, request.rows, request.cols));
}

/**
 * The device half of a scanning softmax (`usesDeviceScan` in `kernels/row-scan.ts`): `[tf.softmax(x), tf.max(x, -1)]`
 * in one tfjs program on the one input tensor (call inside `tf.tidy`). The max is the row scan
 * (`kernels/row-scan.ts` reads the flags from it and from the result), so core's own pass over
 * the input is not needed: on tfjs-wasm both are native kernels, and the max reads the tensor
 * already copied into wasm memory for the softmax.
 *
 * @example
 * ```ts
 * const [probabilities, maxima] = tf.tidy(() => softmaxWithScan(tf, request));
 * ```
 */
export function softmaxWithScan(tf: Tf, request: KernelRequest): [TfTensor, TfTensor] {
  const logits = inputTensor(tf, request);
  return [tf.softmax(logits), tf.max(logits, -1)];
}

/**
 * Writes softmax probabilities read back from the device into `request.output`: in one copy
 * when every row is computed, else only the rows neither in `skip` nor in `flags` (core writes
 * those, and a flagged row's output is left untouched, as `RowScan` asks).
 *
 * @example
 * ```ts
 * writeProbabilities(request, values, request.scan?.flags ?? null);
 * ```
 */
export function writeProbabilities(
  request: KernelRequest,
  values: Float32Array,
  flags: Uint8Array | null,
  flagged: number,
): void {
  const { output, rows, cols, skip } = request;
  if (skip === null && flagged === 0) {
    output.set(values);
    return;
  }
  for (let row = 0; row < rows; row++) {
    if (skip?.[row] === 1 || flags?.[row] === 1) continue;
    output.set(values.subarray(row * cols, row * cols + cols), row * cols);
  }
}
