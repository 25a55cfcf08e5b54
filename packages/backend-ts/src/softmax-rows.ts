import type { KernelRequest } from '@softmax-kit/core';
import { sumExp32, sumExp64 } from './row-exp-sums.js';
import { beginRows, rowReady } from './scan-row.js';

/**
 * The softmax kernel: for each row not flagged in `skip`, `p_i = exp((x_i - m) / T) / sum_j
 * exp((x_j - m) / T)` with `m = rowMax[r]`, `T = temperature[r]`. Two passes over the row: a fused
 * pass that writes the exps into the output and sums them in float64, then one multiply by
 * `1 / sum`. Works in place (`output === input`): each entry is read before it is written.
 *
 * @example
 * ```ts
 * const input = new Float32Array([2, 1, 0.1]);
 * const output = new Float32Array(3);
 * softmaxRows({ operation: 'softmax', input, output, rows: 1, cols: 3,
 *   temperature: new Float64Array([1]), rowMax: new Float64Array([2]), skip: null });
 * // output ~ [0.659001, 0.242433, 0.098566]
 * ```
 */
export function softmaxRows(request: KernelRequest): void {
  const { input, output, rows, cols, temperature, rowMax } = request;
  if (!beginRows(request)) return;
  for (let r = 0; r < rows; r++) {
    if (!rowReady(request, r)) continue;
    const start = r * cols;
    const max = rowMax[r] as number;
    const t = temperature[r] as number;
    if (input instanceof Float32Array) {
      softmaxRow32(input, output as Float32Array, start, start + cols, max, t);
    } else {
      softmaxRow64(input, output as Float64Array, start, start + cols, max, t);
    }
  }
}

/** One float32 row: the fused exp-and-sum pass, then `* (1 / sum)` unrolled by four. */
function softmaxRow32(
  input: Float32Array,
  output: Float32Array,
  start: number,
  end: number,
  max: number,
  temperature: number,
): void {
  // sum >= 1 (the max entry contributes exactly 1), so 1 / sum is finite, exact to 2^-53.
  const factor = 1 / sumExp32(input, start, end, max, temperature, output);
  let i = start;
  for (const stop = end - 3; i < stop; i += 4) {
    output[i] = (output[i] as number) * factor;
    output[i + 1] = (output[i + 1] as number) * factor;
    output[i + 2] = (output[i + 2] as number) * factor;
    output[i + 3] = (output[i + 3] as number) * factor;
  }
  for (; i < end; i++) output[i] = (output[i] as number) * factor;
}

/** One float64 row: `Math.exp` and a compensated sum ({@link sumExp64}), then `* (1 / sum)`. */
function softmaxRow64(
  input: Float64Array,
  output: Float64Array,
  start: number,
  end: number,
  max: number,
  temperature: number,
): void {
  const factor = 1 / sumExp64(input, start, end, max, temperature, output);
  for (let i = start; i < end; i++) output[i] = (output[i] as number) * factor;
}
