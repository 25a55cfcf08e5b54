import type { TruncationStep } from './step.js';

/**
 * SPEC v1.1 step 3, typical-p (Meister et al. 2023, "Locally Typical Sampling"; Hugging Face's
 * `TypicalLogitsWarper`), after min-p: with `H = -sum q log q` over the tokens kept so far, they
 * are ordered by `|-log q_i - H|` ascending (ties by the ranking) and the shortest prefix of that
 * order with mass `>= typicalP` is kept (at least `minKeep`). The kept set need not be a prefix
 * of the ranking; the candidates stay in ranking order.
 *
 * @example
 * ```ts
 * // q = [1, 8, 1, 4, 2] / 16: H = 1.30; token 3 (q = 1/4) is the most typical
 * sampler.sampleSync([0, Math.log(8), 0, Math.log(4), Math.log(2)], { typicalP: 0.2, q: true }); // keeps [3]
 * ```
 */
export const typicalPStep: TruncationStep = {
  name: 'typicalP',
  ranks: true,
  // q is renormalised over the kept set: the steps before must hold it exactly.
  renormalises: true,
  cost: 'free',
  active: (plan, row) => plan.number('typicalP', row) < 1,
  floor: () => Number.NEGATIVE_INFINITY,
  covers: (candidates) => candidates.threshold === Number.NEGATIVE_INFINITY || candidates.exact,
  apply(candidates, context) {
    const tau = context.plan.number('typicalP', context.row);
    const { z, count } = candidates;
    if (count <= 1) return;
    let total = 0;
    for (let k = 0; k < count; k++) total += Math.exp(z[k]!);
    let entropy = 0;
    for (let k = 0; k < count; k++) {
      const q = Math.exp(z[k]!) / total;
      if (q > 0) entropy -= q * Math.log(q);
    }
    const distance = new Float64Array(count);
    for (let k = 0; k < count; k++) distance[k] = Math.abs(Math.log(total) - z[k]! - entropy); // |-log q - H|; q = 0: Infinity
    // Positions in the ranking, by distance; equal distances keep their ranking order.
    const order = Int32Array.from({ length: count }, (_, k) => k).sort(
      (a, b) => distance[a]! - distance[b]! || a - b,
    );
    const least = Math.min(context.plan.number('minKeep', context.row), count);
    const keep = new Uint8Array(count);
    let cumulative = 0;
    for (let k = 0; k < count; k++) {
      keep[order[k]!] = 1;
      cumulative += Math.exp(z[order[k]!]!) / total;
      if (k + 1 >= least && cumulative >= tau) break;
    }
    const { ids, logits } = candidates;
    let kept = 0;
    for (let k = 0; k < count; k++) {
      if (keep[k] !== 1) continue;
      ids[kept] = ids[k]!;
      logits[kept] = logits[k]!;
      z[kept] = z[k]!;
      kept++;
    }
    candidates.count = kept;
    candidates.exact = true;
  },
};
