import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { referenceBackend } from '../test/reference-backend.js';
import { createSoftmax, SoftmaxError } from './index.js';

// Values that stress the contract: NaN, both infinities, the largest finite values, subnormals.
const specialValue = fc.constantFrom(
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  Number.MAX_VALUE,
  -Number.MAX_VALUE,
  5e-324,
  -5e-324,
  0,
  -0,
  3.4e38,
  -3.4e38,
);
const value = fc.oneof(
  fc.double({ noNaN: false }),
  specialValue,
  fc.integer({ min: -50, max: 50 }),
);
const anything = fc.oneof(
  value,
  fc.string(),
  fc.constant(null),
  fc.constant(undefined),
  fc.boolean(),
);

// A row's probabilities are each a rounded quotient of a float64 sum of at most 64 terms, so
// their sum is 1 within (n + 2) float64 roundoffs per entry summed: n (n + 2) eps64 with n <= 64.
const sumBound = (n: number) => n * (n + 2) * 2 ** -53;

describe('fuzzing the public API', () => {
  it('random rows with special values give a SoftmaxError or a result with no NaN and rows that sum to 1', async () => {
    const sm = await createSoftmax(referenceBackend());
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 64 }),
        fc.array(value, { minLength: 256, maxLength: 256 }),
        fc.oneof(
          fc.constant(undefined),
          fc.constant(0),
          fc.constant(Number.POSITIVE_INFINITY),
          fc.double({ min: 5e-324, max: 1e300, noNaN: true }),
          fc.constant(-1),
          fc.constant(Number.NaN),
        ),
        fc.constantFrom('error', 'zeros', 'nan'),
        fc.boolean(),
        async (rows, cols, pool, temperature, allMasked, float32) => {
          const values = pool.slice(0, rows * cols);
          while (values.length < rows * cols) values.push(0);
          const input = float32 ? Float32Array.from(values) : Float64Array.from(values);
          const copy = input.slice();
          let p: Float32Array | Float64Array;
          try {
            p = await sm.softmax(input, {
              shape: [rows, cols],
              temperature,
              allMasked: allMasked as 'error',
            });
          } catch (error) {
            expect(SoftmaxError.isInstance(error)).toBe(true);
            expect(input).toEqual(copy);
            return;
          }
          expect(input).toEqual(copy);
          for (let r = 0; r < rows; r++) {
            const row = Array.from(p.subarray(r * cols, (r + 1) * cols));
            const inputRow = Array.from(input.subarray(r * cols, (r + 1) * cols));
            const fullyMasked = inputRow.every((v) => v === Number.NEGATIVE_INFINITY);
            if (fullyMasked && allMasked === 'nan') {
              expect(row.every(Number.isNaN)).toBe(true);
              continue;
            }
            if (fullyMasked) {
              expect(row.every((v) => v === 0)).toBe(true);
              continue;
            }
            expect(row.some(Number.isNaN)).toBe(false);
            const sum = row.reduce((a, b) => a + b, 0);
            // float32 output adds one float32 rounding per entry: n eps32
            const bound = float32 ? cols * 2 ** -24 + sumBound(cols) : sumBound(cols);
            expect(Math.abs(sum - 1)).toBeLessThanOrEqual(bound);
          }
        },
      ),
      { seed: 20261123, numRuns: 300 },
    );
  });

  it('arbitrary values, shapes, axes and options never crash: a SoftmaxError or a result of the right length', async () => {
    const sm = await createSoftmax(referenceBackend());
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.array(anything, { maxLength: 12 }),
          fc.array(fc.array(value, { maxLength: 4 }), { maxLength: 4 }),
          anything,
        ),
        fc.oneof(
          fc.constant(undefined),
          fc.array(fc.integer({ min: -1, max: 5 }), { maxLength: 3 }),
        ),
        fc.oneof(fc.constant(undefined), fc.integer({ min: -4, max: 4 }), fc.double()),
        fc.oneof(fc.constant(undefined), anything, fc.array(anything, { maxLength: 4 })),
        fc.constantFrom('softmax', 'logSoftmax', 'logSumExp') as fc.Arbitrary<
          'softmax' | 'logSoftmax' | 'logSumExp'
        >,
        async (input, shape, axis, temperature, operation) => {
          const options =
            operation === 'logSumExp' ? { shape, axis } : { shape, axis, temperature };
          try {
            const result = await sm[operation](input as number[], options as { shape?: number[] });
            expect(result).toBeInstanceOf(Float64Array);
          } catch (error) {
            expect(SoftmaxError.isInstance(error)).toBe(true);
            expect((error as Error).message.length).toBeGreaterThan(20);
          }
        },
      ),
      { seed: 7, numRuns: 500 },
    );
  });
});
