/**
 * Test-only float64 references, written independently of the kernels: `Math.exp` for every
 * term, an exact-error (TwoSum, Knuth TAOCP vol. 2, 4.2.2) double-double accumulation of the sum,
 * and a true division. Their own error is a few float64 ulps.
 */
import type { KernelRequest, Operation } from '@softmax-kit/core';

/** Unit roundoffs. */
export const EPS32 = 2 ** -24;
export const EPS64 = 2 ** -53;

/** A seeded uniform generator in [0, 1) (mulberry32). */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** Row max, ignoring nothing (rows here have a finite max). */
export function rowMaxOf(x: ArrayLike<number>, start = 0, end = x.length): number {
  let max = Number.NEGATIVE_INFINITY;
  for (let i = start; i < end; i++) if ((x[i] as number) > max) max = x[i] as number;
  return max;
}

function expSum(
  x: ArrayLike<number>,
  max: number,
  t: number,
): { terms: Float64Array; sum: number } {
  const terms = new Float64Array(x.length);
  let hi = 0;
  let lo = 0;
  for (let i = 0; i < x.length; i++) {
    const e = Math.exp(((x[i] as number) - max) / t);
    terms[i] = e;
    const s = hi + e;
    const bb = s - hi;
    lo += hi - (s - bb) + (e - bb);
    hi = s;
  }
  return { terms, sum: hi + lo };
}

/** Softmax of one row in float64. */
export function referenceSoftmax(x: ArrayLike<number>, t = 1): Float64Array {
  const { terms, sum } = expSum(x, rowMaxOf(x), t);
  for (let i = 0; i < terms.length; i++) terms[i] = (terms[i] as number) / sum;
  return terms;
}

/**
 * `log(sum_j exp((x_j - m) / t))` of one row as SPEC defines it for accuracy: `log1p(s)`, `s` the
 * double-double sum of every term but the first max's (which is exactly 1). `Math.log1p` is
 * within an ulp or so, and `s` within a few float64 ulps, so this is accurate relative to the
 * result itself, however small (`[0, -40]`: 4.248354255291589e-18).
 */
export function referenceLogSumOfExps(x: ArrayLike<number>, t = 1): number {
  const max = rowMaxOf(x);
  let first = -1;
  let hi = 0;
  let lo = 0;
  for (let i = 0; i < x.length; i++) {
    if (first < 0 && x[i] === max) {
      first = i;
      continue;
    }
    const e = Math.exp(((x[i] as number) - max) / t);
    const s = hi + e;
    const bb = s - hi;
    lo += hi - (s - bb) + (e - bb);
    hi = s;
  }
  return Math.log1p(hi + lo);
}

/** logSoftmax of one row in float64: `(x_i - m) / t - log1p(s)` (see {@link referenceLogSumOfExps}). */
export function referenceLogSoftmax(x: ArrayLike<number>, t = 1): Float64Array {
  const max = rowMaxOf(x);
  const logSum = referenceLogSumOfExps(x, t);
  const result = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) result[i] = ((x[i] as number) - max) / t - logSum;
  return result;
}

/** logSumExp of one row in float64: `m + log1p(s)` (see {@link referenceLogSumOfExps}). */
export function referenceLogSumExp(x: ArrayLike<number>): number {
  return rowMaxOf(x) + referenceLogSumOfExps(x, 1);
}

/** A kernel request over `rows` x `cols`, with row maxima computed here. */
export function makeRequest(
  operation: Operation,
  input: Float32Array | Float64Array,
  rows: number,
  cols: number,
  options: {
    temperature?: number | number[];
    output?: Float32Array | Float64Array;
    skip?: Uint8Array;
  } = {},
): KernelRequest {
  const rowMax = new Float64Array(rows);
  for (let r = 0; r < rows; r++) rowMax[r] = rowMaxOf(input, r * cols, (r + 1) * cols);
  const t = options.temperature ?? 1;
  const temperature = new Float64Array(rows).fill(typeof t === 'number' ? t : 1);
  if (Array.isArray(t)) temperature.set(t);
  const length = operation === 'logSumExp' ? rows : rows * cols;
  const output =
    options.output ??
    (input instanceof Float32Array ? new Float32Array(length) : new Float64Array(length));
  return {
    operation,
    input,
    output,
    rows,
    cols,
    temperature,
    rowMax,
    skip: options.skip ?? null,
    scan: null,
  };
}

/** Largest relative error of `actual` against `expected` over entries with |expected| >= floor. */
export function maxRelativeError(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  floor = 0,
): number {
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i] as number;
    if (Math.abs(e) < floor) continue;
    const error = Math.abs((actual[i] as number) - e) / Math.abs(e);
    if (!(error <= worst)) worst = error;
  }
  return worst;
}

/** Largest absolute error, NaN-propagating. */
export function maxAbsoluteError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i] as number;
    const e = expected[i] as number;
    const error = a === e ? 0 : Math.abs(a - e);
    if (!(error <= worst)) worst = error;
  }
  return worst;
}
