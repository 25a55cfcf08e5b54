import type { KernelRequest } from '@softmax-kit/core';
import type { Tf, TfTensor } from '../tfjs-types.js';

/**
 * Temperatures below this go through the float64 path of {@link scaledLogits}. 2^-64 is far
 * above float32's normal range (2^-126), so every temperature the device sees is a normal
 * float32, and a subnormal difference `x - m` (|d| < 2^-126, flushed to zero by GPUs) divided by
 * a temperature >= 2^-64 is below 2^-62, where exp rounds to 1 in float32 either way.
 */
export const TINY_TEMPERATURE = 2 ** -64;

/**
 * `z = (x - m) / T` for every row, as a `[rows, cols]` float32 tensor (call inside `tf.tidy`).
 * The max is subtracted before the temperature is applied (SPEC). Three paths, chosen per call
 * from the temperatures of the rows core asks for (rows flagged in `skip` use m = 0, T = 1):
 *
 * 1. Some T < {@link TINY_TEMPERATURE} (SPEC's 1e-30, 1e-45, 5e-324): tfjs cannot hold such a T.
 *    5e-324 rounds to 0 in float32 (then `0 / 0` is NaN at the max), and GPUs flush float32
 *    subnormals to 0. So z is computed here in float64 and rounded to float32 once (a |z| past
 *    float32's range becomes -Infinity, whose exp is the exact limit 0); the device then does
 *    exp, sum and normalisation as usual.
 * 2. Some T > 1: `x - m` can overflow float32 (SPEC's `[-3e38, 3e38]` gives `-6e38`, i.e.
 *    -Infinity), which a T > 1 could have brought back into range; `-Infinity / Infinity` for T
 *    above float32's range would even be NaN. The device computes `(x/2 - m/2) / (T/2)` instead:
 *    halving is exact for normal floats, so the result is the same rounding of (x - m)/T, and
 *    `x/2 - m/2` cannot overflow. T/2 beyond float32's range is Infinity, and finite / Infinity
 *    = 0 is right there (|z| < 2^129 / 1e38 rounds to 0 anyway).
 * 3. Otherwise (2^-64 <= T <= 1) `(x - m) / T` on the device; an overflow to -Infinity is right
 *    because |z| >= |x - m| then. With T = 1 everywhere the division is skipped.
 *
 * @example
 * ```ts
 * const probabilities = tf.tidy(() => {
 *   const z = scaledLogits(tf, request);
 *   return tf.div(tf.exp(z), tf.sum(tf.exp(z), 1, true));
 * });
 * ```
 */
export function scaledLogits(tf: Tf, request: KernelRequest): TfTensor {
  const { input, rows, cols, rowMax, temperature, skip } = request;
  let smallest = Number.POSITIVE_INFINITY;
  let largest = 0;
  let allOne = true;
  for (let row = 0; row < rows; row++) {
    if (skip !== null && skip[row] === 1) continue;
    const rowTemperature = temperature[row]!;
    if (rowTemperature < smallest) smallest = rowTemperature;
    if (rowTemperature > largest) largest = rowTemperature;
    if (rowTemperature !== 1) allOne = false;
  }

  if (smallest < TINY_TEMPERATURE) return tf.tensor2d(hostScaledLogits(request), [rows, cols]);

  const halve = largest > 1;
  const factor = halve ? 0.5 : 1;
  const shifts = new Float32Array(rows);
  const temperatures = new Float32Array(rows);
  for (let row = 0; row < rows; row++) {
    const skipped = skip !== null && skip[row] === 1;
    shifts[row] = skipped ? 0 : rowMax[row]! * factor;
    temperatures[row] = skipped ? 1 : temperature[row]! * factor;
  }
  const logits = tf.tensor2d(input as Float32Array, [rows, cols], 'float32');
  const scaled = halve ? tf.mul(logits, tf.scalar(0.5)) : logits;
  const shifted = tf.sub(scaled, tf.tensor2d(shifts, [rows, 1]));
  if (allOne) return shifted;
  return tf.div(shifted, tf.tensor2d(temperatures, [rows, 1]));
}

/** Path 1 of {@link scaledLogits}: z in float64 on the host, rounded to float32 once. */
function hostScaledLogits(request: KernelRequest): Float32Array {
  const { input, rows, cols, rowMax, temperature, skip } = request;
  const scaled = new Float32Array(rows * cols);
  for (let row = 0; row < rows; row++) {
    if (skip !== null && skip[row] === 1) continue;
    const max = rowMax[row]!;
    const rowTemperature = temperature[row]!;
    const start = row * cols;
    for (let index = start; index < start + cols; index++) {
      // (x - m) is exact or correctly rounded in float64; dividing by a subnormal T overflows
      // to -Infinity (the exact limit after exp) except at the max, where 0 / T = 0.
      scaled[index] = (input[index]! - max) / rowTemperature;
    }
  }
  return scaled;
}
