import type { Dtype, FloatArray, Operation, SoftmaxOptions } from '@softmax-kit/core';
import { type RowBounds, rowBounds } from './bounds.js';
import type { CaseContext, Tracker } from './case.js';
import { LARGEST_FINITE, type PrecisionModel, toDtype } from './precision.js';
import { neumaierSum, type ReferenceRow, referenceRow } from './reference.js';

/** Formats a number for messages. */
export function show(value: number): string {
  return Number.isFinite(value) && value !== 0 ? value.toPrecision(7) : String(value);
}

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

/** Calls one operation of the public API. */
export function call(
  context: CaseContext,
  operation: Operation,
  input: unknown,
  options?: SoftmaxOptions,
): Promise<FloatArray> {
  const sm = context.sm as unknown as Record<
    Operation,
    (input: unknown, options?: SoftmaxOptions) => Promise<FloatArray>
  >;
  return sm[operation](input, options);
}

/** Checks the result's type: Float32Array for float32 input, Float64Array otherwise. */
export function checkResultType(
  t: Tracker,
  where: string,
  result: unknown,
  dtype: Dtype,
  length: number,
): result is FloatArray {
  const expected = dtype === 'float32' ? Float32Array : Float64Array;
  if (!(result instanceof expected)) {
    t.fail(
      `${where}: result is ${result === null ? 'null' : typeof result === 'object' ? (result as object).constructor.name : typeof result}, expected ${expected.name}`,
    );
    return false;
  }
  if (result.length !== length) {
    t.fail(`${where}: result has length ${result.length}, expected ${length}`);
    return false;
  }
  return true;
}

/** Softmax entries of one row against the reference: exact 0 where masked, else the bound. */
export function measureSoftmax(
  t: Tracker,
  where: string,
  actual: ArrayLike<number>,
  offset: number,
  row: ArrayLike<number>,
  ref: ReferenceRow,
  bounds: RowBounds,
  model: PrecisionModel,
): void {
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
export function measureLogSoftmax(
  t: Tracker,
  where: string,
  actual: ArrayLike<number>,
  offset: number,
  row: ArrayLike<number>,
  ref: ReferenceRow,
  bounds: RowBounds,
  model: PrecisionModel,
): void {
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
  where: string,
  value: number,
  ref: ReferenceRow,
  bounds: RowBounds,
  model: PrecisionModel,
): void {
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
  where: string,
  actual: ArrayLike<number>,
  offset: number,
  n: number,
  bounds: RowBounds,
): void {
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

export interface RowsSpec {
  readonly operation: Operation;
  readonly dtype: Dtype;
  /** Regular rows (finite max), equal lengths; rounded to the dtype here. */
  readonly rows: readonly ArrayLike<number>[];
  /** One temperature, or one per row (softmax/logSoftmax only). */
  readonly temperature?: number | readonly number[];
  /** Pass float64 rows as a plain `number[]` instead of a Float64Array. */
  readonly asArray?: boolean;
  readonly where: string;
  /** Also check `|sum p - 1|` per row (softmax). Default true. */
  readonly rowSums?: boolean;
}

/**
 * Runs one operation on regular rows through the public API and measures every row against
 * the reference with the derived bounds. Returns the result (or null when it had the wrong type).
 */
export async function checkRows(
  context: CaseContext,
  t: Tracker,
  spec: RowsSpec,
): Promise<FloatArray | null> {
  const { operation, dtype } = spec;
  const model = context.model(dtype);
  const rows = spec.rows.map((row) => inDtype(dtype, row));
  const n = rows[0]?.length ?? 0;
  const flat = flatInput(dtype, rows);
  const input = spec.asArray && dtype === 'float64' ? Array.from(flat) : flat;
  const options: SoftmaxOptions = { shape: [rows.length, n] };
  if (spec.temperature !== undefined) options.temperature = spec.temperature as number;
  const result = await call(context, operation, input, options);
  const width = operation === 'logSumExp' ? 1 : n;
  if (!checkResultType(t, spec.where, result, dtype, rows.length * width)) return null;
  rows.forEach((row, r) => {
    const temperature =
      operation === 'logSumExp'
        ? 1
        : typeof spec.temperature === 'number'
          ? spec.temperature
          : (spec.temperature?.[r] ?? 1);
    const { ref, bounds } = referenceWithBounds(row, temperature, model);
    const where = rows.length > 1 ? `${spec.where} row ${r}` : spec.where;
    if (operation === 'softmax') {
      measureSoftmax(t, where, result, r * n, row, ref, bounds, model);
      if (spec.rowSums !== false) measureRowSum(t, where, result, r * n, n, bounds);
    } else if (operation === 'logSoftmax') {
      measureLogSoftmax(t, where, result, r * n, row, ref, bounds, model);
    } else {
      measureLogSumExp(t, where, result[r] as number, ref, bounds, model);
    }
  });
  return result;
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
  where: string,
  actual: ArrayLike<number>,
  offset: number,
  expected: readonly number[],
  model: PrecisionModel,
): void {
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
