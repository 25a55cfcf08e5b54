import type { Precision } from '@softmax-kit/core';
import type { Tf } from './tfjs-types.js';

/** The exponents k tried by {@link probeMantissaBits}: 1 + 2^-k for k = 1..30. */
const PROBE_EXPONENTS = 30;

/**
 * Measures how many fraction bits the active tfjs device keeps through one op: it computes
 * `(1 + 2^-k) - 1` for k = 1..30 on the device, reads the result back, and returns the largest
 * k for which every result up to k is exactly 2^-k. float32 keeps 23 bits, float16 10. This is
 * measured because tfjs's own `floatPrecision()` is wrong for webgl in 4.22 (it says 16 where
 * textures are float32). Call with the device active.
 *
 * @example
 * ```ts
 * await tf.setBackend('webgl');
 * await probeMantissaBits(tf); // 23 where WebGL renders to float32 textures
 * ```
 */
export async function probeMantissaBits(tf: Tf): Promise<number> {
  const powers = new Float32Array(PROBE_EXPONENTS);
  for (let k = 1; k <= PROBE_EXPONENTS; k++) powers[k - 1] = 2 ** -k;
  const difference = tf.tidy(() => {
    const ones = tf.ones([PROBE_EXPONENTS]);
    return tf.sub(tf.add(ones, tf.tensor1d(powers)), ones);
  });
  let values: ArrayLike<number>;
  try {
    values = (await difference.data()) as Float32Array;
  } finally {
    difference.dispose();
  }
  let bits = 0;
  while (bits < PROBE_EXPONENTS && values[bits] === powers[bits]) bits++;
  return bits;
}

/**
 * The precision a probed number of fraction bits stands for, or `undefined` below float16.
 *
 * @example
 * ```ts
 * precisionFromBits(23); // 'float32'
 * ```
 */
export function precisionFromBits(bits: number): Precision | undefined {
  if (bits >= 23) return 'float32';
  if (bits >= 10) return 'float16';
  return undefined;
}
