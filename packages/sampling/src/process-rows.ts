/**
 * SPEC step 1 (processing) and the temperatures of a batch, for the decoding primitives that
 * need the processed logits `x'` themselves (`beamStep` takes `log q` from a log-softmax of
 * `x'` at `T`, never from `q`, so its log-probabilities keep SPEC's accuracy).
 *
 * @packageDocumentation
 */
import type { FloatArray } from '@softmax-kit/core/internal';
import { type Plan, readPlan } from './plan.js';
import { PROCESSING } from './steps/index.js';
import type { SampleOptions, SamplerInput } from './types.js';

/** Processed rows: `x'` and one temperature per row. */
export interface ProcessedRows {
  readonly plan: Plan;
  /** A float64 copy when a processing step changed a row, else the logits as read (not to be written). */
  readonly x: FloatArray;
  /** Whether `x` is this call's own copy. */
  readonly copied: boolean;
  readonly temperatures: Float64Array;
}

/**
 * Reads the logits and the sampling options once (the sampler's plan: the same checks and
 * errors) and returns `x'` for every row (bias, allowed, penalties, DRY), with each row's
 * temperature.
 *
 * @example
 * ```ts
 * processRows([1, 2, 3], { bias: [0, 0, -Infinity] }, false).x; // Float64Array [1, 2, -Infinity]
 * ```
 */
export function processRows(
  input: SamplerInput,
  options: SampleOptions,
  snapshot: boolean,
): ProcessedRows {
  const plan = readPlan(input, { ...options, seed: 0 }, snapshot);
  const { rows, n } = plan;
  const temperatures = new Float64Array(rows);
  for (let row = 0; row < rows; row++) temperatures[row] = plan.number('temperature', row);
  const active = Array.from({ length: rows }, (_, row) =>
    PROCESSING.filter((step) => step.active(plan, row)),
  );
  if (active.every((steps) => steps.length === 0))
    return { plan, x: plan.logits.subarray(0, rows * n), copied: false, temperatures };
  const x = new Float64Array(rows * n);
  x.set(plan.logits.subarray(0, rows * n));
  for (let row = 0; row < rows; row++)
    for (const step of active[row]!) step.apply(x.subarray(row * n, row * n + n), plan, row);
  return { plan, x, copied: true, temperatures };
}
