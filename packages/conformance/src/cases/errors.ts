import { ERROR_CODES, type Operation, SoftmaxError, type SoftmaxOptions } from '@softmax-kit/core';
import fc from 'fast-check';
import type { CaseContext, ConformanceCase, Tracker } from '../case.js';
import { call, show } from '../harness.js';
import { expectCode, trackedCase } from './shared.js';

/** A fresh Float32Array input and a copy to prove it unchanged afterwards. */
function guarded(values: number[]): { input: Float32Array; unchanged: () => boolean } {
  const input = Float32Array.from(values);
  const bytes = new Uint8Array(input.buffer.slice(0));
  return {
    input,
    unchanged: () => {
      const now = new Uint8Array(input.buffer);
      return now.length === bytes.length && now.every((b, i) => b === bytes[i]);
    },
  };
}

/** Expects `code`, a SoftmaxError (also by isInstance), and an unchanged typed input. */
async function expectError(
  context: CaseContext,
  t: Tracker,
  operation: Operation,
  values: number[] | null,
  rawInput: unknown,
  options: unknown,
  code: string,
  where: string,
): Promise<void> {
  const guard = values === null ? null : guarded(values);
  const input = guard === null ? rawInput : guard.input;
  const label = `${operation}(${where})`;
  try {
    await call(context, operation, input, options as SoftmaxOptions);
    t.fail(`${label}: expected ${code}, but it resolved`);
  } catch (error) {
    t.require(
      SoftmaxError.isInstance(error),
      () => `${label}: threw a non-SoftmaxError ${String(error)}`,
    );
    const e = error as { code?: unknown; message?: unknown };
    t.require(
      e.code === code,
      () => `${label}: expected code ${code}, got ${String(e.code)}: ${String(e.message)}`,
    );
    t.require(
      typeof e.message === 'string' && e.message.length > 10,
      () => `${label}: the message says nothing`,
    );
  }
  if (guard !== null)
    t.require(guard.unchanged(), `${label}: the input buffer changed after the error`);
}

const BOTH: readonly Operation[] = ['softmax', 'logSoftmax'];
const ALL: readonly Operation[] = ['softmax', 'logSoftmax', 'logSumExp'];

function errorCase(
  code: string,
  title: string,
  body: (context: CaseContext, t: Tracker) => Promise<void>,
): ConformanceCase {
  return trackedCase(
    `errors.${code.toLowerCase().replaceAll('_', '-')}`,
    'errors',
    title,
    undefined,
    body,
  );
}

const invalidTemperature = errorCase(
  'INVALID_TEMPERATURE',
  'A negative, NaN, -Infinity or non-number temperature, or a per-row array of the wrong length or with a bad element, fails with INVALID_TEMPERATURE (a RangeError), and nothing is computed.',
  async (context, t) => {
    const bad: [unknown, string][] = [
      [-1, '-1'],
      [-1e-300, '-1e-300'],
      [Number.NEGATIVE_INFINITY, '-Infinity'],
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
    for (const operation of BOTH) {
      for (const [temperature, label] of bad) {
        await expectError(
          context,
          t,
          operation,
          [1, 2, 3, 4],
          null,
          { shape: [2, 2], temperature },
          'INVALID_TEMPERATURE',
          `T = ${label}`,
        );
      }
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
);

const nanInput = errorCase(
  'NAN_INPUT',
  'NaN anywhere in the input fails with NAN_INPUT by default, for typed, number[] and nested input, in all three operations.',
  async (context, t) => {
    for (const operation of ALL) {
      await expectError(context, t, operation, [1, Number.NaN, 3], null, {}, 'NAN_INPUT', 'typed');
      await expectError(
        context,
        t,
        operation,
        null,
        [1, 2, Number.NaN],
        {},
        'NAN_INPUT',
        'number[]',
      );
      await expectError(
        context,
        t,
        operation,
        null,
        [
          [1, 2],
          [Number.NaN, 4],
        ],
        {},
        'NAN_INPUT',
        'nested',
      );
    }
  },
);

const allMasked = errorCase(
  'ALL_MASKED',
  'An entirely -Infinity row fails with ALL_MASKED in softmax and logSoftmax by default (logSumExp gives -Infinity instead).',
  async (context, t) => {
    const neg = Number.NEGATIVE_INFINITY;
    for (const operation of BOTH) {
      await expectError(context, t, operation, [neg, neg], null, {}, 'ALL_MASKED', '[-Inf, -Inf]');
      await expectError(
        context,
        t,
        operation,
        [0, 1, neg, neg],
        null,
        { shape: [2, 2], allMasked: 'error' },
        'ALL_MASKED',
        "row 1, allMasked 'error'",
      );
    }
    const lse = await call(context, 'logSumExp', Float32Array.from([neg, neg]));
    t.require(
      lse.length === 1 && lse[0] === neg,
      `logSumExp([-Inf, -Inf]) is ${show(lse[0] as number)}, expected -Infinity`,
    );
  },
);

const emptyAxis = errorCase(
  'EMPTY_AXIS',
  'A length-0 axis fails with EMPTY_AXIS in softmax and logSoftmax; logSumExp gives -Infinity per row; zero rows give an empty result.',
  async (context, t) => {
    for (const operation of BOTH) {
      await expectError(context, t, operation, [], null, {}, 'EMPTY_AXIS', 'Float32Array(0)');
      await expectError(context, t, operation, null, [], {}, 'EMPTY_AXIS', '[]');
      await expectError(
        context,
        t,
        operation,
        [],
        null,
        { shape: [3, 0] },
        'EMPTY_AXIS',
        'shape [3, 0]',
      );
      const empty = await call(context, operation, new Float64Array(0), { shape: [0, 3] });
      t.require(
        empty instanceof Float64Array && empty.length === 0,
        `${operation}: zero rows (shape [0, 3]) did not give an empty Float64Array`,
      );
    }
    const lse = await call(context, 'logSumExp', new Float32Array(0), { shape: [2, 0] });
    t.require(
      lse instanceof Float32Array &&
        lse.length === 2 &&
        lse.every((v) => v === Number.NEGATIVE_INFINITY),
      'logSumExp over an empty axis (shape [2, 0]) is not [-Infinity, -Infinity]',
    );
  },
);

const shapeMismatch = errorCase(
  'SHAPE_MISMATCH',
  'A shape whose product differs from the length, a shape with negative or fractional sizes, ragged nested input and an out buffer of the wrong length fail with SHAPE_MISMATCH.',
  async (context, t) => {
    for (const operation of ALL) {
      await expectError(
        context,
        t,
        operation,
        [1, 2, 3, 4, 5],
        null,
        { shape: [2, 2] },
        'SHAPE_MISMATCH',
        'shape [2, 2] for 5 values',
      );
      await expectError(
        context,
        t,
        operation,
        [1, 2, 3, 4],
        null,
        { shape: [-2, -2] },
        'SHAPE_MISMATCH',
        'shape [-2, -2]',
      );
      await expectError(
        context,
        t,
        operation,
        [1, 2, 3, 4],
        null,
        { shape: [2.5, 1.6] },
        'SHAPE_MISMATCH',
        'shape [2.5, 1.6]',
      );
      await expectError(
        context,
        t,
        operation,
        null,
        [[1, 2], [3]],
        {},
        'SHAPE_MISMATCH',
        'ragged [[1, 2], [3]]',
      );
      await expectError(
        context,
        t,
        operation,
        [1, 2, 3, 4],
        null,
        { out: new Float32Array(3) },
        'SHAPE_MISMATCH',
        'out of length 3',
      );
    }
  },
);

const invalidAxis = errorCase(
  'INVALID_AXIS',
  'An axis outside [-rank, rank - 1] or not an integer fails with INVALID_AXIS.',
  async (context, t) => {
    const bad: [unknown, number[], string][] = [
      [1, [4], 'axis 1, rank 1'],
      [-2, [4], 'axis -2, rank 1'],
      [3, [2, 2, 1], 'axis 3, rank 3'],
      [-4, [2, 2, 1], 'axis -4, rank 3'],
      [0.5, [4], 'axis 0.5'],
      ['0', [4], "axis '0'"],
      [Number.NaN, [4], 'axis NaN'],
    ];
    for (const operation of ALL)
      for (const [axis, shape, label] of bad)
        await expectError(
          context,
          t,
          operation,
          [1, 2, 3, 4],
          null,
          { shape, axis },
          'INVALID_AXIS',
          label,
        );
  },
);

const invalidInput = errorCase(
  'INVALID_INPUT',
  'Input that is not numbers (a string, null, undefined, an object, a number, arrays holding strings or null) fails with INVALID_INPUT.',
  async (context, t) => {
    const bad: [unknown, string][] = [
      ['1,2,3', 'a string'],
      [null, 'null'],
      [undefined, 'undefined'],
      [{ 0: 1, length: 1 }, 'an array-like object'],
      [42, 'a number'],
      [[1, '2'], "[1, '2']"],
      [[1, null], '[1, null]'],
      [[[1], ['x']], "[[1], ['x']]"],
    ];
    for (const operation of ALL)
      for (const [input, label] of bad)
        await expectError(context, t, operation, null, input, {}, 'INVALID_INPUT', label);
  },
);

const unsupportedDtype = errorCase(
  'UNSUPPORTED_DTYPE',
  'Typed arrays other than Float32Array and Float64Array (Int32Array, Uint8Array, Float64Array out for Float32Array input) fail with UNSUPPORTED_DTYPE.',
  async (context, t) => {
    for (const operation of ALL) {
      await expectError(
        context,
        t,
        operation,
        null,
        Int32Array.from([1, 2, 3]),
        {},
        'UNSUPPORTED_DTYPE',
        'Int32Array',
      );
      await expectError(
        context,
        t,
        operation,
        null,
        Uint8Array.from([1, 2, 3]),
        {},
        'UNSUPPORTED_DTYPE',
        'Uint8Array',
      );
      const width = operation === 'logSumExp' ? 1 : 3;
      await expectError(
        context,
        t,
        operation,
        [1, 2, 3],
        null,
        { out: new Float64Array(width) },
        'UNSUPPORTED_DTYPE',
        'Float64Array out for Float32Array input',
      );
    }
  },
);

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

/** Runs last: disposes the instance under test, then every call must reject with DISPOSED. */
export const disposedCase = errorCase(
  'DISPOSED',
  'After dispose(), every operation rejects with DISPOSED, and a second dispose() is harmless.',
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

/** The errors group (without {@link disposedCase}, which the catalogue puts last). */
export function errorCases(): ConformanceCase[] {
  return [
    invalidTemperature,
    nanInput,
    allMasked,
    emptyAxis,
    shapeMismatch,
    invalidAxis,
    invalidInput,
    unsupportedDtype,
    fuzzCase,
  ];
}
