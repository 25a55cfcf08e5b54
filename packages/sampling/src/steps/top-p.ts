import { guessByMass, keepRankedPrefix, massOf } from '../candidates.js';
import { coversMinKeep, floorWithMinKeep, minKeepOf } from './min-keep.js';
import type { TruncationStep } from './step.js';

/**
 * SPEC step 3, top-p: keeps the shortest ranked prefix whose probability, renormalised over
 * the tokens kept so far and summed in float64, is `>= topP` (at least one token; at least
 * `minKeep`, SPEC v1.1).
 */
export const topPStep: TruncationStep = {
  name: 'topP',
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
    return massOf(candidates) >= context.plan.number('topP', context.row) * context.rowMass();
  },
  apply(candidates, context) {
    const topP = context.plan.number('topP', context.row);
    // The mass of the tokens kept so far: the candidates' when they are exactly that set (the
    // driver makes every step before this one cover its set), else the whole row's.
    const total = candidates.exact ? massOf(candidates) : context.rowMass();
    // Not reached inside the candidates: this step's prefix holds them all (a later step,
    // whose kept set the candidates cover, cuts the row).
    // mass >= topP * total is the renormalised sum >= topP, with one rounding less.
    const target = topP * total;
    const least = Math.min(minKeepOf(context), candidates.count);
    if (keepRankedPrefix(candidates, context.ws, (count, mass) => mass >= target && count >= least))
      candidates.exact = true;
  },
};
