import type { FloatArray } from '@softmax-kit/core';

/**
 * The textbook three-pass softmax over the last axis with `Math.exp`: max, exp and sum, divide.
 * The bench's reference point for "3x faster than naive".
 *
 * @example
 * ```ts
 * naiveSoftmax(Float32Array.of(2, 1, 0.1), new Float32Array(3), 1, 3);
 * ```
 */
export function naiveSoftmax(
  input: FloatArray,
  output: FloatArray,
  rows: number,
  cols: number,
): void {
  for (let row = 0; row < rows; row++) {
    const start = row * cols;
    const end = start + cols;
    let max = Number.NEGATIVE_INFINITY;
    for (let i = start; i < end; i++) if ((input[i] as number) > max) max = input[i] as number;
    let sum = 0;
    for (let i = start; i < end; i++) {
      const e = Math.exp((input[i] as number) - max);
      output[i] = e;
      sum += e;
    }
    for (let i = start; i < end; i++) output[i] = (output[i] as number) / sum;
  }
}

/**
 * The textbook log-softmax over the last axis: max, then `log(sum exp(x - max))` (`Math.exp`,
 * `Math.log`), then `x - max - log(sum)`. Three passes, like {@link naiveSoftmax}; no `log1p`
 * (so it loses SPEC's accuracy relative to tiny terms, as textbook code does).
 *
 * @example
 * ```ts
 * naiveLogSoftmax(Float32Array.of(2, 1, 0.1), new Float32Array(3), 1, 3);
 * ```
 */
export function naiveLogSoftmax(
  input: FloatArray,
  output: FloatArray,
  rows: number,
  cols: number,
): void {
  for (let row = 0; row < rows; row++) {
    const start = row * cols;
    const end = start + cols;
    let max = Number.NEGATIVE_INFINITY;
    for (let i = start; i < end; i++) if ((input[i] as number) > max) max = input[i] as number;
    let sum = 0;
    for (let i = start; i < end; i++) sum += Math.exp((input[i] as number) - max);
    const shift = max + Math.log(sum);
    for (let i = start; i < end; i++) output[i] = (input[i] as number) - shift;
  }
}

/**
 * The textbook log-sum-exp of each row: `max + log(sum exp(x - max))`, two passes. `output` has
 * one entry per row.
 *
 * @example
 * ```ts
 * naiveLogSumExp(Float32Array.of(2, 1, 0.1), new Float32Array(1), 1, 3);
 * ```
 */
export function naiveLogSumExp(
  input: FloatArray,
  output: FloatArray,
  rows: number,
  cols: number,
): void {
  for (let row = 0; row < rows; row++) {
    const start = row * cols;
    const end = start + cols;
    let max = Number.NEGATIVE_INFINITY;
    for (let i = start; i < end; i++) if ((input[i] as number) > max) max = input[i] as number;
    let sum = 0;
    for (let i = start; i < end; i++) sum += Math.exp((input[i] as number) - max);
    output[row] = max + Math.log(sum);
  }
}
