/**
 * Helpers that run an operation on whole rows through the public API and measure every row:
 * regular rows of one dtype (`checkRows`), and all three operations at once
 * (`checkAllOperations`).
 */
import type { Dtype, FloatArray, Operation, SoftmaxOptions } from '@softmax-kit/core';
import type { CaseContext, Tracker } from '../case.js';
import { call, checkResultType } from './calls.js';
import { flatInput, inDtype } from './inputs.js';
import {
  measureLogSoftmax,
  measureLogSumExp,
  measureRowSum,
  measureSoftmax,
  referenceWithBounds,
} from './measure.js';

const ALL_OPS: readonly Operation[] = ['softmax', 'logSoftmax', 'logSumExp'];

/** RegularRows: what `checkRows` runs. */
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
      measureSoftmax(t, { where, actual: result, offset: r * n, row, ref, bounds, model });
      if (spec.rowSums !== false)
        measureRowSum(t, { where, actual: result, offset: r * n, n, bounds });
    } else if (operation === 'logSoftmax') {
      measureLogSoftmax(t, { where, actual: result, offset: r * n, row, ref, bounds, model });
    } else {
      measureLogSumExp(t, { where, value: result[r] as number, ref, bounds, model });
    }
  });
  return result;
}

/** Runs softmax and logSoftmax at T and logSumExp (no T) on regular rows against the reference. */
export async function checkAllOperations(
  context: CaseContext,
  t: Tracker,
  spec: {
    readonly dtype: Dtype;
    readonly rows: readonly ArrayLike<number>[];
    /** softmax and logSoftmax run at this T (default: none given). */
    readonly temperature?: number;
    readonly where: string;
  },
): Promise<void> {
  const { dtype, rows, temperature, where } = spec;
  for (const operation of ALL_OPS) {
    const result = await checkRows(context, t, {
      operation,
      dtype,
      rows,
      where: `${where} ${operation}`,
      ...(operation === 'logSumExp' || temperature === undefined ? {} : { temperature }),
    });
    if (result !== null)
      t.require(
        !result.some(Number.isNaN),
        () => `${where} ${operation}: NaN in the result of finite input`,
      );
  }
}
