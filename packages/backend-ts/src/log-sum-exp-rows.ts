import type { KernelRequest } from '@softmax-kit/core';
import { sumExp32, sumExp64 } from './row-exp-sums.js';

/**
 * The logSumExp kernel: for each row not flagged in `skip`, `output[r] = m + log(sum_j exp(x_j -
 * m))` (core passes temperature 1). `-Infinity` entries add nothing.
 *
 * @example
 * ```ts
 * const input = new Float64Array([0, 0, 5, 5]);
 * const output = new Float64Array(2);
 * logSumExpRows({ operation: 'logSumExp', input, output, rows: 2, cols: 2,
 *   temperature: new Float64Array([1, 1]), rowMax: new Float64Array([0, 5]), skip: null });
 * // output = [Math.LN2, 5 + Math.LN2]
 * ```
 */
export function logSumExpRows(request: KernelRequest): void {
  const { input, output, rows, cols, temperature, rowMax, skip } = request;
  for (let r = 0; r < rows; r++) {
    if (skip?.[r] === 1) continue;
    const start = r * cols;
    const max = rowMax[r] as number;
    const t = temperature[r] as number;
    const sum =
      input instanceof Float32Array
        ? sumExp32(input, start, start + cols, max, t, null)
        : sumExp64(input, start, start + cols, max, t, null);
    output[r] = max + Math.log(sum);
  }
}
