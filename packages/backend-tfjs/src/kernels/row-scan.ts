// biome-ignore-all lint/complexity/useMathMinMax: the comparisons skip NaN, as RowScan's max must
/**
 * The row scan of a scanning kernel (capabilities `scansRows`, see `RowScan` in
 * `@softmax-kit/core`): each row's max and whether the row is regular (no NaN, no +Infinity, not
 * every entry -Infinity).
 *
 * The fast path ({@link usesDeviceScan}: softmax, every row at T = 1, rows on the fused path)
 * takes both from the device, in the same tfjs program as `tf.softmax` (see
 * `kernels/softmax-kernel.ts`): `tf.max(x, -1)` is NaN for a row with a NaN (tfjs's reductions
 * propagate NaN), +Infinity for a row with one and -Infinity for an all -Infinity row, so a row is
 * regular exactly when its max is finite; the first softmax entry of the row is checked too (a NaN
 * anywhere in a row makes its sum, hence every entry, NaN), so a NaN is caught even by a max that
 * skipped it. Every other request is scanned here on the host before the device runs.
 *
 * @packageDocumentation
 */
import type { KernelRequest } from '@softmax-kit/core';
import { unitTemperature, usesFusedPath } from './fused-path.js';

/**
 * Whether a scanning request takes its scan from the device: softmax on the fused path with
 * every row at T = 1 (rows marked in `skip` are not computed, whatever their temperature).
 *
 * @example
 * ```ts
 * if (request.scan !== null && usesDeviceScan(request, 'wasm')) { ... }
 * ```
 */
export function usesDeviceScan(request: KernelRequest, device: string): boolean {
  return (
    request.operation === 'softmax' && usesFusedPath(request, device) && unitTemperature(request)
  );
}

/** The max of `input[start, end)`, NaN ignored (-Infinity when there is no other entry). */
function maxIgnoringNaN(input: ArrayLike<number>, start: number, end: number): number {
  let max = Number.NEGATIVE_INFINITY;
  for (let i = start; i < end; i++) {
    const value = input[i]!;
    max = value > max ? value : max;
  }
  return max;
}

/** Whether `input[start, end)` holds a NaN. */
function hasNaN(input: ArrayLike<number>, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (Number.isNaN(input[i])) return true;
  return false;
}

/**
 * Fills `scan.rowMax` and `scan.flags` from the device's row maxima (`deviceMax`, one per row)
 * and the softmax result (`probabilities`, `[rows, cols]`); returns the number of flagged rows.
 * A flagged row whose device max is NaN gets its NaN-ignoring max from the host (RowScan's
 * contract); flagged rows are rare, so this costs nothing on regular input.
 *
 * @example
 * ```ts
 * const flagged = flagsFromDevice(request, maxValues, probabilities);
 * ```
 */
export function flagsFromDevice(
  request: KernelRequest,
  deviceMax: ArrayLike<number>,
  probabilities: ArrayLike<number>,
): number {
  const { input, rows, cols, scan } = request;
  if (scan === null) return 0;
  let flagged = 0;
  for (let row = 0; row < rows; row++) {
    const max = deviceMax[row]!;
    // A regular row has a finite max and a finite first probability; Number.isFinite is false
    // for NaN and both infinities.
    if (Number.isFinite(max) && !Number.isNaN(probabilities[row * cols])) {
      scan.rowMax[row] = max;
      continue;
    }
    scan.flags[row] = 1;
    flagged++;
    scan.rowMax[row] = Number.isNaN(max)
      ? maxIgnoringNaN(input, row * cols, row * cols + cols)
      : max;
  }
  return flagged;
}

/**
 * Scans every row of a scanning request on the host (requests that do not take the device
 * scan): fills `scan.rowMax` and `scan.flags` and returns the number of flagged rows. One pass
 * with the max and a running `v - v` (0 for a finite entry, NaN for NaN and both infinities);
 * only a row whose spread is NaN while its max is finite (a masked -Infinity, or a NaN) is
 * looked at again for a NaN.
 *
 * @example
 * ```ts
 * const flagged = scanOnHost(request);
 * ```
 */
export function scanOnHost(request: KernelRequest): number {
  const { input, rows, cols, scan } = request;
  if (scan === null) return 0;
  let flagged = 0;
  for (let row = 0, start = 0; row < rows; row++, start += cols) {
    const end = start + cols;
    let max = Number.NEGATIVE_INFINITY;
    let spread = 0;
    for (let i = start; i < end; i++) {
      const value = input[i]!;
      max = value > max ? value : max;
      spread += value - value;
    }
    scan.rowMax[row] = max;
    const regular =
      spread === 0 || (Number.isFinite(max) && Number.isNaN(spread) && !hasNaN(input, start, end));
    if (!regular) {
      scan.flags[row] = 1;
      flagged++;
    }
  }
  return flagged;
}

/**
 * The request the existing kernels compute after a host scan: `rowMax` filled, flagged rows
 * added to `skip` (so they are neither computed nor written), `scan` null.
 *
 * @example
 * ```ts
 * const computed = afterHostScan(request, scanOnHost(request));
 * ```
 */
export function afterHostScan(request: KernelRequest, flagged: number): KernelRequest {
  const { scan, skip, rows } = request;
  if (scan === null) return request;
  let merged = skip;
  if (flagged > 0) {
    merged = new Uint8Array(rows);
    for (let row = 0; row < rows; row++) {
      merged[row] = scan.flags[row] === 1 || skip?.[row] === 1 ? 1 : 0;
    }
  }
  return { ...request, rowMax: scan.rowMax, skip: merged, scan: null };
}
