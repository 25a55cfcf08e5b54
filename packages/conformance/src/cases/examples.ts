/**
 * The examples group: SPEC's worked examples, exact to 6 digits, in both dtypes.
 */
import type { Dtype } from '@softmax-kit/core';
import { DERIVATION } from '../bounds.js';
import type { ConformanceCase } from '../case.js';
import { call, checkResultType } from '../helpers/calls.js';
import { DTYPES } from '../helpers/inputs.js';
import { referenceWithBounds, show } from '../helpers/measure.js';
import { trackedCase } from '../helpers/tracked-case.js';
import { toDtype } from '../precision.js';

/** SPEC's worked examples, exact to 6 digits. */
export const WORKED_EXAMPLES: readonly {
  logits: readonly number[];
  temperature: number;
  softmax: readonly number[];
}[] = [
  { logits: [2, 1, 0.1], temperature: 1, softmax: [0.659001, 0.242433, 0.098566] },
  { logits: [2, 1, 0.5], temperature: 1, softmax: [0.628532, 0.231224, 0.140244] },
  { logits: [2, 1, 0.5], temperature: 0.5, softmax: [0.843795, 0.114195, 0.04201] },
  { logits: [2, 1, 0.5], temperature: 2, softmax: [0.481024, 0.291756, 0.22722] },
  ...[1, 0.5, 7, 0, Number.POSITIVE_INFINITY].map((temperature) => ({
    logits: [3, 3, 3],
    temperature,
    softmax: [1 / 3, 1 / 3, 1 / 3],
  })),
  { logits: [2, 5, 5], temperature: 0, softmax: [0, 0.5, 0.5] },
  {
    logits: [1, Number.NEGATIVE_INFINITY, 1],
    temperature: Number.POSITIVE_INFINITY,
    softmax: [0.5, 0, 0.5],
  },
];

/** Half a unit of the 6th decimal: how far SPEC's printed digits may be from the exact value. */
const SIX_DIGITS = 5e-7;

function exampleCase(dtype: Dtype, index: number): ConformanceCase {
  const example = WORKED_EXAMPLES[index] as (typeof WORKED_EXAMPLES)[number];
  const label = `[${example.logits.join(', ')}] at T = ${example.temperature}`;
  return trackedCase(
    `examples.${index + 1}.${dtype}`,
    'examples',
    `softmax(${label}) for ${dtype} input is [${example.softmax.map((v) => v.toFixed(6)).join(', ')}] to 6 digits.`,
    `5e-7 (SPEC's 6 printed digits) + the softmax bound where the row is regular: ${DERIVATION.softmax}`,
    async (context, t) => {
      const model = context.model(dtype);
      const input =
        dtype === 'float32' ? Float32Array.from(example.logits) : Float64Array.from(example.logits);
      const result = await call(context, 'softmax', input, { temperature: example.temperature });
      if (!checkResultType(t, label, result, dtype, example.logits.length)) return;
      const regular = example.temperature > 0 && Number.isFinite(example.temperature);
      const row = example.logits.map((v) => toDtype(dtype, v));
      const bounds = regular ? referenceWithBounds(row, example.temperature, model).bounds : null;
      example.softmax.forEach((expected, i) => {
        const got = result[i] as number;
        if (expected === 0) {
          t.require(got === 0, () => `${label}[${i}] is ${show(got)}, expected exactly 0`);
          return;
        }
        const bound = SIX_DIGITS + (bounds ? (bounds.softmax[i] as number) : 2 * model.epsDtype);
        t.check(
          Math.abs(got - expected),
          bound,
          () => `${label}[${i}] is ${show(got)}, SPEC says ${expected.toFixed(6)}`,
        );
      });
    },
  );
}

/** The examples group: every worked example of SPEC, both dtypes. */
export function exampleCases(): ConformanceCase[] {
  return DTYPES.flatMap((dtype) => WORKED_EXAMPLES.map((_, index) => exampleCase(dtype, index)));
}
