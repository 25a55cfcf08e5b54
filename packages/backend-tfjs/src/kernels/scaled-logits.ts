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
 * The max is subtracted before the temperature is applied (SPEC). The path is chosen **per row**
 * from that row's temperature alone, so a row's z, and hence its result, does not depend on the
 * other rows of the batch (SPEC's batch invariance); rows flagged in `skip` use m = 0, T = 1:
 *
 * 1. T < 2^-64 or T > 2^64 (SPEC's 1e-30, 1e-45, 5e-324, 1e300): tfjs cannot hold such a T or
 *    apply it without NaN. 5e-324 rounds to 0 in float32 (then `0 / 0` is NaN at the max), GPUs
 *    flush float32 subnormals to 0, and 1e300 is Infinity in float32 (then a masked entry gives
 *    `-Infinity / Infinity`, NaN, and finite entries wrongly give exactly 0). So z is computed
 *    here in float64 and rounded to float32 once, into a copy of the input (a |z| past float32's
 *    range becomes -Infinity, whose exp is the exact limit 0), and the device leaves that row as
 *    it is (scale 1, shift 0, T 1: exact operations).
 * 2. T in (1, 2^64]: `x - m` can overflow float32 (SPEC's `[-3e38, 3e38]` gives `-6e38`, i.e.
 *    -Infinity), which such a T could have brought back into range. The device computes
 *    `(x s - m s) / (T s)` with `s = 2^-ceil(log2 T)`: scaling by a power of two is exact for
 *    normal floats, so this is the same rounding of (x - m)/T; `x s - m s` cannot overflow since
 *    s <= 1/2; T s lies in (1/2, 1]; a masked entry stays -Infinity (never -Infinity / Infinity).
 * 3. 2^-64 <= T <= 1: `(x - m) / T` on the device (s = 1); an overflow to -Infinity is right
 *    because |z| >= |x - m| then.
 *
 * The multiply by s and the division are left out when every row's factor is 1: multiplying or
 * dividing by 1 is exact, so that changes no row's bits.
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
  const scales = new Float32Array(rows).fill(1);
  const shifts = new Float32Array(rows);
  const temperatures = new Float32Array(rows).fill(1);
  let host: Float32Array | null = null;
  let anyScale = false;
  let anyDivision = false;
  for (let row = 0; row < rows; row++) {
    if (skip !== null && skip[row] === 1) continue;
    const rowTemperature = temperature[row]!;
    if (rowTemperature < TINY_TEMPERATURE || rowTemperature > HUGE_TEMPERATURE) {
      host ??= Float32Array.from(input);
      hostScaledRow(request, host, row);
      continue;
    }
    const factor = rowTemperature > 1 ? 2 ** -Math.ceil(Math.log2(rowTemperature)) : 1;
    scales[row] = factor;
    shifts[row] = rowMax[row]! * factor;
    temperatures[row] = rowTemperature * factor;
    if (factor !== 1) anyScale = true;
    if (temperatures[row] !== 1) anyDivision = true;
  }
  const logits = tf.tensor2d(host ?? (input as Float32Array), [rows, cols], 'float32');
  const scaled = anyScale ? tf.mul(logits, tf.tensor2d(scales, [rows, 1])) : logits;
  const shifted = tf.sub(scaled, tf.tensor2d(shifts, [rows, 1]));
  return anyDivision ? tf.div(shifted, tf.tensor2d(temperatures, [rows, 1])) : shifted;
}

/** Path 1 of {@link scaledLogits}: one row's z in float64 on the host, rounded to float32 once. */
function hostScaledRow(request: KernelRequest, target: Float32Array, row: number): void {
  const { input, cols, rowMax, temperature } = request;
  const max = rowMax[row]!;
  const rowTemperature = temperature[row]!;
  for (let index = row * cols, end = index + cols; index < end; index++) {
    // (x - m) is exact or correctly rounded in float64; dividing by a subnormal T overflows to
    // -Infinity (the exact limit after exp) except at the max, where 0 / T = 0. A masked entry
    // gives (-Infinity - m) / T = -Infinity, T being finite here.
    target[index] = (input[index]! - max) / rowTemperature;
  }
}
