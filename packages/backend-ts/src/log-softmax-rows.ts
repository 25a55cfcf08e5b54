import type { KernelRequest } from '@softmax-kit/core';
import { logSumOfExps } from './row-exp-sums.js';
import { beginRows, rowReady } from './scan-row.js';

/**
 * The logSoftmax kernel: for each row not flagged in `skip`,
 * `(x_i - m) / T - log1p(s)`, `s` the sum of `exp((x_j - m) / T)` over every entry but the first
 * max ({@link logSumOfExps}), so the result is accurate relative to its own size, also where it
 * is tiny (`[0, -40]` gives -4.248354e-18 at the max, not 0). One pass sums the exps (nothing
 * written), a second writes the result, so in place works. A `-Infinity` entry gives
 * `-Infinity`, never NaN.
 *
 * @example
 * ```ts
 * const input = new Float64Array([0, 0]);
 * const output = new Float64Array(2);
 * logSoftmaxRows({ operation: 'logSoftmax', input, output, rows: 1, cols: 2,
 *   temperature: new Float64Array([1]), rowMax: new Float64Array([0]), skip: null });
 * // output = [-Math.LN2, -Math.LN2]
 * ```
 */
export function logSoftmaxRows(request: KernelRequest): void {
  const { input, output, rows, cols, temperature, rowMax } = request;
  if (!beginRows(request)) return;
  for (let r = 0; r < rows; r++) {
    if (!rowReady(request, r)) continue;
    const start = r * cols;
    const max = rowMax[r] as number;
    const t = temperature[r] as number;
    if (input instanceof Float32Array) {
      logSoftmaxRow32(input, output as Float32Array, start, start + cols, max, t);
    } else {
      logSoftmaxRow64(input, output as Float64Array, start, start + cols, max, t);
    }
  }
}

function logSoftmaxRow32(
  input: Float32Array,
  output: Float32Array,
  start: number,
  end: number,
  max: number,
  temperature: number,
): void {
  const logSum = logSumOfExps(input, start, end, max, temperature);
  // 1 / T overflows for subnormal T, and (x - m) = 0 times Infinity is NaN: cap it at the
  // largest double. That changes no float32 result: a nonzero x - m of float32 values is at
  // least 2^-149 in size, so the capped product is beyond -10^263 (1e308 * 2^-149), -Infinity in float32, as the
  // exact quotient is.
  const inverse = Math.min(1 / temperature, 1e308);
  for (let i = start; i < end; i++) output[i] = ((input[i] as number) - max) * inverse - logSum;
}

function logSoftmaxRow64(
  input: Float64Array,
  output: Float64Array,
  start: number,
  end: number,
  max: number,
  temperature: number,
): void {
  const logSum = logSumOfExps(input, start, end, max, temperature);
  for (let i = start; i < end; i++) output[i] = ((input[i] as number) - max) / temperature - logSum;
}
