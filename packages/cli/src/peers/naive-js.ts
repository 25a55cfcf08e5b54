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
