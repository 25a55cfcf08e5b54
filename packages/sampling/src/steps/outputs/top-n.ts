import { rankedTop } from '../../candidates.js';
import { logWeight } from '../step.js';
import type { OutputStep } from './output.js';

/** SPEC step 5, `topN`: the first N kept tokens in ranking order, with their log-probabilities under q. */
export const topNOutput: OutputStep = {
  name: 'topN',
  active: (plan, row) => plan.number('topN', row) > 0,
  write(context, kept, _drawn, into) {
    const count = Math.min(context.plan.number('topN', context.row), kept.count);
    let tokens: Int32Array;
    if (kept.ranked !== null) tokens = kept.ranked.ids.slice(0, count);
    else if (kept.ids !== null) {
      const x = context.x;
      tokens = kept.ids.slice(0, kept.count).sort((a, b) => {
        const d = x[b]! - x[a]!;
        return d > 0 ? 1 : d < 0 ? -1 : a - b;
      });
      tokens = tokens.slice(0, count);
    } else tokens = rankedTop(context, count);
    const logTotal = Math.log(kept.total);
    const logprobs = Float64Array.from(
      tokens,
      (token) => logWeight(context.weights, context.x[token]!) - logTotal,
    );
    into.top = { tokens, logprobs };
  },
  writeGreedy(_context, token, _drawn, into) {
    into.top = { tokens: Int32Array.of(token), logprobs: Float64Array.of(0) };
  },
};
