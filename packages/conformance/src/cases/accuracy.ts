/**
 * The accuracy group: softmax, logSoftmax, logSumExp and row sums against the double-double
 * reference at every entry, for row lengths 1 to 1,000,000 (several short rows batched, one long
 * row), per-row temperatures, every axis, nested input and caller `out` buffers. logSoftmax and
 * logSumExp are judged relative to the size of their terms (SPEC "Accuracy of the logarithms"),
 * with cases whose result is tiny next to 1 (`logSumExp([0, -40]) = 4.248e-18`).
 */
import type { Dtype, FloatArray, Operation } from '@softmax-kit/core';
import { DERIVATION, type RowBounds, rowBounds } from '../bounds.js';
import type { CaseContext, ConformanceCase, Tracker } from '../case.js';
import { call, checkResultType } from '../helpers/calls.js';
import { DTYPES, flatInput, inDtype, uniformRow } from '../helpers/inputs.js';
import {
  measureLogSoftmax,
  measureLogSumExp,
  measureRowSum,
  measureSoftmax,
} from '../helpers/measure.js';
import { checkRows } from '../helpers/rows.js';
import { trackedCase } from '../helpers/tracked-case.js';
import { type ReferenceRow, referenceRow } from '../reference.js';
import { createRng, seedFor } from '../rng.js';

/** Default row lengths of the accuracy group: 1 to 1,000,000. */
export const DEFAULT_SIZES: readonly number[] = [
  1, 2, 3, 10, 100, 1000, 10_000, 100_000, 1_000_000,
];

interface SizeData {
  rows: Float64Array[];
  refs: ReferenceRow[];
  bounds: RowBounds[];
  input: FloatArray;
}

/** Rows per size: several short rows (batched), one long row. */
function rowCount(n: number): number {
  if (n <= 100) return 12;
  if (n <= 1000) return 4;
  return 1;
}

/** Spread of row r: logits uniform in [-spread, spread]. */
const SPREADS = [12, 3, 40] as const;

/** The rows of one (dtype, n), their references and bounds; cached for the four cases. */
function sizeData(context: CaseContext, dtype: Dtype, n: number): SizeData {
  const key = `accuracy:${dtype}:${n}`;
  const cached = context.cache.get(key) as SizeData | undefined;
  if (cached) return cached;
  for (const existing of [...context.cache.keys()])
    if (existing.startsWith('accuracy:')) context.cache.delete(existing);
  const rng = createRng(seedFor(context.seed, key));
  const model = context.model(dtype);
  const rows: Float64Array[] = [];
  for (let r = 0; r < rowCount(n); r++)
    rows.push(inDtype(dtype, uniformRow(rng, n, SPREADS[r % SPREADS.length] as number)));
  const refs = rows.map((row) => referenceRow(row, 1));
  const bounds = rows.map((row, r) => rowBounds(row, refs[r] as ReferenceRow, model));
  const data = { rows, refs, bounds, input: flatInput(dtype, rows) };
  context.cache.set(key, data);
  return data;
}

type Measure = 'softmax' | 'logSoftmax' | 'rowSum' | 'logSumExp';

const TITLES: Record<Measure, string> = {
  softmax:
    'softmax is within the relative-error bound of the double-double reference at every entry',
  logSoftmax:
    'logSoftmax is within the absolute-error bound of the double-double reference at every entry',
  rowSum: 'softmax rows sum to 1 within the bound',
  logSumExp: 'logSumExp is within the absolute-error bound of the double-double reference',
};

function sizeCase(dtype: Dtype, n: number, measure: Measure): ConformanceCase {
  const operation: Operation = measure === 'rowSum' ? 'softmax' : measure;
  return trackedCase(
    `accuracy.${measure}.${dtype}.n=${n}`,
    'accuracy',
    `${TITLES[measure]} for ${dtype} rows of length ${n}.`,
    DERIVATION[measure],
    async (context, t) => {
      const data = sizeData(context, dtype, n);
      const model = context.model(dtype);
      const rows = data.rows.length;
      const result = await call(context, operation, data.input, { shape: [rows, n] });
      const width = operation === 'logSumExp' ? 1 : n;
      if (!checkResultType(t, `n=${n}`, result, dtype, rows * width)) return;
      data.rows.forEach((row, r) => {
        const ref = data.refs[r] as ReferenceRow;
        const bounds = data.bounds[r] as RowBounds;
        const where = `row ${r} (n=${n})`;
        if (measure === 'softmax')
          measureSoftmax(t, { where, actual: result, offset: r * n, row, ref, bounds, model });
        else if (measure === 'rowSum')
          measureRowSum(t, { where, actual: result, offset: r * n, n, bounds });
        else if (measure === 'logSoftmax')
          measureLogSoftmax(t, { where, actual: result, offset: r * n, row, ref, bounds, model });
        else measureLogSumExp(t, { where, value: result[r] as number, ref, bounds, model });
      });
    },
  );
}

/** Temperatures of the per-row temperature case (one per row). */
const ROW_TEMPERATURES = [0.05, 0.3, 0.7, 1, 1.7, 4, 25, 1000];

function temperatureCase(dtype: Dtype, operation: 'softmax' | 'logSoftmax'): ConformanceCase {
  return trackedCase(
    `accuracy.${operation}.${dtype}.temperatures`,
    'accuracy',
    `${operation} with one temperature per row (${ROW_TEMPERATURES.join(', ')}) is within the bound of the reference for ${dtype} rows.`,
    DERIVATION[operation],
    async (context, t) => {
      const rows = ROW_TEMPERATURES.map(() => uniformRow(context.rng, 64, 8));
      await checkRows(context, t, {
        operation,
        dtype,
        rows,
        temperature: ROW_TEMPERATURES,
        where: 'per-row T',
      });
    },
  );
}

/** Extracts the row of `data` (shape `shape`) along `axis` at outer index o and inner index i. */
function gather(
  data: ArrayLike<number>,
  shape: readonly number[],
  axis: number,
): { rows: Float64Array[]; positions: number[][] } {
  const cols = shape[axis] as number;
  let outer = 1;
  let inner = 1;
  for (let d = 0; d < axis; d++) outer *= shape[d] as number;
  for (let d = axis + 1; d < shape.length; d++) inner *= shape[d] as number;
  const rows: Float64Array[] = [];
  const positions: number[][] = [];
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const row = new Float64Array(cols);
      const where: number[] = [];
      for (let c = 0; c < cols; c++) {
        const flat = (o * cols + c) * inner + i;
        row[c] = data[flat] as number;
        where.push(flat);
      }
      rows.push(row);
      positions.push(where);
    }
  }
  return { rows, positions };
}

function axisCase(dtype: Dtype): ConformanceCase {
  const shape = [3, 5, 4];
  return trackedCase(
    `accuracy.axis.${dtype}`,
    'accuracy',
    `softmax, logSoftmax and logSumExp along every axis of a ${dtype} tensor of shape [3, 5, 4] (negative axes included) match the reference of the rows along that axis.`,
    DERIVATION.softmax,
    async (context, t) => {
      const model = context.model(dtype);
      const values = inDtype(dtype, uniformRow(context.rng, 60, 6));
      const input = flatInput(dtype, [values]);
      for (const axis of [0, 1, 2, -1, -2, -3]) {
        const resolved = axis < 0 ? axis + 3 : axis;
        const { rows, positions } = gather(values, shape, resolved);
        for (const operation of ['softmax', 'logSoftmax', 'logSumExp'] as const) {
          const result = await call(context, operation, input, { shape, axis });
          const length = operation === 'logSumExp' ? rows.length : 60;
          if (!checkResultType(t, `axis ${axis} ${operation}`, result, dtype, length)) continue;
          rows.forEach((row, r) => {
            const ref = referenceRow(row, 1);
            const bounds = rowBounds(row, ref, model);
            const where = `axis ${axis}, row ${r}`;
            if (operation === 'logSumExp') {
              measureLogSumExp(t, { where, value: result[r] as number, ref, bounds, model });
              return;
            }
            const gathered = (positions[r] as number[]).map((p) => result[p] as number);
            if (operation === 'softmax')
              measureSoftmax(t, { where, actual: gathered, offset: 0, row, ref, bounds, model });
            else
              measureLogSoftmax(t, { where, actual: gathered, offset: 0, row, ref, bounds, model });
          });
        }
      }
    },
  );
}

const nestedCase = trackedCase(
  'accuracy.nested-input',
  'accuracy',
  'A nested number[][] input gives a flat row-major Float64Array that matches the reference.',
  DERIVATION.softmax,
  async (context, t) => {
    const rows = [0, 1, 2].map(() => uniformRow(context.rng, 5, 5));
    const model = context.model('float64');
    const result = await call(context, 'softmax', rows);
    if (!checkResultType(t, 'nested', result, 'float64', 15)) return;
    rows.forEach((row, r) => {
      const ref = referenceRow(row, 1);
      measureSoftmax(t, {
        where: `nested row ${r}`,
        actual: result,
        offset: r * 5,
        row,
        ref,
        bounds: rowBounds(row, ref, model),
        model,
      });
    });
  },
);

function outCase(dtype: Dtype, inPlace: boolean): ConformanceCase {
  const what = inPlace ? 'in-place' : 'out';
  return trackedCase(
    `accuracy.${what}.${dtype}`,
    'accuracy',
    inPlace
      ? `softmax and logSoftmax with out = input (in place) overwrite the ${dtype} input with the correct result and return it.`
      : `softmax, logSoftmax and logSumExp fill and return a caller's ${dtype} out buffer with the correct result.`,
    DERIVATION.softmax,
    async (context, t) => {
      const model = context.model(dtype);
      const rows = [0, 1, 2, 3].map(() => inDtype(dtype, uniformRow(context.rng, 33, 9)));
      const refs = rows.map((row) => {
        const ref = referenceRow(row, 1);
        return { ref, bounds: rowBounds(row, ref, model) };
      });
      const operations = inPlace
        ? (['softmax', 'logSoftmax'] as const)
        : (['softmax', 'logSoftmax', 'logSumExp'] as const);
      for (const operation of operations) {
        const input = flatInput(dtype, rows);
        const width = operation === 'logSumExp' ? 1 : 33;
        const out = inPlace ? input : flatInput(dtype, [new Float64Array(4 * width).fill(7)]);
        const result = await call(context, operation, input, { shape: [4, 33], out });
        t.require(result === out, `${operation}: the result is not the out buffer itself`);
        if (!inPlace) {
          const unchanged = flatInput(dtype, rows);
          t.require(
            input.every((v, i) => Object.is(v, unchanged[i])),
            `${operation}: the input was modified although it is not out`,
          );
        }
        checkMeasured(t, operation, result, rows, refs, model);
      }
    },
  );
}

function checkMeasured(
  t: Tracker,
  operation: Operation,
  result: FloatArray,
  rows: Float64Array[],
  refs: { ref: ReferenceRow; bounds: RowBounds }[],
  model: ReturnType<CaseContext['model']>,
): void {
  rows.forEach((row, r) => {
    const { ref, bounds } = refs[r] as { ref: ReferenceRow; bounds: RowBounds };
    const n = row.length;
    const where = `${operation} row ${r}`;
    if (operation === 'softmax')
      measureSoftmax(t, { where, actual: result, offset: r * n, row, ref, bounds, model });
    else if (operation === 'logSoftmax')
      measureLogSoftmax(t, { where, actual: result, offset: r * n, row, ref, bounds, model });
    else measureLogSumExp(t, { where, value: result[r] as number, ref, bounds, model });
  });
}

/**
 * Rows whose logarithms are tiny next to 1 or next to their max (SPEC, "Accuracy of the
 * logarithms"): `logSumExp([0, -40])` is 4.248354e-18 (SciPy's value), not 0, and
 * `logSoftmax([1e4, 1e4 - 38])[0]` is -3.1e-17, not `x - logSumExp(x)` = 0. All exact in float32.
 */
const SMALL_LOG_ROWS: readonly (readonly number[])[] = [
  [0, -40],
  [-40, 0],
  [0, -20, -30, -45],
  [3, -47, -60],
  [7.5, -33, -41, 7.5 - 100],
  [10_000, 10_000 - 38],
  [-10_000, -10_036],
];

function smallLogCase(dtype: Dtype): ConformanceCase {
  return trackedCase(
    `accuracy.log-small-terms.${dtype}`,
    'accuracy',
    `logSumExp and logSoftmax are accurate relative to the size of their terms for ${dtype} rows whose log-sum is tiny (logSumExp([0, -40]) = 4.248354e-18, logSoftmax([0, -40])[0] = -4.248354e-18, also at max 1e4): a result of 0 there fails.`,
    `${DERIVATION.logSumExp}; ${DERIVATION.logSoftmax}`,
    async (context, t) => {
      for (const row of SMALL_LOG_ROWS) {
        for (const operation of ['logSumExp', 'logSoftmax'] as const) {
          await checkRows(context, t, {
            operation,
            dtype,
            rows: [row],
            where: `${operation}([${row.join(', ')}])`,
          });
        }
      }
    },
  );
}

/** The accuracy group for the given row lengths. */
export function accuracyCases(sizes: readonly number[]): ConformanceCase[] {
  const cases: ConformanceCase[] = [];
  for (const dtype of DTYPES) {
    for (const n of sizes) {
      for (const measure of ['softmax', 'logSoftmax', 'rowSum', 'logSumExp'] as const)
        cases.push(sizeCase(dtype, n, measure));
    }
  }
  for (const dtype of DTYPES) {
    cases.push(temperatureCase(dtype, 'softmax'), temperatureCase(dtype, 'logSoftmax'));
    cases.push(axisCase(dtype), outCase(dtype, false), outCase(dtype, true), smallLogCase(dtype));
  }
  cases.push(nestedCase);
  return cases;
}
