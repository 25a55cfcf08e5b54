/**
 * The invariance group: exact shifts, permutations and batching do not change a row's
 * result (beyond the bounds of the two results), and equal logits give 1/n.
 */
import type { Dtype, FloatArray, SoftmaxOptions } from '@softmax-kit/core';
import fc from 'fast-check';
import { DERIVATION, type RowBounds } from '../bounds.js';
import type { ConformanceCase } from '../case.js';
import { call, checkResultType } from '../helpers/calls.js';
import { DTYPES, flatInput, inDtype, SMALLEST_SUBNORMAL, uniformRow } from '../helpers/inputs.js';
import { measurePair, referenceWithBounds, show } from '../helpers/measure.js';
import { checkAllOperations } from '../helpers/rows.js';
import { trackedCase } from '../helpers/tracked-case.js';
import { LARGEST_FINITE } from '../precision.js';

/** Exact shifts per dtype: rows on the grid k/8 with |k| <= 8*64 stay exact after adding them. */
const SHIFTS: Record<Dtype, readonly number[]> = {
  float32: [0.5, -3, 1024, -(2 ** 16), 2 ** 20],
  float64: [0.5, -3, 2 ** 20, -(2 ** 40), 2 ** 49],
};

const PAIR_DERIVATION = `2 x the per-entry bound (each result is within its bound of the same reference): ${DERIVATION.softmax}`;

function shiftCase(dtype: Dtype): ConformanceCase {
  return trackedCase(
    `invariance.shift.${dtype}`,
    'invariance',
    `softmax(x + c) = softmax(x) and logSoftmax(x + c) = logSoftmax(x) for ${dtype} rows on an exact grid and shifts c that are exact in ${dtype} (up to ${show(SHIFTS[dtype].at(-1) as number)}) (fast-check, fixed seed).`,
    PAIR_DERIVATION,
    async (context, t) => {
      const model = context.model(dtype);
      const grid = fc.array(fc.integer({ min: -512, max: 512 }), { minLength: 1, maxLength: 40 });
      const temperature = fc.constantFrom(1, 0.5, 3);
      await fc
        .assert(
          fc.asyncProperty(
            grid,
            fc.constantFrom(...SHIFTS[dtype]),
            temperature,
            async (ks, c, T) => {
              const before = t.failed;
              const x = inDtype(
                dtype,
                ks.map((k) => k / 8),
              );
              const shifted = inDtype(
                dtype,
                ks.map((k) => k / 8 + c),
              );
              if (!shifted.every((v, i) => v - c === x[i])) return true; // not exact: outside the premise
              const { ref, bounds } = referenceWithBounds(x, T, model);
              const shiftedBounds = referenceWithBounds(shifted, T, model).bounds;
              for (const operation of ['softmax', 'logSoftmax'] as const) {
                const a = await call(context, operation, flatInput(dtype, [x]), { temperature: T });
                const b = await call(context, operation, flatInput(dtype, [shifted]), {
                  temperature: T,
                });
                measurePair(t, {
                  where: `${operation} shift ${c} T=${T}`,
                  operation,
                  a,
                  aOffset: 0,
                  b,
                  bIndex: (i) => i,
                  ref,
                  boundsA: bounds,
                  boundsB: shiftedBounds,
                  model,
                });
              }
              return before || !t.failed;
            },
          ),
          { seed: context.seed, numRuns: 60, endOnFailure: true },
        )
        .catch(() => {});
    },
  );
}

function permutationCase(dtype: Dtype): ConformanceCase {
  return trackedCase(
    `invariance.permutation.${dtype}`,
    'invariance',
    `softmax(Px) = P softmax(x) and logSoftmax(Px) = P logSoftmax(x) for random ${dtype} rows and permutations P (fast-check, fixed seed).`,
    PAIR_DERIVATION,
    async (context, t) => {
      const model = context.model(dtype);
      const rowAndKeys = fc
        .integer({ min: 1, max: 48 })
        .chain((n) =>
          fc.tuple(
            fc.array(fc.double({ min: -30, max: 30, noNaN: true }), { minLength: n, maxLength: n }),
            fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: n, maxLength: n }),
          ),
        );
      await fc
        .assert(
          fc.asyncProperty(rowAndKeys, async ([values, keys]) => {
            const before = t.failed;
            const x = inDtype(dtype, values);
            const order = keys
              .map((k, i) => [k, i] as const)
              .sort((p, q) => p[0] - q[0])
              .map(([, i]) => i);
            const permuted = Float64Array.from(order, (i) => x[i] as number);
            const { ref, bounds } = referenceWithBounds(x, 1, model);
            const permutedBounds = referenceWithBounds(permuted, 1, model).bounds;
            const inverse = new Array<number>(order.length);
            order.forEach((source, target) => {
              inverse[source] = target;
            });
            // permuted bounds re-indexed to the original positions
            const reindexed: RowBounds = {
              softmax: Float64Array.from(inverse, (j) => permutedBounds.softmax[j] as number),
              logSoftmax: Float64Array.from(inverse, (j) => permutedBounds.logSoftmax[j] as number),
              logSumExp: permutedBounds.logSumExp,
              rowSum: permutedBounds.rowSum,
            };
            for (const operation of ['softmax', 'logSoftmax'] as const) {
              const a = await call(context, operation, flatInput(dtype, [x]));
              const b = await call(context, operation, flatInput(dtype, [permuted]));
              measurePair(t, {
                where: `${operation} permuted`,
                operation,
                a,
                aOffset: 0,
                b,
                bIndex: (i) => inverse[i] as number,
                ref,
                boundsA: bounds,
                boundsB: reindexed,
                model,
              });
            }
            return before || !t.failed;
          }),
          { seed: context.seed, numRuns: 60, endOnFailure: true },
        )
        .catch(() => {});
    },
  );
}

function batchCase(dtype: Dtype): ConformanceCase {
  return trackedCase(
    `invariance.batch.${dtype}`,
    'invariance',
    `A ${dtype} row's softmax and logSoftmax do not depend on the other rows or the batch size: the row alone and inside batches of 2, 7 and 33 rows (neighbours with +-1e30, masked, all-masked, +Infinity and NaN rows) agree within the bound.`,
    `${PAIR_DERIVATION}. Decision: within the bound, not bitwise, because a kernel may block or vectorise rows differently per batch size; cross-row leaks show as errors far above it.`,
    async (context, t) => {
      const model = context.model(dtype);
      const n = 24;
      const row = inDtype(dtype, uniformRow(context.rng, n, 10));
      const { ref, bounds } = referenceWithBounds(row, 0.8, model);
      const neighbours: number[][] = [
        uniformRow(context.rng, n, 1e30),
        uniformRow(context.rng, n, 3).map((v, i) => (i % 3 === 0 ? Number.NEGATIVE_INFINITY : v)),
        new Array<number>(n).fill(Number.NEGATIVE_INFINITY),
        uniformRow(context.rng, n, 5).map((v, i) => (i === 4 ? Number.POSITIVE_INFINITY : v)),
        uniformRow(context.rng, n, 5).map((v, i) => (i === 7 ? Number.NaN : v)),
        uniformRow(context.rng, n, LARGEST_FINITE[dtype]),
        new Array<number>(n).fill(SMALLEST_SUBNORMAL[dtype]),
      ];
      const options: SoftmaxOptions = { temperature: 0.8, allMasked: 'zeros', nan: 'propagate' };
      for (const operation of ['softmax', 'logSoftmax'] as const) {
        const alone = await call(context, operation, flatInput(dtype, [row]), options);
        if (!checkResultType(t, `${operation} alone`, alone, dtype, n)) continue;
        for (const size of [2, 7, 33]) {
          const rows: ArrayLike<number>[] = [];
          const position = size === 2 ? 1 : Math.floor(size / 2);
          for (let r = 0; r < size; r++)
            rows.push(
              r === position ? row : inDtype(dtype, neighbours[r % neighbours.length] as number[]),
            );
          const batch: FloatArray = await call(context, operation, flatInput(dtype, rows), {
            ...options,
            shape: [size, n],
          });
          if (!checkResultType(t, `${operation} batch ${size}`, batch, dtype, size * n)) continue;
          measurePair(t, {
            where: `${operation} batch of ${size}, row ${position}`,
            operation,
            a: batch,
            aOffset: position * n,
            b: alone,
            bIndex: (i) => i,
            ref,
            boundsA: bounds,
            boundsB: bounds,
            model,
          });
        }
      }
    },
  );
}

function equalLogitsCase(dtype: Dtype): ConformanceCase {
  const largest = LARGEST_FINITE[dtype];
  return trackedCase(
    `invariance.equal-logits.${dtype}`,
    'invariance',
    `Equal ${dtype} logits give 1/n (logSoftmax -log n) for n = 1, 3, 7, 1000, values 0, 3.5, +-1e30, +-max, subnormal, and T = 1, 0.01, 100.`,
    DERIVATION.softmax,
    async (context, t) => {
      for (const value of [0, 3.5, 1e30, -1e30, largest, -largest, SMALLEST_SUBNORMAL[dtype]]) {
        for (const n of [1, 3, 7, 1000]) {
          const rows = [new Array<number>(n).fill(value)];
          for (const temperature of [1, 0.01, 100])
            await checkAllOperations(context, t, {
              dtype,
              rows,
              temperature,
              where: `${n} x ${show(value)}`,
            });
        }
      }
    },
  );
}

/** The invariance group. */
export function invarianceCases(): ConformanceCase[] {
  return DTYPES.flatMap((dtype) => [
    shiftCase(dtype),
    permutationCase(dtype),
    batchCase(dtype),
    equalLogitsCase(dtype),
  ]);
}
