/**
 * Helpers for measuring results against the double-double reference with the derived bounds
 * (see `bounds.ts`): per entry, per row, exact limits and pairs of results of one reference.
 * Each takes the tracker and one object naming what is measured.
 */
import { type RowBounds, rowBounds } from '../bounds.js';
import type { Tracker } from '../case.js';
import { LARGEST_FINITE, type PrecisionModel } from '../precision.js';
import { neumaierSum, type ReferenceRow, referenceRow } from '../reference.js';

/** Formats a number for messages. */
export function show(value: number): string {
  return Number.isFinite(value) && value !== 0 ? value.toPrecision(7) : String(value);
}

/** One row of a result measured against its reference. */
export interface RowMeasure {
  /** Says which row, in failure messages. */
  readonly where: string;
  /** The result (the row starts at `offset`). */
  readonly actual: ArrayLike<number>;
  readonly offset: number;
  /** The row exactly as the backend received it. */
  readonly row: ArrayLike<number>;
  readonly ref: ReferenceRow;
  readonly bounds: RowBounds;
  readonly model: PrecisionModel;
}

/** Softmax entries of one row against the reference: exact 0 where masked, else the bound. */
export function measureSoftmax(t: Tracker, measure: RowMeasure): void {
  const { where, actual, offset, row, ref, bounds, model } = measure;
  let worst = -1;
  let worstRatio = -1;
  for (let i = 0; i < ref.n; i++) {
    const value = actual[offset + i] as number;
    if ((row[i] as number) === Number.NEGATIVE_INFINITY) {
      if (value !== 0)
        t.fail(
          `${where}[${i}] is masked (-Infinity) but softmax gave ${show(value)}, expected exactly 0`,
        );
      continue;
    }
    const error = Math.abs(value - (ref.pHi[i] as number) - (ref.pLo[i] as number));
    const bound = bounds.softmax[i] as number;
    const ratio = Number.isNaN(error) ? Number.POSITIVE_INFINITY : error === 0 ? 0 : error / bound;
    if (ratio > worstRatio) {
      worstRatio = ratio;
      worst = i;
    }
  }
  if (worst < 0) return;
  const reference = ref.pHi[worst] as number;
  const value = actual[offset + worst] as number;
  const scale = Math.max(reference, model.tau);
  const error = Math.abs(value - reference - (ref.pLo[worst] as number));
  t.check(
    error / scale,
    (bounds.softmax[worst] as number) / scale,
    () =>
      `${where}[${worst}] softmax ${show(value)} vs reference ${show(reference)} (relative error)`,
  );
}

/**
 * Whether -Infinity is an acceptable logSoftmax / logSumExp result for a finite reference: when
 * the reference minus its bound is beyond the largest finite value of the compute precision or
 * of the output dtype (the value overflows there), or when `x_i - m` itself overflows the
 * compute precision (SPEC: "finite or -Infinity, never NaN" for the largest finite values).
 */
function overflowAccepted(
  value: number,
  reference: number,
  bound: number,
  model: PrecisionModel,
  difference = 0,
): boolean {
  if (value !== Number.NEGATIVE_INFINITY) return false;
  const limit = Math.min(LARGEST_FINITE[model.dtype], model.largestCompute);
  return reference - bound < -limit || !(Math.abs(difference) <= model.largestCompute);
}

/** logSoftmax entries of one row: -Infinity where masked, else the absolute bound. */
export function measureLogSoftmax(t: Tracker, measure: RowMeasure): void {
  const { where, actual, offset, row, ref, bounds, model } = measure;
  let worst = -1;
  let worstRatio = -1;
  let worstError = 0;
  for (let i = 0; i < ref.n; i++) {
    const value = actual[offset + i] as number;
    const reference = ref.logpHi[i] as number;
    if ((row[i] as number) === Number.NEGATIVE_INFINITY || reference === Number.NEGATIVE_INFINITY) {
      if (value !== Number.NEGATIVE_INFINITY)
        t.fail(`${where}[${i}]: logSoftmax gave ${show(value)}, expected -Infinity`);
      continue;
    }
    const bound = bounds.logSoftmax[i] as number;
    let error = Math.abs(value - reference - (ref.logpLo[i] as number));
    if (overflowAccepted(value, reference, bound, model, (row[i] as number) - ref.max)) error = 0;
    const ratio = Number.isNaN(error) ? Number.POSITIVE_INFINITY : error === 0 ? 0 : error / bound;
    if (ratio > worstRatio) {
      worstRatio = ratio;
      worst = i;
      worstError = error;
    }
  }
  if (worst < 0) return;
  t.check(
    worstError,
    bounds.logSoftmax[worst] as number,
    () =>
      `${where}[${worst}] logSoftmax ${show(actual[offset + worst] as number)} vs reference ${show(ref.logpHi[worst] as number)} (absolute error)`,
  );
}

/** One logSumExp value against the reference. */
export function measureLogSumExp(
  t: Tracker,
  measure: Pick<RowMeasure, 'where' | 'ref' | 'bounds' | 'model'> & { readonly value: number },
): void {
  const { where, value, ref, bounds, model } = measure;
  let error = Math.abs(value - ref.lseHi - ref.lseLo);
  if (overflowAccepted(-value, -ref.lseHi, bounds.logSumExp, model)) error = 0;
  t.check(
    error,
    bounds.logSumExp,
    () => `${where} logSumExp ${show(value)} vs reference ${show(ref.lseHi)} (absolute error)`,
  );
}

/** `|sum p - 1|` of one row (Neumaier sum of the result). */
export function measureRowSum(
  t: Tracker,
  measure: Pick<RowMeasure, 'where' | 'actual' | 'offset' | 'bounds'> & { readonly n: number },
): void {
  const { where, actual, offset, n, bounds } = measure;
  const sum = neumaierSum(actual, offset, offset + n);
  t.check(Math.abs(sum - 1), bounds.rowSum, () => `${where} row sum ${show(sum)}`);
}

/** Reference and bounds of one row, cached per (values, T) object identity by the caller. */
export function referenceWithBounds(
  row: ArrayLike<number>,
  temperature: number,
  model: PrecisionModel,
): { ref: ReferenceRow; bounds: RowBounds } {
  const ref = referenceRow(row, temperature);
  return { ref, bounds: rowBounds(row, ref, model) };
}

/** Bound for an exact limit computed in float64 and stored in the output dtype. */
export function exactLimitBound(expected: number, model: PrecisionModel): number {
  return Math.abs(expected) * (model.epsDtype + 2 * 2 ** -53);
}

/** Derivation of {@link exactLimitBound}. */
export const EXACT_LIMIT_DERIVATION =
  'exact limit (0, 1/k, -log k, +-Infinity, NaN) rounded to the output dtype: |v| (eps_dtype + 2*2^-53); 0, +-Infinity and NaN must match exactly';

/**
 * Compares values with exact expected limits: 0, +-Infinity and NaN must match exactly, other
 * values within {@link exactLimitBound}.
 */
export function measureExact(
  t: Tracker,
  measure: Pick<RowMeasure, 'where' | 'actual' | 'offset' | 'model'> & {
    readonly expected: readonly number[];
  },
): void {
  const { where, actual, offset, expected, model } = measure;
  expected.forEach((value, i) => {
    const got = actual[offset + i] as number;
    if (Number.isNaN(value)) {
      t.require(Number.isNaN(got), () => `${where}[${i}] is ${show(got)}, expected NaN`);
    } else if (value === 0 || !Number.isFinite(value)) {
      t.require(
        got === value,
        () => `${where}[${i}] is ${show(got)}, expected exactly ${show(value)}`,
      );
    } else {
      t.check(
        Math.abs(got - value),
        exactLimitBound(value, model),
        () => `${where}[${i}] is ${show(got)}, expected ${show(value)}`,
      );
    }
  });
}

/** Two results of one reference row, e.g. of x and x + c. */
export interface PairMeasure {
  readonly where: string;
  readonly operation: 'softmax' | 'logSoftmax';
  /** The first result; its row starts at `aOffset`. */
  readonly a: ArrayLike<number>;
  readonly aOffset: number;
  /** The second result; entry i of the row is at `bIndex(i)`. */
  readonly b: ArrayLike<number>;
  readonly bIndex: (i: number) => number;
  readonly ref: ReferenceRow;
  readonly boundsA: RowBounds;
  readonly boundsB: RowBounds;
  readonly model: PrecisionModel;
}

/**
 * Compares two results of the same reference row (e.g. x and x + c): each is within its bound of
 * the reference, so they are within the sum of the bounds of each other.
 */
export function measurePair(t: Tracker, pair: PairMeasure): void {
  const { where, operation, a, aOffset, b, bIndex, ref, boundsA, boundsB, model } = pair;
  let worst = -1;
  let worstRatio = -1;
  for (let i = 0; i < ref.n; i++) {
    const x = a[aOffset + i] as number;
    const y = b[bIndex(i)] as number;
    if (x === y && !Number.isNaN(x)) continue;
    const bound =
      operation === 'softmax'
        ? (boundsA.softmax[i] as number) + (boundsB.softmax[i] as number)
        : (boundsA.logSoftmax[i] as number) + (boundsB.logSoftmax[i] as number);
    const error = Math.abs(x - y);
    // NaN on either side, or -Infinity against a finite value, is an infinite ratio
    const ratio =
      Number.isNaN(error) || error === Number.POSITIVE_INFINITY
        ? Number.POSITIVE_INFINITY
        : error / bound;
    if (ratio > worstRatio) {
      worstRatio = ratio;
      worst = i;
    }
  }
  if (worst < 0) {
    t.check(0, 0, where);
    return;
  }
  const x = a[aOffset + worst] as number;
  const y = b[bIndex(worst)] as number;
  const scale = operation === 'softmax' ? Math.max(ref.pHi[worst] as number, model.tau) : 1;
  const bound =
    operation === 'softmax'
      ? (boundsA.softmax[worst] as number) + (boundsB.softmax[worst] as number)
      : (boundsA.logSoftmax[worst] as number) + (boundsB.logSoftmax[worst] as number);
  t.check(
    Math.abs(x - y) / scale,
    bound / scale,
    () => `${where}[${worst}]: ${show(x)} vs ${show(y)}`,
  );
}
