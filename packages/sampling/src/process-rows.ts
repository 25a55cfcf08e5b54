/**
 * SPEC step 1 (processing) and the temperatures of a batch, for the decoding primitives that
 * need the processed logits `x'` themselves (`beamStep` takes `log q` from a log-softmax of
 * `x'` at `T`, never from `q`, so its log-probabilities keep SPEC's accuracy).
 *
 * @packageDocumentation
 */
import { type Plan, readPlan } from './plan.js';
import { PROCESSING } from './steps/index.js';
import type { SampleOptions, SamplerInput } from './types.js';

/** Processed rows: `x'` (a float64 copy) and one temperature per row. */
export interface ProcessedRows {
  readonly plan: Plan;
  readonly x: Float64Array;
  readonly temperatures: Float64Array;
}

/**
 * Reads the logits and the sampling options once (the sampler's plan: the same checks and
 * errors) and returns `x'` for every row (bias, allowed, penalties, DRY), with each row's
 * temperature.
 *
 * @example
 * ```ts
 * processRows([1, 2, 3], { bias: [0, 0, -Infinity] }).x; // Float64Array [1, 2, -Infinity]
 * ```
 */
export function processRows(input: SamplerInput, options: SampleOptions): ProcessedRows {
  const plan = readPlan(input, { ...options, seed: 0 }, true);
  const { rows, n } = plan;
  const x = Float64Array.from(plan.logits.subarray(0, rows * n));
  const temperatures = new Float64Array(rows);
  for (let row = 0; row < rows; row++) {
    temperatures[row] = plan.number('temperature', row);
    const steps = PROCESSING.filter((step) => step.active(plan, row));
    for (const step of steps) step.apply(x.subarray(row * n, row * n + n), plan, row);
  }
  return { plan, x, temperatures };
}
