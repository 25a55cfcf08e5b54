import { guessByRank, keepRankedPrefix } from '../candidates.js';
import type { TruncationStep } from './step.js';

/** SPEC step 3, top-k: keeps the first `min(k, m)` of the `m` ranked tokens kept so far. */
export const topKStep: TruncationStep = {
  name: 'topK',
  renormalises: false,
  cost: 'free',
  active: (plan, row) => plan.number('topK', row) < Number.POSITIVE_INFINITY,
  floor: (context, attempt) =>
    guessByRank(context, context.plan.number('topK', context.row), attempt),
  covers: (candidates, context) =>
    candidates.count >= context.plan.number('topK', context.row) ||
    candidates.threshold === Number.NEGATIVE_INFINITY,
  apply(candidates, context) {
    const k = context.plan.number('topK', context.row);
    if (candidates.count < k) return;
    keepRankedPrefix(candidates, context.ws, (count) => count >= k);
    candidates.exact = true; // the gather covered the top k
  },
};
