import { gather, guessByRank, rankedIds } from '../../candidates.js';
import { logWeight } from '../step.js';
import type { OutputStep } from './output.js';

/** Up to this many, the top is kept in a small sorted list in one pass. */
const SMALL = 64;

/**
 * The first `count` of listed tokens (in index order) by rank, one pass: a later token enters
 * only above the list's last (an equal logit ranks after: its index is higher).
 */
function smallTop(ids: Int32Array, logits: Float64Array, total: number, count: number): Int32Array {
  const topIds = new Int32Array(count);
  const topLogits = new Float64Array(count);
  let size = 0;
  // The list's last logit once it is full (NaN before: every comparison with it is false).
  let floor = Number.NaN;
  for (let k = 0; k < total; k++) {
    const v = logits[k]!;
    if (!(v > floor) && size === count) continue;
    let at = size < count ? size++ : count - 1;
    while (at > 0 && v > topLogits[at - 1]!) {
      topIds[at] = topIds[at - 1]!;
      topLogits[at] = topLogits[at - 1]!;
      at--;
    }
    topIds[at] = ids[k]!;
    topLogits[at] = v;
    if (size === count) floor = topLogits[count - 1]!;
  }
  return topIds;
}

/** SPEC step 5, `topN`: the first N kept tokens in ranking order, with their log-probabilities under q. */
export const topNOutput: OutputStep = {
  name: 'topN',
  active: (plan, row) => plan.number('topN', row) > 0,
  write(context, kept, _drawn, into) {
    const count = Math.min(context.plan.number('topN', context.row), kept.count);
    let tokens: Int32Array;
    // The kept set is a prefix of the ranking: with a head (not listed), its first `count` are
    // the row's, found as for a whole row.
    if (kept.candidates !== null && kept.head === undefined)
      tokens =
        count <= SMALL
          ? smallTop(kept.candidates.ids, kept.candidates.logits, kept.count, count)
          : rankedIds(kept.candidates, count, context.ws);
    else {
      // The whole row is kept, or a head: gather the row's top (into fresh scratch: the kept
      // candidates may be in the workspace's).
      const ws = kept.head === undefined ? context.ws : context.ws.aside();
      ws.prepare(context.n);
      for (let attempt = 0; ; attempt++) {
        const threshold = guessByRank(context, count, attempt);
        const candidates = gather(context, threshold, ws);
        if (candidates.count >= count || threshold === Number.NEGATIVE_INFINITY) {
          tokens =
            count <= SMALL
              ? smallTop(candidates.ids, candidates.logits, candidates.count, count)
              : rankedIds(candidates, count, ws);
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
