/**
 * The order group: `x_i < x_j` implies `p_i <= p_j` (and the same for logSoftmax).
 */
import type { Dtype } from '@softmax-kit/core';
import fc from 'fast-check';
import type { ConformanceCase } from '../case.js';
import { call } from '../helpers/calls.js';
import { DTYPES, flatInput, inDtype } from '../helpers/inputs.js';
import { show } from '../helpers/measure.js';
import { trackedCase } from '../helpers/tracked-case.js';

function orderCase(dtype: Dtype, operation: 'softmax' | 'logSoftmax'): ConformanceCase {
  return trackedCase(
    `order.${operation}.${dtype}`,
    'order',
    `x_i < x_j implies ${operation === 'softmax' ? 'p_i <= p_j' : 'logp_i <= logp_j'} for random ${dtype} rows with many close and equal values, at T = 1, 1e-3, 1e3 (fast-check, fixed seed).`,
    'exact: 0 (SPEC states the order without tolerance; rounding is monotone, so a correct kernel keeps it)',
    async (context, t) => {
      const base = fc.double({ min: -40, max: 40, noNaN: true });
      const row = fc.array(
        fc.oneof(
          base,
          fc.constantFrom(0, 1, 1 + 2 ** -20, 1 - 2 ** -20, 3.25),
          fc.integer({ min: -3, max: 3 }),
        ),
        { minLength: 2, maxLength: 64 },
      );
      await fc
        .assert(
          fc.asyncProperty(row, fc.constantFrom(1, 1e-3, 1e3), async (values, temperature) => {
            const before = t.failed;
            const x = inDtype(dtype, values);
            const result = await call(context, operation, flatInput(dtype, [x]), { temperature });
            let violation = 0;
            let where = '';
            for (let i = 0; i < x.length; i++) {
              for (let j = 0; j < x.length; j++) {
                if ((x[i] as number) < (x[j] as number)) {
                  const a = result[i] as number;
                  const b = result[j] as number;
                  const gap = Number.isNaN(a) || Number.isNaN(b) ? Number.POSITIVE_INFINITY : a - b;
                  if (gap > violation) {
                    violation = gap;
                    where = `x[${i}] = ${show(x[i] as number)} < x[${j}] = ${show(x[j] as number)} but ${show(a)} > ${show(b)} (T=${temperature})`;
                  }
                }
              }
            }
            t.check(violation, 0, where || 'order');
            return before || !t.failed;
          }),
          { seed: context.seed, numRuns: 80, endOnFailure: true },
        )
        .catch(() => {});
    },
  );
}

/** The order group. */
export function orderCases(): ConformanceCase[] {
  return DTYPES.flatMap((dtype) => [orderCase(dtype, 'softmax'), orderCase(dtype, 'logSoftmax')]);
}
