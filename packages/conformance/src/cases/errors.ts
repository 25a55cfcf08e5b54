/**
 * The errors group: every invalid input SPEC names raises its code (a SoftmaxError with a
 * message), leaves a typed input unchanged, and arbitrary input never raises anything else.
 * Most cases are rows of one table (operation, input, options, code, label); the ones that also
 * check a non-error result (logSumExp's -Infinity, empty results) add a few lines. The last two
 * cases use the instance's lifecycle: a second createSoftmax on the same backend object while
 * it is alive (BACKEND_IN_USE), then dispose (DISPOSED).
 */
import {
  createSoftmax,
  ERROR_CODES,
  type Operation,
  SoftmaxError,
  type SoftmaxOptions,
} from '@softmax-kit/core';
import fc from 'fast-check';
import type { CaseContext, ConformanceCase, Tracker } from '../case.js';
import { call, type ExpectedError, expectCode, expectError } from '../helpers/calls.js';
import { show } from '../helpers/measure.js';
import { trackedCase } from '../helpers/tracked-case.js';

const BOTH: readonly Operation[] = ['softmax', 'logSoftmax'];
const ALL: readonly Operation[] = ['softmax', 'logSoftmax', 'logSumExp'];
const NEG = Number.NEGATIVE_INFINITY;

/** One row of the error table: these operations on this input must reject with `code`. */
interface ErrorRow {
  readonly code: string;
  readonly operations: readonly Operation[];
  readonly input: ExpectedError['input'];
  readonly options?: unknown;
  readonly label: string;
}

const values = (v: readonly number[]) => ({ values: v });
const raw = (v: unknown) => ({ raw: v });

/** Bad temperatures, each on a 2x2 typed input. */
const BAD_TEMPERATURES: readonly [unknown, string][] = [
  [-1, '-1'],
  [-1e-300, '-1e-300'],
  [NEG, '-Infinity'],
  [Number.NaN, 'NaN'],
  ['1', "'1'"],
  [null, 'null'],
  [{}, '{}'],
  [true, 'true'],
  [[1, -1], '[1, -1]'],
  [[1, Number.NaN], '[1, NaN]'],
  [[1], '[1] for 2 rows'],
  [[1, 1, 1], '[1, 1, 1] for 2 rows'],
];

/** Bad axes with the shape they are given for. */
const BAD_AXES: readonly [unknown, number[], string][] = [
  [1, [4], 'axis 1, rank 1'],
  [-2, [4], 'axis -2, rank 1'],
  [3, [2, 2, 1], 'axis 3, rank 3'],
  [-4, [2, 2, 1], 'axis -4, rank 3'],
  [0.5, [4], 'axis 0.5'],
  ['0', [4], "axis '0'"],
  [Number.NaN, [4], 'axis NaN'],
];

/** Inputs that are not numbers. */
const NOT_NUMBERS: readonly [unknown, string][] = [
  ['1,2,3', 'a string'],
  [null, 'null'],
  [undefined, 'undefined'],
  [{ 0: 1, length: 1 }, 'an array-like object'],
  [42, 'a number'],
  [[1, '2'], "[1, '2']"],
  [[1, null], '[1, null]'],
  [[[1], ['x']], "[[1], ['x']]"],
];

/** The error table. */
const ERROR_TABLE: readonly ErrorRow[] = [
  ...BAD_TEMPERATURES.map(([temperature, label]) => ({
    code: 'INVALID_TEMPERATURE',
    operations: BOTH,
    input: values([1, 2, 3, 4]),
    options: { shape: [2, 2], temperature },
    label: `T = ${label}`,
  })),
  { code: 'NAN_INPUT', operations: ALL, input: values([1, Number.NaN, 3]), label: 'typed' },
  { code: 'NAN_INPUT', operations: ALL, input: raw([1, 2, Number.NaN]), label: 'number[]' },
  {
    code: 'NAN_INPUT',
    operations: ALL,
    input: raw([
      [1, 2],
      [Number.NaN, 4],
    ]),
    label: 'nested',
  },
  { code: 'ALL_MASKED', operations: BOTH, input: values([NEG, NEG]), label: '[-Inf, -Inf]' },
  {
    code: 'ALL_MASKED',
    operations: BOTH,
    input: values([0, 1, NEG, NEG]),
    options: { shape: [2, 2], allMasked: 'error' },
    label: "row 1, allMasked 'error'",
  },
  { code: 'EMPTY_AXIS', operations: BOTH, input: values([]), label: 'Float32Array(0)' },
  { code: 'EMPTY_AXIS', operations: BOTH, input: raw([]), label: '[]' },
  {
    code: 'EMPTY_AXIS',
    operations: BOTH,
    input: values([]),
    options: { shape: [3, 0] },
    label: 'shape [3, 0]',
  },
  {
    code: 'SHAPE_MISMATCH',
    operations: ALL,
    input: values([1, 2, 3, 4, 5]),
    options: { shape: [2, 2] },
    label: 'shape [2, 2] for 5 values',
  },
  {
    code: 'SHAPE_MISMATCH',
    operations: ALL,
    input: values([1, 2, 3, 4]),
    options: { shape: [-2, -2] },
    label: 'shape [-2, -2]',
  },
  {
    code: 'SHAPE_MISMATCH',
    operations: ALL,
    input: values([1, 2, 3, 4]),
    options: { shape: [2.5, 1.6] },
    label: 'shape [2.5, 1.6]',
  },
  {
    code: 'SHAPE_MISMATCH',
    operations: ALL,
    input: values([1, 2]),
    options: { shape: [] },
    label: 'shape [] (one value) for 2 values',
  },
  {
    code: 'SHAPE_MISMATCH',
    operations: ALL,
    input: raw([[1, 2], [3]]),
    label: 'ragged [[1, 2], [3]]',
  },
  {
    code: 'SHAPE_MISMATCH',
    operations: ALL,
    input: values([1, 2, 3, 4]),
    options: { out: new Float32Array(3) },
    label: 'out of length 3',
  },
  ...BAD_AXES.map(([axis, shape, label]) => ({
    code: 'INVALID_AXIS',
    operations: ALL,
    input: values([1, 2, 3, 4]),
    options: { shape, axis },
    label,
  })),
  {
    code: 'INVALID_AXIS',
    operations: ALL,
    input: values([1]),
    options: { shape: [], axis: 1 },
    label: 'axis 1, rank 0',
  },
  ...NOT_NUMBERS.map(([input, label]) => ({
    code: 'INVALID_INPUT',
    operations: ALL,
    input: raw(input),
    label,
  })),
  {
    code: 'UNSUPPORTED_DTYPE',
    operations: ALL,
    input: raw(Int32Array.from([1, 2, 3])),
    label: 'Int32Array',
  },
  {
    code: 'UNSUPPORTED_DTYPE',
    operations: ALL,
    input: raw(Uint8Array.from([1, 2, 3])),
    label: 'Uint8Array',
  },
  {
    code: 'UNSUPPORTED_DTYPE',
    operations: BOTH,
    input: values([1, 2, 3]),
    options: { out: new Float64Array(3) },
    label: 'Float64Array out for Float32Array input',
  },
  {
    code: 'UNSUPPORTED_DTYPE',
    operations: ['logSumExp'],
    input: values([1, 2, 3]),
    options: { out: new Float64Array(1) },
    label: 'Float64Array out for Float32Array input',
  },
];

/** The titles of the table's cases, one per code, in run order. */
const TITLES: Readonly<Record<string, string>> = {
  INVALID_TEMPERATURE:
    'A negative, NaN, -Infinity or non-number temperature, or a per-row array of the wrong length or with a bad element, fails with INVALID_TEMPERATURE (a RangeError), and nothing is computed.',
  NAN_INPUT:
    'NaN anywhere in the input fails with NAN_INPUT by default, for typed, number[] and nested input, in all three operations.',
  ALL_MASKED:
    'An entirely -Infinity row fails with ALL_MASKED in softmax and logSoftmax by default (logSumExp gives -Infinity instead).',
  EMPTY_AXIS:
    'A length-0 axis fails with EMPTY_AXIS in softmax and logSoftmax; logSumExp gives -Infinity per row; zero rows give an empty result.',
  SHAPE_MISMATCH:
    'A shape whose product differs from the length (rank 0 included), a shape with negative or fractional sizes, ragged nested input and an out buffer of the wrong length fail with SHAPE_MISMATCH.',
  INVALID_AXIS:
    'An axis outside [-rank, rank - 1] (at rank 0: other than -1 and 0) or not an integer fails with INVALID_AXIS.',
  INVALID_INPUT:
    'Input that is not numbers (a string, null, undefined, an object, a number, arrays holding strings or null) fails with INVALID_INPUT.',
  UNSUPPORTED_DTYPE:
    'Typed arrays other than Float32Array and Float64Array (Int32Array, Uint8Array, Float64Array out for Float32Array input) fail with UNSUPPORTED_DTYPE.',
};

/** Checks beside the table rows: results that are not errors, and the error's class. */
const EXTRA_CHECKS: Readonly<Record<string, (context: CaseContext, t: Tracker) => Promise<void>>> =
  {
    async INVALID_TEMPERATURE(context, t) {
      for (const operation of BOTH) {
        try {
          await call(context, operation, [1, 2], { temperature: -1 });
        } catch (error) {
          t.require(
            error instanceof RangeError,
            `${operation}: INVALID_TEMPERATURE is not a RangeError`,
          );
        }
      }
    },
    async ALL_MASKED(context, t) {
      const lse = await call(context, 'logSumExp', Float32Array.from([NEG, NEG]));
      t.require(
        lse.length === 1 && lse[0] === NEG,
        `logSumExp([-Inf, -Inf]) is ${show(lse[0] as number)}, expected -Infinity`,
      );
    },
    async EMPTY_AXIS(context, t) {
      for (const operation of BOTH) {
        const empty = await call(context, operation, new Float64Array(0), { shape: [0, 3] });
        t.require(
          empty instanceof Float64Array && empty.length === 0,
          `${operation}: zero rows (shape [0, 3]) did not give an empty Float64Array`,
        );
      }
      const lse = await call(context, 'logSumExp', new Float32Array(0), { shape: [2, 0] });
      t.require(
        lse instanceof Float32Array && lse.length === 2 && lse.every((v) => v === NEG),
        'logSumExp over an empty axis (shape [2, 0]) is not [-Infinity, -Infinity]',
      );
    },
  };

function tableCase(code: string): ConformanceCase {
  const rows = ERROR_TABLE.filter((row) => row.code === code);
  return trackedCase(
    `errors.${code.toLowerCase().replaceAll('_', '-')}`,
    'errors',
    TITLES[code] as string,
    undefined,
    async (context, t) => {
      for (const row of rows)
        for (const operation of row.operations)
          await expectError(context, t, {
            operation,
            input: row.input,
            options: row.options ?? {},
            code: row.code,
            label: row.label,
          });
      await EXTRA_CHECKS[code]?.(context, t);
    },
  );
}

/** Arbitrary inputs, good and bad, for the bad-input property. */
const anyInput = fc.oneof(
  fc.array(
    fc.oneof(
      fc.double(),
      fc.constantFrom(
        Number.NaN,
        Number.POSITIVE_INFINITY,
        Number.NEGATIVE_INFINITY,
        5e-324,
        1e308,
      ),
    ),
    { maxLength: 8 },
  ),
  fc.array(fc.double(), { maxLength: 8 }).map((v) => Float32Array.from(v)),
  fc.array(fc.double(), { maxLength: 8 }).map((v) => Float64Array.from(v)),
  fc.array(fc.array(fc.double({ noNaN: true }), { minLength: 0, maxLength: 3 }), { maxLength: 3 }),
  fc.constantFrom<unknown>('x', null, undefined, {}, 7, [1, 'a'], Int16Array.from([1]), [
    [1, 2],
    [3],
  ]),
);

const anyOptions = fc.record(
  {
    temperature: fc.oneof(
      fc.double(),
      fc.constantFrom<unknown>(0, Number.POSITIVE_INFINITY, -1, 'a', [1, 2]),
    ),
    axis: fc.oneof(fc.integer({ min: -3, max: 3 }), fc.constantFrom<unknown>(0.5, 'x')),
    shape: fc.oneof(
      fc.array(fc.integer({ min: -1, max: 4 }), { maxLength: 3 }),
      fc.constant<unknown>('bad'),
    ),
    allMasked: fc.constantFrom<unknown>('error', 'zeros', 'nan', 'bogus'),
    nan: fc.constantFrom<unknown>('error', 'propagate', 'bogus'),
  },
  { requiredKeys: [] },
);

const fuzzCase = trackedCase(
  'errors.property',
  'errors',
  'For arbitrary inputs and options (random shapes, NaN, +-Infinity, subnormals, wrong types), every call either resolves with a Float32Array or Float64Array of the right length or rejects with a SoftmaxError of a known code; never another exception, and never NaN unless NaN was asked for or fed in (fast-check, fixed seed).',
  undefined,
  async (context, t) => {
    const known = new Set<string>(ERROR_CODES);
    await fc
      .assert(
        fc.asyncProperty(
          anyInput,
          anyOptions,
          fc.constantFrom<Operation>('softmax', 'logSoftmax', 'logSumExp'),
          async (input, options, operation) => {
            const before = t.failed;
            const opts =
              operation === 'logSumExp'
                ? { ...options, temperature: undefined, allMasked: undefined }
                : options;
            const label = () =>
              `${operation}(${describe(input)}, ${JSON.stringify(opts, (_, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v))})`;
            try {
              const result = await call(context, operation, input, opts as SoftmaxOptions);
              t.require(
                result instanceof Float32Array || result instanceof Float64Array,
                () => `${label()}: resolved with a non-float array`,
              );
              const nanAllowed =
                (opts as { nan?: unknown }).nan === 'propagate' ||
                (opts as { allMasked?: unknown }).allMasked === 'nan';
              if (!nanAllowed)
                t.require(
                  !Array.from(result).some(Number.isNaN),
                  () => `${label()}: silent NaN in the result`,
                );
            } catch (error) {
              t.require(
                SoftmaxError.isInstance(error),
                () => `${label()}: threw a non-SoftmaxError ${String(error)}`,
              );
              const code = (error as { code?: unknown }).code;
              t.require(
                typeof code === 'string' && known.has(code),
                () => `${label()}: unknown error code ${String(code)}`,
              );
              t.require(
                code !== 'BACKEND_ERROR',
                () => `${label()}: the backend's kernel failed: ${(error as Error).message}`,
              );
            }
            return before || !t.failed;
          },
        ),
        { seed: context.seed, numRuns: 300, endOnFailure: true },
      )
      .catch(() => {});
  },
);

function describe(value: unknown): string {
  if (ArrayBuffer.isView(value))
    return `${value.constructor.name}(${Array.from(value as unknown as ArrayLike<number>)
      .map(String)
      .join(', ')})`;
  try {
    return (
      JSON.stringify(value, (_, v) =>
        typeof v === 'number' && !Number.isFinite(v) ? String(v) : v,
      ) ?? String(value)
    );
  } catch {
    return String(value);
  }
}

/**
 * Runs next to last: while the instance under test is alive, a second createSoftmax on the same
 * backend object rejects with BACKEND_IN_USE (SPEC: one instance per backend object). Should it
 * wrongly resolve, the second instance is left alone (disposing it could free the backend the
 * first still uses); only `errors.disposed` runs after this.
 */
export const backendInUseCase = trackedCase(
  'errors.backend-in-use',
  'errors',
  'A second createSoftmax on the same backend object, while the first instance is alive, rejects with BACKEND_IN_USE; the first instance keeps working.',
  undefined,
  async (context, t) => {
    await expectCode(
      t,
      'second createSoftmax',
      () => createSoftmax(context.backend),
      'BACKEND_IN_USE',
    );
    const after = await call(context, 'softmax', [0, 0]);
    t.require(
      after.length === 2 && after[0] === 0.5 && after[1] === 0.5,
      () =>
        `after the refused createSoftmax, softmax([0, 0]) is [${Array.from(after).map(show).join(', ')}], expected [0.5, 0.5]`,
    );
  },
);

/** Runs last: disposes the instance under test, then every call must reject with DISPOSED. */
export const disposedCase = trackedCase(
  'errors.disposed',
  'errors',
  'After dispose(), every operation rejects with DISPOSED, and a second dispose() is harmless.',
  undefined,
  async (context, t) => {
    await context.sm.dispose();
    for (const operation of ALL) {
      await expectCode(t, operation, () => call(context, operation, [1, 2, 3]), 'DISPOSED');
    }
    try {
      await context.sm.dispose();
    } catch (error) {
      t.fail(`a second dispose() threw ${String(error)}`);
    }
  },
);

/**
 * The errors group, without {@link backendInUseCase} and {@link disposedCase}: the catalogue
 * runs those two last.
 */
export function errorCases(): ConformanceCase[] {
  return [...Object.keys(TITLES).map(tableCase), fuzzCase];
}
