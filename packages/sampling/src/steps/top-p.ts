import { guessByMass } from '../candidates.js';
import { coversMinKeep, floorWithMinKeep, minKeepOf } from './min-keep.js';
import type { TruncationStep } from './step.js';

/**
 * SPEC step 3, top-p: keeps the shortest ranked prefix whose probability, renormalised over
 * the tokens kept so far and summed in float64, is `>= topP` (at least one token; at least
 * `minKeep`, SPEC v1.1).
 */
export const topPStep: TruncationStep = {
  name: 'topP',
  ranks: true,
  renormalises: true,
  cost: 'pass',
  active: (plan, row) => plan.number('topP', row) < 1,
  floor: (context, attempt) =>
    floorWithMinKeep(
      guessByMass(context, context.plan.number('topP', context.row), attempt),
      context,
      attempt,
    ),
  covers(candidates, context) {
    if (candidates.threshold === Number.NEGATIVE_INFINITY) return true;
    if (!coversMinKeep(candidates, context)) return false;
    let mass = 0;
    for (let k = 0; k < candidates.count; k++) mass += Math.exp(candidates.z[k]!);
    return mass >= context.plan.number('topP', context.row) * context.rowMass();
  },
  apply(candidates, context) {
    const topP = context.plan.number('topP', context.row);
    const { z, count } = candidates;
    // The mass of the tokens kept so far: the candidates' when they are exactly that set (the
    // driver makes every step before this one cover its set), else the whole row's.
    let total = 0;
    if (candidates.exact) for (let k = 0; k < count; k++) total += Math.exp(z[k]!);
    else total = context.rowMass();
    let cumulative = 0;
    for (let k = 0; k < count; k++) {
      cumulative += Math.exp(z[k]!) / total;
      if (cumulative >= topP) {
        candidates.count = Math.max(k + 1, Math.min(minKeepOf(context), count));
        candidates.exact = true;
        return;
      }
    }
    // Not reached inside the candidates: this step's prefix holds them all (a later step, whose
    // kept set the candidates cover, cuts the row).
  },
};
