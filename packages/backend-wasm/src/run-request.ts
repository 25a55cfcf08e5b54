import type { KernelRequest } from '@softmax-kit/core';
import type { KernelInstance } from './kernel-instance.js';
import { CHUNK_ROWS, MAX_AT, SKIP_AT, SUMS_AT, TEMPERATURE_AT } from './layout.js';

/** Where a request's rows are in the instance's memory (byte offsets). */
export interface Placement {
  readonly kernel: KernelInstance;
  readonly inputAt: number;
  /** Where softmax/logSoftmax write; unused for logSumExp. */
  readonly outputAt: number;
}

/**
 * Runs one request whose rows already lie in `placement.kernel`'s memory. With a
 * {@link KernelRequest.scan}, every row is scanned first (max, flags) and, when `haltOnFlag` is
 * set and a row is flagged, nothing is written. Returns false exactly then.
 *
 * Metadata goes to the kernels in chunks of {@link CHUNK_ROWS} rows; logSumExp results are
 * written straight into `request.output` (`m + log1p(s)`, computed here in float64).
 */
export function runRequest(request: KernelRequest, placement: Placement): boolean {
  const { operation, rows, cols, rowMax, temperature, skip, scan } = request;
  const { kernel, inputAt, outputAt } = placement;
  const ex = kernel.exports;
  const maxAt = kernel.meta + MAX_AT;
  const temperatureAt = kernel.meta + TEMPERATURE_AT;
  const sumsAt = kernel.meta + SUMS_AT;
  const skipAt = kernel.meta + SKIP_AT;
  const rowBytes = cols * 4;
  const oneChunk = rows <= CHUNK_ROWS;
  if (operation === 'softmax' && scan !== null && skip === null && oneChunk) {
    // The common call in one kernel call: scan, then softmax of the rows not flagged.
    copyFloats(temperature, 0, kernel.f64, temperatureAt >> 3, rows);
    const flagged = ex.scanSoftmax(
      inputAt,
      outputAt,
      rows,
      cols,
      maxAt,
      temperatureAt,
      skipAt,
      scan.haltOnFlag ? 1 : 0,
    );
    copyFloats(kernel.f64, maxAt >> 3, scan.rowMax, 0, rows);
    copyBytes(kernel.u8, skipAt, scan.flags, 0, rows);
    return !(flagged > 0 && scan.haltOnFlag);
  }
  if (scan !== null) {
    let flagged = 0;
    for (let r0 = 0; r0 < rows; r0 += CHUNK_ROWS) {
      const count = Math.min(CHUNK_ROWS, rows - r0);
      flagged += ex.scan(inputAt + r0 * rowBytes, count, cols, maxAt, skipAt);
      copyFloats(kernel.f64, maxAt >> 3, scan.rowMax, r0, count);
      copyBytes(kernel.u8, skipAt, scan.flags, r0, count);
    }
    if (flagged > 0 && scan.haltOnFlag) return false;
  }
  const { f64, u8 } = kernel;
  for (let r0 = 0; r0 < rows; r0 += CHUNK_ROWS) {
    const count = Math.min(CHUNK_ROWS, rows - r0);
    // rowMax: still in place after a one-chunk scan; else from the request.
    if (scan === null || !oneChunk) copyFloats(rowMax, r0, f64, maxAt >> 3, count);
    copyFloats(temperature, r0, f64, temperatureAt >> 3, count);
    // Skip marks: the scan's flags (re-read for later chunks) or zeros, or'ed with core's skip.
    if (scan !== null) {
      if (!oneChunk) copyBytes(scan.flags, r0, u8, skipAt, count);
    } else {
      for (let i = 0; i < count; i++) u8[skipAt + i] = 0;
    }
    if (skip !== null) {
      for (let i = 0; i < count; i++)
        u8[skipAt + i] = (u8[skipAt + i] as number) | (skip[r0 + i] as number);
    }
    const inAt = inputAt + r0 * rowBytes;
    if (operation === 'softmax') {
      ex.softmax(inAt, outputAt + r0 * rowBytes, count, cols, maxAt, temperatureAt, skipAt);
      continue;
    }
    ex.sumExcludingMax(inAt, count, cols, maxAt, temperatureAt, skipAt, sumsAt);
    const sums = sumsAt >> 3;
    if (operation === 'logSumExp') {
      const output = request.output;
      for (let i = 0; i < count; i++) {
        if (u8[skipAt + i] !== 0) continue;
        output[r0 + i] = (f64[maxAt / 8 + i] as number) + Math.log1p(f64[sums + i] as number);
      }
      continue;
    }
    for (let i = 0; i < count; i++) f64[sums + i] = Math.log1p(f64[sums + i] as number);
    ex.logSoftmax(
      inAt,
      outputAt + r0 * rowBytes,
      count,
      cols,
      maxAt,
      temperatureAt,
      skipAt,
      sumsAt,
    );
  }
  return true;
}

/**
 * `target[at + i] = source[from + i]` for i < count: a loop for few values, else `set`. One
 * function per element type, so each stays monomorphic (one shared by Float64Array and
 * Uint8Array costs a few ns per call, which counts at 1x10).
 */
function copyFloats(
  source: Float64Array,
  from: number,
  target: Float64Array,
  at: number,
  count: number,
): void {
  if (count <= 16) {
    for (let i = 0; i < count; i++) target[at + i] = source[from + i] as number;
  } else {
    target.set(source.subarray(from, from + count), at);
  }
}

/** {@link copyFloats} for the flag bytes. */
function copyBytes(
  source: Uint8Array,
  from: number,
  target: Uint8Array,
  at: number,
  count: number,
): void {
  if (count <= 16) {
    for (let i = 0; i < count; i++) target[at + i] = source[from + i] as number;
  } else {
    target.set(source.subarray(from, from + count), at);
  }
}
