import { compact, massOf } from '../candidates.js';
import type { TruncationStep } from './step.js';

/**
 * SPEC v1.1 step 3, typical-p (Meister et al. 2023, "Locally Typical Sampling"; Hugging Face's
 * `TypicalLogitsWarper`), after min-p: with `H = -sum q log q` over the tokens kept so far, they
 * are ordered by `|-log q_i - H|` ascending (ties by the ranking) and the shortest prefix of that
 * order with mass `>= typicalP` is kept (at least `minKeep`). The kept set need not be a prefix
 * of the ranking.
 *
 * @example
 * ```ts
 * // q = [1, 8, 1, 4, 2] / 16: H = 1.30; token 3 (q = 1/4) is the most typical
 * sampler.sampleSync([0, Math.log(8), 0, Math.log(4), Math.log(2)], { typicalP: 0.2, q: true }); // keeps [3]
 * ```
 */
export const typicalPStep: TruncationStep = {
  name: 'typicalP',
  // q is renormalised over the kept set: the steps before must hold it exactly.
  renormalises: true,
  cost: 'free',
  active: (plan, row) => plan.number('typicalP', row) < 1,
  floor: () => Number.NEGATIVE_INFINITY,
  covers: (candidates) => candidates.threshold === Number.NEGATIVE_INFINITY || candidates.exact,
  apply(candidates, context) {
    const tau = context.plan.number('typicalP', context.row);
    const { w, ids, logits, count } = candidates;
    if (count <= 1) return;
    const total = massOf(candidates);
    let entropy = 0;
    for (let k = 0; k < count; k++) {
      const q = w[k]! / total;
      if (q > 0) entropy -= q * Math.log(q);
    }
    const distance = new Float64Array(count);
    for (let k = 0; k < count; k++) distance[k] = Math.abs(-Math.log(w[k]! / total) - entropy); // q = 0: Infinity
    // By distance; equal distances by the ranking (logit descending, then lower index).
    const order = Int32Array.from({ length: count }, (_, k) => k).sort((a, b) => {
      const d = distance[a]! - distance[b]!;
      if (d !== 0) return d;
      const l = logits[b]! - logits[a]!;
      return l > 0 ? 1 : l < 0 ? -1 : ids[a]! - ids[b]!;
    });
    const least = Math.min(context.plan.number('minKeep', context.row), count);
    const keep = new Uint8Array(count);
    let cumulative = 0;
    for (let k = 0; k < count; k++) {
      keep[order[k]!] = 1;
      cumulative += w[order[k]!]! / total;
      if (k + 1 >= least && cumulative >= tau) break;
    }
    compact(candidates, (k) => keep[k] === 1);
    candidates.exact = true;
  },
};
