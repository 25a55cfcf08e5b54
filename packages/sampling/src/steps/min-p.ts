import { coversMinKeep, floorWithMinKeep, keepAtLeast } from './min-keep.js';
import type { RowContext, TruncationStep } from './step.js';

/** The lowest logit min-p can keep (a little lower than exact, so the gather never misses one). */
function minPFloor(context: RowContext): number {
  const weights = context.weights();
  if (weights.kind === 'uniform') return Number.NEGATIVE_INFINITY;
  if (weights.kind === 'infinite') return Number.POSITIVE_INFINITY;
  const floor =
    weights.max + weights.temperature * Math.log(context.plan.number('minP', context.row));
  return floor - Math.abs(floor) * 2 ** -40 - Number.MIN_VALUE;
}

/**
 * SPEC step 3, min-p: keeps the tokens with `(x' - max) / T >= log(minP)`. At `T = Infinity`
 * every token still kept has the same probability, so min-p keeps them all (SPEC's ruling);
 * with a `+Infinity` logit only the `+Infinity` tokens have probability. At least `minKeep`
 * (SPEC v1.1), the first in the ranking.
 */
export const minPStep: TruncationStep = {
  name: 'minP',
  renormalises: false,
  cost: 'free',
  active: (plan, row) => plan.number('minP', row) > 0,
  floor: (context, attempt) => floorWithMinKeep(minPFloor(context), context, attempt),
  covers: (candidates, context) =>
    candidates.threshold <= minPFloor(context) && coversMinKeep(candidates, context),
  apply(candidates, context) {
    const weights = context.weights();
    if (weights.kind === 'uniform') return;
    const logMinP = Math.log(context.plan.number('minP', context.row));
    const { logits, count } = candidates;
    if (weights.kind === 'infinite')
      keepAtLeast(candidates, context, (k) => logits[k] === Number.POSITIVE_INFINITY);
    else {
      const { max, temperature } = weights;
      // Most often the gather's floor let no token below the cut in: one check, and nothing to
      // drop (keepAtLeast would keep them all too: minKeep asks for at most the count).
      let k = 0;
      while (k < count && (logits[k]! - max) / temperature >= logMinP) k++;
      if (k < count)
        keepAtLeast(candidates, context, (j) => (logits[j]! - max) / temperature >= logMinP);
    }
    if (candidates.threshold <= minPFloor(context) && coversMinKeep(candidates, context))
      candidates.exact = true;
  },
};
