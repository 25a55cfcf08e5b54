/**
 * The stability group: SPEC's special-value table (masking, all-masked rows, +Infinity,
 * NaN), huge and tiny magnitudes, subnormals, rank 0, and no NaN where the table says finite.
 */
import type { Dtype, FloatArray, Operation, SoftmaxOptions } from '@softmax-kit/core';
import fc from 'fast-check';
import { DERIVATION } from '../bounds.js';
import type { CaseContext, ConformanceCase, Tracker } from '../case.js';
import { call, checkResultType, expectCode } from '../helpers/calls.js';
import { DTYPES, flatInput, inDtype, SMALLEST_SUBNORMAL } from '../helpers/inputs.js';
import {
  EXACT_LIMIT_DERIVATION,
  measureExact,
  measureLogSoftmax,
  measureLogSumExp,
  measureSoftmax,
  referenceWithBounds,
  show,
} from '../helpers/measure.js';
import { checkAllOperations, checkRows } from '../helpers/rows.js';
import { trackedCase } from '../helpers/tracked-case.js';
import { LARGEST_FINITE, toDtype } from '../precision.js';

const NEG = Number.NEGATIVE_INFINITY;
const POS = Number.POSITIVE_INFINITY;
const ALL_OPS: readonly Operation[] = ['softmax', 'logSoftmax', 'logSumExp'];

/** A batch with one special row (index 1) between regular rows 0 and 2. */
async function specialRowBatch(
  context: CaseContext,
  t: Tracker,
  dtype: Dtype,
  special: readonly number[],
  expected: Partial<Record<Operation, readonly number[]>>,
  options: SoftmaxOptions,
  where: string,
): Promise<void> {
  const model = context.model(dtype);
  const n = special.length;
  const regular = [
    inDtype(
      dtype,
      special.map((_, i) => 0.5 * i - 1),
    ),
    inDtype(
      dtype,
      special.map((_, i) => 3 - i * 0.25),
    ),
  ];
  const rows = [regular[0] as Float64Array, inDtype(dtype, special), regular[1] as Float64Array];
  for (const operation of ALL_OPS) {
    const want = expected[operation];
    if (want === undefined) continue;
    const input = flatInput(dtype, rows);
    const opts: SoftmaxOptions = { ...options, shape: [3, n] };
    // the special row gets the temperature under test; the regular rows T = 1 (per-row array)
    if (typeof options.temperature === 'number') opts.temperature = [1, options.temperature, 1];
    if (operation === 'logSumExp') delete opts.temperature;
    let result: FloatArray;
    try {
      result = await call(context, operation, input, opts);
    } catch (error) {
      t.fail(
        `${where} ${operation}: threw ${(error as { code?: string }).code ?? ''} ${(error as Error).message}`,
      );
      continue;
    }
    const width = operation === 'logSumExp' ? 1 : n;
    if (!checkResultType(t, `${where} ${operation}`, result, dtype, 3 * width)) continue;
    measureExact(t, {
      where: `${where} ${operation} special row`,
      actual: result,
      offset: width,
      expected: want,
      model,
    });
    for (const r of [0, 2]) {
      const row = rows[r] as Float64Array;
      const { ref, bounds } = referenceWithBounds(row, 1, model);
      const at = `${where} ${operation} regular row ${r}`;
      if (operation === 'softmax')
        measureSoftmax(t, { where: at, actual: result, offset: r * n, row, ref, bounds, model });
      else if (operation === 'logSoftmax')
        measureLogSoftmax(t, { where: at, actual: result, offset: r * n, row, ref, bounds, model });
      else measureLogSumExp(t, { where: at, value: result[r] as number, ref, bounds, model });
    }
  }
}

function maskingCase(dtype: Dtype): ConformanceCase {
  return trackedCase(
    `stability.masking.${dtype}`,
    'stability',
    `-Infinity entries (masking) of ${dtype} rows get softmax exactly 0 and logSoftmax -Infinity, and logSumExp ignores them.`,
    DERIVATION.softmax,
    async (context, t) => {
      const rows = [
        [1, NEG, 2, NEG, 0.5],
        [NEG, 3, NEG, NEG, NEG],
        [NEG, NEG, -7, -7.5, NEG],
      ];
      await checkAllOperations(context, t, { dtype, rows, where: 'masked' });
      await checkAllOperations(context, t, {
        dtype,
        rows,
        temperature: 0.3,
        where: 'masked T=0.3',
      });
    },
  );
}

function allMaskedCases(dtype: Dtype): ConformanceCase[] {
  const masked = [NEG, NEG, NEG, NEG];
  return [
    trackedCase(
      `stability.all-masked.error.${dtype}`,
      'stability',
      `A ${dtype} row that is entirely -Infinity makes softmax and logSoftmax fail with ALL_MASKED naming the row (default policy), leaving the input unchanged.`,
      undefined,
      async (context, t) => {
        for (const operation of ['softmax', 'logSoftmax'] as const) {
          const input = flatInput(dtype, [[1, 2, 3, 4], masked, [0, 0, 0, 0]]);
          const copy = input.slice();
          const error = await expectCode(
            t,
            operation,
            () => call(context, operation, input, { shape: [3, 4] }),
            'ALL_MASKED',
          );
          if (error)
            t.require(
              /\brow\s*1\b/i.test(error.message),
              `${operation}: the ALL_MASKED message does not name row 1: ${error.message}`,
            );
          t.require(
            input.every((v, i) => Object.is(v, copy[i])),
            `${operation}: the input changed after the error`,
          );
        }
      },
    ),
    trackedCase(
      `stability.all-masked.zeros.${dtype}`,
      'stability',
      `allMasked: 'zeros' gives softmax 0 and logSoftmax -Infinity on an entirely -Infinity ${dtype} row; the other rows are unaffected.`,
      EXACT_LIMIT_DERIVATION,
      (context, t) =>
        specialRowBatch(
          context,
          t,
          dtype,
          masked,
          { softmax: [0, 0, 0, 0], logSoftmax: [NEG, NEG, NEG, NEG] },
          { allMasked: 'zeros' },
          "allMasked 'zeros'",
        ),
    ),
    trackedCase(
      `stability.all-masked.nan.${dtype}`,
      'stability',
      `allMasked: 'nan' gives NaN on an entirely -Infinity ${dtype} row (the peers' behaviour); the other rows are unaffected.`,
      EXACT_LIMIT_DERIVATION,
      (context, t) => {
        const nan = [Number.NaN, Number.NaN, Number.NaN, Number.NaN];
        return specialRowBatch(
          context,
          t,
          dtype,
          masked,
          { softmax: nan, logSoftmax: nan },
          { allMasked: 'nan' },
          "allMasked 'nan'",
        );
      },
    ),
    trackedCase(
      `stability.all-masked.logsumexp.${dtype}`,
      'stability',
      `logSumExp of an entirely -Infinity ${dtype} row is -Infinity, never an error.`,
      EXACT_LIMIT_DERIVATION,
      (context, t) =>
        specialRowBatch(context, t, dtype, masked, { logSumExp: [NEG] }, {}, 'all masked'),
    ),
  ];
}

function positiveInfinityCase(dtype: Dtype): ConformanceCase {
  return trackedCase(
    `stability.positive-infinity.${dtype}`,
    'stability',
    `A ${dtype} row with +Infinity entries splits the mass equally among them (logSoftmax -log k there, -Infinity elsewhere; logSumExp +Infinity), at T = 1, 0.5 and 0.`,
    EXACT_LIMIT_DERIVATION,
    async (context, t) => {
      const half = -Math.log(2);
      for (const temperature of [1, 0.5, 0]) {
        await specialRowBatch(
          context,
          t,
          dtype,
          [1, POS, 3, POS],
          { softmax: [0, 0.5, 0, 0.5], logSoftmax: [NEG, half, NEG, half], logSumExp: [POS] },
          { temperature },
          `[1, +Inf, 3, +Inf] T=${temperature}`,
        );
        await specialRowBatch(
          context,
          t,
          dtype,
          [POS, NEG, 5, -1e30],
          { softmax: [1, 0, 0, 0], logSoftmax: [0, NEG, NEG, NEG], logSumExp: [POS] },
          { temperature },
          `[+Inf, -Inf, 5, -1e30] T=${temperature}`,
        );
      }
    },
  );
}

function nanCases(dtype: Dtype): ConformanceCase[] {
  const rows = [
    [1, 2, 3],
    [4, Number.NaN, 6],
  ];
  return [
    trackedCase(
      `stability.nan.error.${dtype}`,
      'stability',
      `NaN in a ${dtype} row makes all three operations fail with NAN_INPUT naming the row and column (default policy), leaving the input unchanged.`,
      undefined,
      async (context, t) => {
        for (const operation of ALL_OPS) {
          const input = flatInput(dtype, rows);
          const copy = input.slice();
          const error = await expectCode(
            t,
            operation,
            () => call(context, operation, input, { shape: [2, 3] }),
            'NAN_INPUT',
          );
          if (error) {
            t.require(
              /\brow\s*1\b/i.test(error.message),
              `${operation}: the NAN_INPUT message does not name row 1: ${error.message}`,
            );
            t.require(
              /\bcol(umn)?\s*1\b/i.test(error.message),
              `${operation}: the NAN_INPUT message does not name column 1: ${error.message}`,
            );
          }
          t.require(
            input.every((v, i) => Object.is(v, copy[i])),
            `${operation}: the input changed after the error`,
          );
        }
      },
    ),
    trackedCase(
      `stability.nan.propagate.${dtype}`,
      'stability',
      `nan: 'propagate' makes a ${dtype} row containing NaN entirely NaN in all three operations; the other rows are unaffected.`,
      EXACT_LIMIT_DERIVATION,
      (context, t) => {
        const nan = [Number.NaN, Number.NaN, Number.NaN, Number.NaN];
        return specialRowBatch(
          context,
          t,
          dtype,
          [4, Number.NaN, 6, NEG],
          { softmax: nan, logSoftmax: nan, logSumExp: [Number.NaN] },
          { nan: 'propagate' },
          "nan 'propagate'",
        );
      },
    ),
  ];
}

function rowsCase(
  id: string,
  title: string,
  dtype: Dtype,
  rows: readonly (readonly number[])[],
  temperatures: readonly (number | undefined)[],
): ConformanceCase {
  return trackedCase(id, 'stability', title, DERIVATION.softmax, async (context, t) => {
    for (const temperature of temperatures)
      await checkAllOperations(context, t, {
        dtype,
        rows,
        temperature,
        where: `T=${temperature ?? 'default'}`,
      });
  });
}

function magnitudeCases(dtype: Dtype): ConformanceCase[] {
  const largest = LARGEST_FINITE[dtype];
  const tiny = SMALLEST_SUBNORMAL[dtype];
  const minNormal = dtype === 'float32' ? 2 ** -126 : 2 ** -1022;
  return [
    rowsCase(
      `stability.1e4.${dtype}`,
      `Logits of size +-1e4 in ${dtype} give the reference result with no NaN or Infinity (exp(1e4) overflows without the max subtraction).`,
      dtype,
      [
        [1e4, -1e4, 0, 1e4 - 1],
        [-1e4, -1e4 + 2, -1e4 + 0.5, -1e4],
        [1e4, 1e4, 1e4, 1e4],
      ],
      [undefined, 0.5, 100],
    ),
    rowsCase(
      `stability.1e30.${dtype}`,
      `Logits of size +-1e30 in ${dtype} give the reference result with no NaN.`,
      dtype,
      [
        [1e30, -1e30, 0, 1],
        [-1e30, -1e30, -1e30, -1e30],
        [1e30, 1e30, -5, 1e30],
      ],
      [undefined, 1e-3, 1e30],
    ),
    rowsCase(
      `stability.largest-finite.${dtype}`,
      `The largest finite ${dtype} values (+-${largest.toPrecision(3)}) give no NaN: [-max, max] is [0, 1] although x - m overflows, logSoftmax is finite or -Infinity, logSumExp is finite.`,
      dtype,
      [
        [-largest, largest, 0],
        [largest, largest, largest],
        [largest, -largest, -largest],
      ],
      [undefined, 0.5, 1e300],
    ),
    rowsCase(
      `stability.subnormal.${dtype}`,
      `Subnormal ${dtype} logits give an (almost) uniform softmax with no NaN.`,
      dtype,
      [
        [tiny, 1000 * tiny, 0, -tiny, -minNormal / 2],
        [tiny, tiny, tiny, tiny, tiny],
      ],
      [undefined, 1e-3],
    ),
    trackedCase(
      `stability.subnormal-temperature.${dtype}`,
      'stability',
      `Subnormal ${dtype} logits at the smallest subnormal T (${tiny}) give softmax([0, -1, -2]): the max is subtracted before dividing by T; never NaN.`,
      DERIVATION.softmax,
      async (context, t) => {
        const rows = [[tiny, 0, -tiny]];
        for (const operation of ['softmax', 'logSoftmax'] as const) {
          const result = await checkRows(context, t, {
            operation,
            dtype,
            rows,
            temperature: tiny,
            where: `T=${tiny} ${operation}`,
          });
          if (result)
            t.require(!result.some(Number.isNaN), `T=${tiny} ${operation}: NaN in the result`);
        }
      },
    ),
  ];
}

/** Values mixing ordinary, huge, tiny and subnormal magnitudes (finite). */
function finiteValue(dtype: Dtype): fc.Arbitrary<number> {
  const largest = LARGEST_FINITE[dtype];
  return fc
    .oneof(
      fc.double({ min: -20, max: 20, noNaN: true }),
      fc.double({ min: -largest, max: largest, noNaN: true, noDefaultInfinity: true }),
      fc.constantFrom(largest, -largest, 1e4, -1e4, 1e30, -1e30, 0, -0, SMALLEST_SUBNORMAL[dtype]),
      fc.double({ min: -1e-300, max: 1e-300, noNaN: true }),
    )
    .map((v) => toDtype(dtype, v))
    .filter((v) => Number.isFinite(v));
}

const TEMPERATURES = fc.oneof(
  fc.constantFrom(1, 5e-324, 1e-45, 1e-30, 1e30, 1e300, 0.5, 3),
  fc.double({ min: 1e-6, max: 1e6, noNaN: true }),
);

function noNanPropertyCase(dtype: Dtype): ConformanceCase {
  return trackedCase(
    `stability.property.${dtype}`,
    'stability',
    `For random finite ${dtype} rows (extremes, subnormals, some -Infinity) and any positive T, softmax and logSoftmax never give NaN and stay within the bound of the reference (fast-check, fixed seed).`,
    DERIVATION.softmax,
    async (context, t) => {
      const model = context.model(dtype);
      const row = fc
        .array(
          fc.oneof(
            { weight: 6, arbitrary: finiteValue(dtype) },
            { weight: 1, arbitrary: fc.constant(NEG) },
          ),
          { minLength: 1, maxLength: 12 },
        )
        .filter((values) => values.some((v) => Number.isFinite(v)));
      await fc
        .assert(
          fc.asyncProperty(row, TEMPERATURES, async (values, temperature) => {
            const before = t.failed;
            const input = flatInput(dtype, [values]);
            const { ref, bounds } = referenceWithBounds(values, temperature, model);
            const p = await call(context, 'softmax', input, { temperature });
            const logp = await call(context, 'logSoftmax', input, { temperature });
            const where = `[${values.map(show).join(', ')}] T=${temperature}`;
            t.require(
              !p.some(Number.isNaN) && !logp.some(Number.isNaN),
              () => `${where}: NaN in the result`,
            );
            measureSoftmax(t, { where, actual: p, offset: 0, row: values, ref, bounds, model });
            measureLogSoftmax(t, {
              where,
              actual: logp,
              offset: 0,
              row: values,
              ref,
              bounds,
              model,
            });
            return before || !t.failed;
          }),
          { seed: context.seed, numRuns: 150, endOnFailure: true },
        )
        .catch(() => {
          // the failure is already recorded by the tracker with the counterexample
        });
    },
  );
}

/** Rank-0 inputs: the value, and the options that make them rank 0. */
const RANK0_VALUES = [0, 3.5, -7, -1e30, Number.POSITIVE_INFINITY];
const RANK0_OPTIONS: readonly SoftmaxOptions[] = [
  { shape: [] },
  { shape: [], axis: -1 },
  { shape: [], axis: 0 },
];

function rank0Case(dtype: Dtype): ConformanceCase {
  return trackedCase(
    `stability.rank-0.${dtype}`,
    'stability',
    `A rank-0 ${dtype} input (shape [], axis omitted, -1 or 0) is one value: softmax gives [1], logSoftmax [0], logSumExp the value itself (+Infinity included; -Infinity gives logSumExp -Infinity).`,
    EXACT_LIMIT_DERIVATION,
    async (context, t) => {
      const model = context.model(dtype);
      for (const value of [...RANK0_VALUES, NEG]) {
        const v = toDtype(dtype, value);
        const input = flatInput(dtype, [[v]]);
        for (const options of RANK0_OPTIONS) {
          const where = `x = ${show(v)}, ${JSON.stringify(options)}`;
          const operations: readonly Operation[] = v === NEG ? ['logSumExp'] : ALL_OPS;
          for (const operation of operations) {
            const result = await call(context, operation, input, options);
            if (!checkResultType(t, `${operation}(${where})`, result, dtype, 1)) continue;
            const expected = operation === 'softmax' ? 1 : operation === 'logSoftmax' ? 0 : v;
            measureExact(t, {
              where: `${operation}(${where})`,
              actual: result,
              offset: 0,
              expected: [expected],
              model,
            });
          }
        }
      }
    },
  );
}

/** The stability group. */
export function stabilityCases(): ConformanceCase[] {
  return DTYPES.flatMap((dtype) => [
    maskingCase(dtype),
    ...allMaskedCases(dtype),
    positiveInfinityCase(dtype),
    ...nanCases(dtype),
    ...magnitudeCases(dtype),
    noNanPropertyCase(dtype),
    rank0Case(dtype),
  ]);
}
