import type { KernelRequest } from '@softmax-kit/core';
import { logSumOfExps } from './row-exp-sums.js';
import { beginRows, rowReady } from './scan-row.js';

/**
 * The logSumExp kernel: for each row not flagged in `skip`, `output[r] = m + log1p(s)`, `s` the
 * sum of `exp(x_j - m)` over every entry but the first max ({@link logSumOfExps}; core passes
 * temperature 1), so the error is bounded relative to `|m| + log1p(s)`: `[0, -40]` gives
 * 4.248354e-18, not 0. `-Infinity` entries add nothing.
 *
 * @example
 * ```ts
 * const input = new Float64Array([0, 0, 5, 5]);
 * const output = new Float64Array(2);
 * logSumExpRows({ operation: 'logSumExp', input, output, rows: 2, cols: 2,
 *   temperature: new Float64Array([1, 1]), rowMax: new Float64Array([0, 5]), skip: null, scan: null });
 * // output = [Math.LN2, 5 + Math.LN2]
 * ```
 */
export function logSumExpRows(request: KernelRequest): void {
  const { input, output, rows, cols, temperature, rowMax } = request;
  if (!beginRows(request)) return;
  for (let r = 0; r < rows; r++) {
    if (!rowReady(request, r)) continue;
    const start = r * cols;
    const max = rowMax[r] as number;
    const t = temperature[r] as number;
    output[r] = max + logSumOfExps(input, start, start + cols, max, t);
  }
}
