import type { KernelRequest } from '@softmax-kit/core';
import type { Tf, TfTensor } from '../tfjs-types.js';

/**
 * Temperatures outside `[2^-64, 2^64]` go through the float64 path of {@link scaledLogits}.
 *
 * Below: 2^-64 is far above float32's normal range (2^-126), so every temperature the device
 * sees is a normal float32, and a subnormal difference `x - m` (|d| < 2^-126, flushed to zero by
 * GPUs) divided by a temperature >= 2^-64 is below 2^-62, where exp rounds to 1 in float32
 * either way.
 * Above: the device path scales by a power of two `s = 2^-ceil(log2 T)` that must itself be a
 * normal float32; 2^-64 is.
 */
export const TINY_TEMPERATURE = 2 ** -64;
/** See {@link TINY_TEMPERATURE}. */
export const HUGE_TEMPERATURE = 2 ** 64;

/**
 * `z = (x - m) / T` for every row, as a `[rows, cols]` float32 tensor (call inside `tf.tidy`).
 * The max is subtracted before the temperature is applied (SPEC). Three paths, chosen per call
 * from the temperatures of the rows core asks for (rows flagged in `skip` use m = 0, T = 1):
 *
 * 1. Some T < 2^-64 or T > 2^64 (SPEC's 1e-30, 1e-45, 5e-324, 1e300): tfjs cannot hold such a T
 *    or apply it without NaN. 5e-324 rounds to 0 in float32 (then `0 / 0` is NaN at the max),
 *    GPUs flush float32 subnormals to 0, and 1e300 is Infinity in float32 (then a masked entry
 *    gives `-Infinity / Infinity`, NaN, and finite entries wrongly give exactly 0). So z is
 *    computed here in float64 and rounded to float32 once (a |z| past float32's range becomes
 *    -Infinity, whose exp is the exact limit 0); the device then does exp, sum and
 *    normalisation as usual.
 * 2. Some T in (1, 2^64]: `x - m` can overflow float32 (SPEC's `[-3e38, 3e38]` gives `-6e38`,
 *    i.e. -Infinity), which such a T could have brought back into range. The device computes
 *    `(x s - m s) / (T s)` with `s = 2^-ceil(log2 T)` per row (s = 1 for rows with T <= 1):
 *    scaling by a power of two is exact for normal floats, so this is the same rounding of
 *    (x - m)/T; `x s - m s` cannot overflow since s <= 1/2; T s lies in (1/2, 1]; a masked entry
 *    stays -Infinity (never -Infinity / Infinity).
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

  if (smallest < TINY_TEMPERATURE || largest > HUGE_TEMPERATURE) {
    return tf.tensor2d(hostScaledLogits(request), [rows, cols]);
  }

  const logits = tf.tensor2d(input as Float32Array, [rows, cols], 'float32');
  const scale = largest > 1;
  const scales = new Float32Array(rows);
  const shifts = new Float32Array(rows);
  const temperatures = new Float32Array(rows);
  for (let row = 0; row < rows; row++) {
    const skipped = skip !== null && skip[row] === 1;
    const rowTemperature = skipped ? 1 : temperature[row]!;
    const factor = rowTemperature > 1 ? 2 ** -Math.ceil(Math.log2(rowTemperature)) : 1;
    scales[row] = factor;
    shifts[row] = skipped ? 0 : rowMax[row]! * factor;
    temperatures[row] = rowTemperature * factor;
  }
  const scaled = scale ? tf.mul(logits, tf.tensor2d(scales, [rows, 1])) : logits;
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
      // to -Infinity (the exact limit after exp) except at the max, where 0 / T = 0. A masked
      // entry gives (-Infinity - m) / T = -Infinity, T being finite here.
      scaled[index] = (input[index]! - max) / rowTemperature;
    }
  }
  return scaled;
}
