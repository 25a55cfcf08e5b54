import { coversMinKeep, floorWithMinKeep, keepAtLeast } from './min-keep.js';
import type { RowContext, TruncationStep } from './step.js';

const thresholds = new WeakMap<RowContext, number>();

/**
 * `max - s * sigma` of a row: `sigma` the population standard deviation of its finite `x'`
 * (two passes in float64: the mean, then the squared deviations); `+Infinity` when the max is
 * `+Infinity`. Computed once per row.
 */
function sigmaThreshold(context: RowContext): number {
  const cached = thresholds.get(context);
  if (cached !== undefined) return cached;
  const { x } = context;
  const max = context.max();
  let threshold: number;
  if (max === Number.POSITIVE_INFINITY) threshold = Number.POSITIVE_INFINITY;
  else {
    let count = 0;
    let sum = 0;
    for (let i = 0; i < x.length; i++) {
      const v = x[i]!;
      if (Number.isFinite(v)) {
        count++;
        sum += v;
      }
    }
    const mean = count === 0 ? 0 : sum / count;
    let squares = 0;
    for (let i = 0; i < x.length; i++) {
      const v = x[i]!;
      if (Number.isFinite(v)) squares += (v - mean) * (v - mean);
    }
    const sigma = count === 0 ? 0 : Math.sqrt(squares / count);
    threshold = max - context.plan.number('topNSigma', context.row) * sigma;
  }
  thresholds.set(context, threshold);
  return threshold;
}

/**
 * SPEC v1.1 step 3, top-nσ (Tang et al. 2024, "Top-nσ: Not All Logits Are You Need"; llama.cpp's
 * `top_n_sigma`), first of the truncations: keeps the tokens with `x' >= max - s * sigma`, at
 * least `minKeep` of them. An upper set of the ranking, ties whole.
 *
 * @example
 * ```ts
 * // x' = [4, 3, 0, -6, 3]: sigma 3.655; s = 0.5 keeps x' >= 2.17: tokens 0, 1, 4
 * sampler.sampleSync([4, 3, 0, -6, 3], { topNSigma: 0.5, q: true });
 * ```
 */
export const topNSigmaStep: TruncationStep = {
  name: 'topNSigma',
  renormalises: false,
  cost: 'pass',
  active: (plan, row) => plan.number('topNSigma', row) > 0,
  floor: (context, attempt) => floorWithMinKeep(sigmaThreshold(context), context, attempt),
  covers: (candidates, context) =>
    candidates.threshold <= sigmaThreshold(context) && coversMinKeep(candidates, context),
  apply(candidates, context) {
    const threshold = sigmaThreshold(context);
    const { logits } = candidates;
    keepAtLeast(candidates, context, (k) => logits[k]! >= threshold);
    if (candidates.threshold <= threshold && coversMinKeep(candidates, context))
      candidates.exact = true;
  },
};
