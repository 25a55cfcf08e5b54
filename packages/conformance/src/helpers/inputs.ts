/**
 * Helpers for building inputs: both dtypes, rows rounded to a dtype, flat typed arrays, random
 * rows, and the smallest subnormals.
 */
import type { Dtype, FloatArray } from '@softmax-kit/core';
import { toDtype } from '../precision.js';
import type { Rng } from '../rng.js';

/** Both input dtypes: every backend takes both (core converts for backends lacking one). */
export const DTYPES: readonly Dtype[] = ['float32', 'float64'];

/** Smallest positive subnormal of each dtype. */
export const SMALLEST_SUBNORMAL: Record<Dtype, number> = {
  float32: 2 ** -149,
  float64: 5e-324,
};

/** The values a row has in a dtype (float32 rows are rounded as a Float32Array would store them). */
export function inDtype(dtype: Dtype, values: ArrayLike<number>): Float64Array {
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = toDtype(dtype, values[i] as number);
  return out;
}

/** A flat typed array of the dtype holding the rows one after another. */
export function flatInput(dtype: Dtype, rows: readonly ArrayLike<number>[]): FloatArray {
  const cols = rows[0]?.length ?? 0;
  const out =
    dtype === 'float32'
      ? new Float32Array(rows.length * cols)
      : new Float64Array(rows.length * cols);
  rows.forEach((row, r) => {
    for (let c = 0; c < cols; c++) out[r * cols + c] = row[c] as number;
  });
  return out;
}

/** A row of `n` logits uniform in [-spread, spread]. */
export function uniformRow(rng: Rng, n: number, spread: number): number[] {
  const row = new Array<number>(n);
  for (let i = 0; i < n; i++) row[i] = rng.uniform(-spread, spread);
  return row;
}

/** A row of `n` logits on the grid k/8 for integers |k| <= 8 * limit: exact in float32 and float64. */
export function gridRow(rng: Rng, n: number, limit: number): number[] {
  const row = new Array<number>(n);
  for (let i = 0; i < n; i++) row[i] = rng.int(-8 * limit, 8 * limit) / 8;
  return row;
}
