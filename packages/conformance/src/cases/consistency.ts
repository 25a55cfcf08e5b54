/**
 * The consistency group: the three operations agree with each other, `exp(logSoftmax) =
 * softmax`, `logSoftmax = x - logSumExp(x)` and `logSumExp(x + c) = logSumExp(x) + c`, within
 * the sum of their bounds; and where the backend is synchronous, the sync methods equal the async
 * ones bitwise.
 */
import type { Dtype, FloatArray } from '@softmax-kit/core';
import fc from 'fast-check';
import { DERIVATION } from '../bounds.js';
import { type ConformanceCase, SkipCase } from '../case.js';
import { call, checkResultType } from '../helpers/calls.js';
import { DTYPES, flatInput, inDtype, uniformRow } from '../helpers/inputs.js';
import { referenceWithBounds, show } from '../helpers/measure.js';
import { trackedCase } from '../helpers/tracked-case.js';

function expLogCase(dtype: Dtype): ConformanceCase {
  return trackedCase(
    `consistency.exp-log-softmax.${dtype}`,
    'consistency',
    `exp(logSoftmax(x)) = softmax(x) for ${dtype} rows at T = 1 and T = 0.6.`,
    `|exp(logp_i) - p_i| <= A_i + ref_i expm1(B_i) + 2^-52 ref_i, A_i the softmax bound, B_i the logSoftmax bound (|logp - ref| <= B_i gives exp(logp) in ref e^(+-B_i)), 2^-52 for the float64 exp of the check; relative to max(ref_i, tau). ${DERIVATION.softmax}`,
    async (context, t) => {
      const model = context.model(dtype);
      for (const temperature of [1, 0.6]) {
        for (let k = 0; k < 4; k++) {
          const row = inDtype(dtype, uniformRow(context.rng, 60, 3 + 6 * k));
          const input = flatInput(dtype, [row]);
          const p = await call(context, 'softmax', input, { temperature });
          const logp = await call(context, 'logSoftmax', input, { temperature });
          if (
            !checkResultType(t, 'softmax', p, dtype, 60) ||
            !checkResultType(t, 'logSoftmax', logp, dtype, 60)
          )
            return;
          const { ref, bounds } = referenceWithBounds(row, temperature, model);
          for (let i = 0; i < row.length; i++) {
            const r = ref.pHi[i] as number;
            const scale = Math.max(r, model.tau);
            const bound =
              (bounds.softmax[i] as number) +
              r * Math.expm1(bounds.logSoftmax[i] as number) +
              2 ** -52 * r;
            const got = Math.exp(logp[i] as number);
            t.check(
              Math.abs(got - (p[i] as number)) / scale,
              bound / scale,
              () =>
                `row ${k} T=${temperature} [${i}]: exp(logp) ${show(got)} vs p ${show(p[i] as number)}`,
            );
          }
        }
      }
    },
  );
}

function logSoftmaxLseCase(dtype: Dtype): ConformanceCase {
  return trackedCase(
    `consistency.log-softmax-lse.${dtype}`,
    'consistency',
    `logSoftmax(x) = x - logSumExp(x) at T = 1 for ${dtype} rows.`,
    `|logp_i - (x_i - lse)| <= B_i + C + 2^-53 |x_i - lse|, B_i the logSoftmax bound, C the logSumExp bound, 2^-53 for the float64 subtraction of the check. ${DERIVATION.logSoftmax}`,
    async (context, t) => {
      const model = context.model(dtype);
      for (let k = 0; k < 4; k++) {
        const row = inDtype(
          dtype,
          uniformRow(context.rng, 50, [2, 10, 50, 1e4][k] as number).map((v, i) =>
            k === 3 ? v + 1e5 * i : v,
          ),
        );
        const input = flatInput(dtype, [row]);
        const logp = await call(context, 'logSoftmax', input);
        const lse = await call(context, 'logSumExp', input);
        if (
          !checkResultType(t, 'logSoftmax', logp, dtype, 50) ||
          !checkResultType(t, 'logSumExp', lse, dtype, 1)
        )
          return;
        const { bounds } = referenceWithBounds(row, 1, model);
        const total = lse[0] as number;
        for (let i = 0; i < row.length; i++) {
          const expected = (row[i] as number) - total;
          const bound =
            (bounds.logSoftmax[i] as number) + bounds.logSumExp + 2 ** -53 * Math.abs(expected);
          t.check(
            Math.abs((logp[i] as number) - expected),
            bound,
            () => `row ${k} [${i}]: logp ${show(logp[i] as number)} vs x - lse ${show(expected)}`,
          );
        }
      }
    },
  );
}

/** Exact shifts: rows on the grid k/8 (|k| <= 4096) plus these stay exact in the dtype. */
const LSE_SHIFTS: Record<Dtype, readonly number[]> = {
  float32: [0.25, -7, 4096, -(2 ** 16)],
  float64: [0.25, -7, 2 ** 30, -(2 ** 44)],
};

function lseShiftCase(dtype: Dtype): ConformanceCase {
  return trackedCase(
    `consistency.lse-shift.${dtype}`,
    'consistency',
    `logSumExp(x + c) = logSumExp(x) + c for ${dtype} rows on an exact grid and exact shifts c (fast-check, fixed seed).`,
    `C(x) + C(x + c) + 2^-53 |lse + c| (each logSumExp within its bound, float64 addition of the check). ${DERIVATION.logSumExp}`,
    async (context, t) => {
      const model = context.model(dtype);
      await fc
        .assert(
          fc.asyncProperty(
            fc.array(fc.integer({ min: -4096, max: 4096 }), { minLength: 1, maxLength: 30 }),
            fc.constantFrom(...LSE_SHIFTS[dtype]),
            async (ks, c) => {
              const before = t.failed;
              const x = inDtype(
                dtype,
                ks.map((k) => k / 8),
              );
              const shifted = inDtype(
                dtype,
                ks.map((k) => k / 8 + c),
              );
              if (!shifted.every((v, i) => v - c === x[i])) return true;
              const a = (await call(context, 'logSumExp', flatInput(dtype, [x])))[0] as number;
              const b = (
                await call(context, 'logSumExp', flatInput(dtype, [shifted]))
              )[0] as number;
              const bound =
                referenceWithBounds(x, 1, model).bounds.logSumExp +
                referenceWithBounds(shifted, 1, model).bounds.logSumExp +
                2 ** -53 * Math.abs(a + c);
              t.check(
                Math.abs(b - (a + c)),
                bound,
                () => `shift ${c}: lse(x + c) ${show(b)} vs lse(x) + c ${show(a + c)}`,
              );
              return before || !t.failed;
            },
          ),
          { seed: context.seed, numRuns: 60, endOnFailure: true },
        )
        .catch(() => {});
    },
  );
}

function bitwiseEqual(a: FloatArray, b: FloatArray): boolean {
  return a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
}

const syncAsyncCase = trackedCase(
  'consistency.sync-async',
  'consistency',
  'Where the backend is synchronous, softmaxSync, logSoftmaxSync and logSumExpSync equal the async methods bitwise (both dtypes).',
  'exact (bitwise): the same kernel computes both',
  async (context, t) => {
    const sm = context.sm as unknown as Record<string, unknown>;
    if (!context.capabilities.sync || typeof sm.softmaxSync !== 'function')
      throw new SkipCase('the backend has no synchronous kernel (capabilities.sync is false)');
    for (const dtype of DTYPES) {
      const input = flatInput(dtype, [
        uniformRow(context.rng, 40, 8),
        uniformRow(context.rng, 40, 8),
      ]);
      for (const operation of ['softmax', 'logSoftmax', 'logSumExp'] as const) {
        const syncFn = sm[`${operation}Sync`] as (x: unknown, o: unknown) => FloatArray;
        const a = syncFn(input, { shape: [2, 40] });
        const b = await call(context, operation, input, { shape: [2, 40] });
        t.require(bitwiseEqual(a, b), `${dtype} ${operation}Sync differs from ${operation}`);
      }
    }
  },
);

/** The consistency group. */
export function consistencyCases(): ConformanceCase[] {
  return [
    ...DTYPES.flatMap((dtype) => [
      expLogCase(dtype),
      logSoftmaxLseCase(dtype),
      lseShiftCase(dtype),
    ]),
    syncAsyncCase,
  ];
}
