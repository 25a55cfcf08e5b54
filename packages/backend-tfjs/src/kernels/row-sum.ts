import type { Tf, TfTensor } from '../tfjs-types.js';

/** Entries summed by one tfjs `sum` at each level of {@link rowSum}. */
export const SUM_BLOCK = 64;

/**
 * The sum of each row of a non-negative `[rows, cols]` tensor, as `[rows, 1]` (call inside
 * `tf.tidy`).
 *
 * tfjs-wasm sums a row with one float32 accumulator, whose rounding error grows with n (about
 * 4e-4 relative at n = 1e6 for softmax on this project's machines). Here a row is summed in
 * blocks of {@link SUM_BLOCK} entries, then the block sums in blocks, and so on: a
 * blocked/pairwise summation (Higham, "Accuracy and Stability of Numerical Algorithms", 2nd
 * ed., section 4.2) whose error bound is about `SUM_BLOCK * ceil(log_64 n) * eps` instead of
 * `n * eps`. The padding with zeros does not change the sums.
 *
 * @example
 * ```ts
 * const sums = tf.tidy(() => rowSum(tf, tf.exp(z), rows, cols)); // [rows, 1]
 * ```
 */
export function rowSum(tf: Tf, values: TfTensor, rows: number, cols: number): TfTensor {
  let partial = values;
  let width = cols;
  while (width > SUM_BLOCK) {
    const blocks = Math.ceil(width / SUM_BLOCK);
    const padding = blocks * SUM_BLOCK - width;
    const padded =
      padding > 0
        ? tf.pad(partial, [
            [0, 0],
            [0, padding],
          ])
        : partial;
    partial = tf.sum(tf.reshape(padded, [rows, blocks, SUM_BLOCK]), 2);
    width = blocks;
  }
  return tf.sum(partial, 1, true);
}
