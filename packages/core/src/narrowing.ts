import type { Dtype, FloatArray, Operation } from './backend.js';
import { RowKind } from './scan-rows.js';
import { allocate } from './typed-arrays.js';

/** Rows converted to a kernel dtype the input does not have, and what undoes the conversion. */
export interface NarrowedRows {
  readonly input: FloatArray;
  readonly output: FloatArray;
  /** What the kernel is told: T = 1 and row max 0 (both applied in float64 already). */
  readonly temperature: Float64Array;
  readonly rowMax: Float64Array;
}

/**
 * Float64 rows for a kernel that takes only float32 (e.g. tfjs): each regular row becomes
 * `(x - m) / T` in float64 and only then is rounded to the kernel's dtype, so no finite float64
 * value overflows, and a huge or subnormal `T` (1e300, 5e-324) keeps its effect (rounding `x - m`
 * to float32 first would turn `[1e300, -1e300]` at `T = 1e300` into `[1, 0]`). The kernel then
 * computes with `T = 1` and a row max of 0; logSumExp (T = 1) adds `m` back in float64.
 */
export function narrowRows(options: {
  operation: Operation;
  rows: FloatArray;
  rowCount: number;
  cols: number;
  rowMax: Float64Array;
  temperature: Float64Array;
  kinds: Uint8Array;
  kernelDtype: Dtype;
}): NarrowedRows {
  const { rows, rowCount, cols, rowMax, temperature, kinds } = options;
  const width = options.operation === 'logSumExp' ? 1 : cols;
  const input = allocate(options.kernelDtype, rowCount * cols);
  const output = allocate(options.kernelDtype, rowCount * width);
  for (let r = 0; r < rowCount; r++) {
    if (kinds[r] !== RowKind.REGULAR) continue;
    const m = rowMax[r] as number;
    const t = temperature[r] as number;
    for (let c = r * cols, end = c + cols; c < end; c++) input[c] = ((rows[c] as number) - m) / t;
  }
  return {
    input,
    output,
    temperature: new Float64Array(rowCount).fill(1),
    rowMax: new Float64Array(rowCount),
  };
}

/** Writes a narrowed kernel's regular rows back in the result's dtype (adding `m` for logSumExp). */
export function widenRows(options: {
  operation: Operation;
  narrowed: NarrowedRows;
  target: FloatArray;
  rowCount: number;
  width: number;
  rowMax: Float64Array;
  kinds: Uint8Array;
}): void {
  const { narrowed, target, width, rowMax, kinds } = options;
  const addMax = options.operation === 'logSumExp';
  for (let r = 0; r < options.rowCount; r++) {
    if (kinds[r] !== RowKind.REGULAR) continue;
    const shift = addMax ? (rowMax[r] as number) : 0;
    for (let i = r * width, end = i + width; i < end; i++)
      target[i] = (narrowed.output[i] as number) + shift;
  }
}
