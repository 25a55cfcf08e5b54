import { gather, guessByRank, rankedIds } from '../../candidates.js';
import { logWeight } from '../step.js';
import type { OutputStep } from './output.js';

/** SPEC step 5, `topN`: the first N kept tokens in ranking order, with their log-probabilities under q. */
export const topNOutput: OutputStep = {
  name: 'topN',
  active: (plan, row) => plan.number('topN', row) > 0,
  write(context, kept, _drawn, into) {
    const count = Math.min(context.plan.number('topN', context.row), kept.count);
    let tokens: Int32Array;
    if (kept.candidates !== null) tokens = rankedIds(kept.candidates, count, context.ws);
    else {
      // The whole row is kept: gather its top (the candidates' scratch is free: nothing was
      // truncated).
      for (let attempt = 0; ; attempt++) {
        const threshold = guessByRank(context, count, attempt);
        const candidates = gather(context, threshold, context.ws);
        if (candidates.count >= count || threshold === Number.NEGATIVE_INFINITY) {
          tokens = rankedIds(candidates, count, context.ws);
          break;
        }
      }
    }
    const weights = context.weights();
    const logTotal = Math.log(kept.total);
    const logprobs = Float64Array.from(
      tokens,
      (token) => logWeight(weights, context.x[token]!) - logTotal,
    );
    into.top = { tokens, logprobs };
  },
  writeGreedy(_context, token, _drawn, into) {
    into.top = { tokens: Int32Array.of(token), logprobs: Float64Array.of(0) };
  },
};
