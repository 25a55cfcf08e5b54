import type { KernelRequest } from '@softmax-kit/core';
import type { Tf, TfTensor } from '../tfjs-types.js';
import { usesFusedPath } from './fused-path.js';
import { rowSum } from './row-sum.js';

/**
 * What the host prepares for logSoftmax and logSumExp before the device sums: `z = (x - m) / T`
 * in float64, rounded to float32 once, with the first max of each row set to `-Infinity`.
 */
export interface LogTerms {
  readonly request: KernelRequest;
  /** `[rows, cols]`: z, with `-Infinity` at each row's first max (and 0 in skipped rows). */
  readonly logits: Float32Array;
  /** 1 where the row's first max was found and left out of the sum (always, for core's rows). */
  readonly leftOut: Uint8Array;
}

/**
 * Host half of SPEC's "Accuracy of the logarithms" on tfjs: the device computes
 * `s = sum over j != k of exp(z_j)` (k the first index of the row max, whose term is exactly 1),
 * and the host takes `log1p(s)` in float64. Summing the 1 in on the device would round `1 + s`
 * to 1 for every `s` below 2^-24 (`[0, -40]`: s = 4.2e-18, and logSumExp would be 0), and tfjs's
 * webgl and webgpu shaders compute `log1p(x)` as `log(1 + x)`, so the log is never taken there.
 *
 * `z` is computed here for every row, whatever the temperatures of the other rows (a row's
 * result depends on that row only: SPEC's batch invariance), in float64 from the float32 input,
 * so the max is subtracted before T, a subnormal T gives `-Infinity` (exp 0) off the max and T
 * beyond float32's range (1e300) needs no special case.
 *
 * @example
 * ```ts
 * const terms = logTerms(request); // then sums on the device, then finishLogSoftmax
 * ```
 */
export function logTerms(request: KernelRequest): LogTerms {
  const { input, rows, cols, rowMax, temperature, skip } = request;
  const logits = new Float32Array(rows * cols);
  const leftOut = new Uint8Array(rows);
  for (let row = 0; row < rows; row++) {
    if (skip !== null && skip[row] === 1) continue;
    const max = rowMax[row]!;
    const rowTemperature = temperature[row]!;
    let first = -1;
    for (let index = row * cols, end = index + cols; index < end; index++) {
      const value = input[index]!;
      if (first < 0 && value === max) {
        first = index;
        logits[index] = Number.NEGATIVE_INFINITY;
      } else {
        // (x - m) is exact or correctly rounded in float64; a masked entry gives -Infinity.
        logits[index] = (value - max) / rowTemperature;
      }
    }
    if (first >= 0) leftOut[row] = 1;
  }
  // A copy of the request's fields: nothing reads the request object after the engine lock's wait.
  return { request: { ...request }, logits, leftOut };
}

/**
 * `s` per row on the device, as `[rows, 1]` (call inside `tf.tidy`): `exp(z)` summed with one
 * tfjs `sum` on cpu and wasm for rows up to `FUSED_ROW_LENGTH`, with the blocked sums of
 * {@link rowSum} otherwise (its error does not grow with n). Every term is in `[0, 1]`.
 *
 * @example
 * ```ts
 * const sums = tf.tidy(() => logTermSums(tf, logTerms(request), 'wasm'));
 * ```
 */
export function logTermSums(tf: Tf, terms: LogTerms, device: string): TfTensor {
  const { rows, cols } = terms.request;
  const exponentials = tf.exp(tf.tensor2d(terms.logits, [rows, cols], 'float32'));
  return usesFusedPath(terms.request, device)
    ? tf.sum(exponentials, 1, true)
    : rowSum(tf, exponentials, rows, cols);
}

/** `log(sum_j exp(z_j))` of one row from its device sum: `log1p(s)`, or `log(s)` if no max was left out. */
function logOfSum(terms: LogTerms, sums: ArrayLike<number>, row: number): number {
  const sum = sums[row]!;
  return terms.leftOut[row] === 1 ? Math.log1p(sum) : Math.log(sum);
}

/**
 * Writes logSoftmax: `(x_i - m) / T - log1p(s)` in float64, rounded once to float32, for every
 * row core asks for. Reads each entry before writing it (in place works).
 *
 * @example
 * ```ts
 * finishLogSoftmax(terms, sums.dataSync());
 * ```
 */
export function finishLogSoftmax(terms: LogTerms, sums: ArrayLike<number>): void {
  const { input, output, rows, cols, rowMax, temperature, skip } = terms.request;
  for (let row = 0; row < rows; row++) {
    if (skip !== null && skip[row] === 1) continue;
    const max = rowMax[row]!;
    const rowTemperature = temperature[row]!;
    const logSum = logOfSum(terms, sums, row);
    for (let index = row * cols, end = index + cols; index < end; index++) {
      output[index] = (input[index]! - max) / rowTemperature - logSum;
    }
  }
}

/**
 * Writes logSumExp: `m + log1p(s)` per row (core passes T = 1), rounded once to float32.
 *
 * @example
 * ```ts
 * finishLogSumExp(terms, sums.dataSync());
 * ```
 */
export function finishLogSumExp(terms: LogTerms, sums: ArrayLike<number>): void {
  const { output, rows, rowMax, skip } = terms.request;
  for (let row = 0; row < rows; row++) {
    if (skip !== null && skip[row] === 1) continue;
    output[row] = rowMax[row]! + logOfSum(terms, sums, row);
  }
}
