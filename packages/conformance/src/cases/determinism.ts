/**
 * The determinism group: the same call twice gives bitwise the same result.
 */
import type { Dtype, FloatArray, Operation, SoftmaxOptions } from '@softmax-kit/core';
import type { ConformanceCase } from '../case.js';
import { call } from '../helpers/calls.js';
import { DTYPES, flatInput, uniformRow } from '../helpers/inputs.js';
import { trackedCase } from '../helpers/tracked-case.js';

function sameBits(a: FloatArray, b: FloatArray): number {
  if (a.length !== b.length) return 0;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return i;
  return -1;
}

function determinismCase(dtype: Dtype): ConformanceCase {
  return trackedCase(
    `determinism.${dtype}`,
    'determinism',
    `The same call twice gives bitwise the same result for softmax, logSoftmax and logSumExp on ${dtype} input (8 x 1000 with per-row T, and 1 x 65536).`,
    'exact (bitwise)',
    async (context, t) => {
      const batch = flatInput(
        dtype,
        Array.from({ length: 8 }, () => uniformRow(context.rng, 1000, 12)),
      );
      const long = flatInput(dtype, [uniformRow(context.rng, 65_536, 20)]);
      const calls: [FloatArray, SoftmaxOptions, string][] = [
        [batch, { shape: [8, 1000], temperature: [1, 0.5, 2, 0.1, 10, 1, 0.7, 3] }, '8 x 1000'],
        [long, {}, '1 x 65536'],
      ];
      for (const [input, options, label] of calls) {
        for (const operation of ['softmax', 'logSoftmax', 'logSumExp'] as Operation[]) {
          const opts = operation === 'logSumExp' ? { ...options, temperature: undefined } : options;
          const first = await call(context, operation, input, opts);
          const second = await call(context, operation, input, opts);
          const at = sameBits(first, second);
          t.require(
            at < 0,
            () =>
              `${label} ${operation}: results differ at index ${at} (${first[at]} vs ${second[at]})`,
          );
        }
      }
    },
  );
}

/** The determinism group. */
export function determinismCases(): ConformanceCase[] {
  return DTYPES.map(determinismCase);
}
