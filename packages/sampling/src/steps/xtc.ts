import { massOf } from '../candidates.js';
import { uniformPairAt } from '../philox.js';
import type { Plan } from '../plan.js';
import type { Kept } from './kept.js';
import { type Candidates, logWeight, type RowContext } from './step.js';

/**
 * SPEC v1.1 step 3, XTC ("exclude top choices": text-generation-webui, koboldcpp, llama.cpp),
 * last of the truncations: when the draw's second output `v` (Philox words 3 and 2 of the same
 * call whose words 1 and 0 give `u`) is below `xtcProbability` and at least two kept tokens have
 * `q >= xtcThreshold`, all of those but the last of them in the ranking are removed. Each draw
 * has its own coin, so the driver keeps the set with and without XTC and picks per draw.
 */
export const xtcActive = (plan: Plan, row: number): boolean =>
  plan.number('xtcProbability', row) > 0;

const pair = new Float64Array(2);

/** True when draw `draw` of the row removes the top choices (its coin `v < xtcProbability`). */
export function xtcFires(plan: Plan, row: number, draw: number): boolean {
  const seed = plan.seeds === null ? plan.seed : plan.seeds[row]!;
  const streamRow = plan.seeds === null ? row : 0;
  uniformPairAt(seed, streamRow, plan.number('step', row) + draw, pair);
  return pair[1]! < plan.number('xtcProbability', row);
}

/**
 * The kept set less its top choices but the last (a new {@link Kept}), or `kept` itself when
 * fewer than two tokens reach the threshold.
 *
 * @example
 * ```ts
 * // q = [1, 8, 1, 4, 2] / 16, threshold 0.2: tokens 1 and 3 are top choices; 1 is removed
 * sampler.sampleSync([0, Math.log(8), 0, Math.log(4), Math.log(2)], { xtcThreshold: 0.2, xtcProbability: 1, q: true });
 * ```
 */
export function excludeTopChoices(context: RowContext, kept: Kept): Kept {
  const threshold = context.plan.number('xtcThreshold', context.row);
  const { x } = context;
  let ids: Int32Array;
  let w: Float64Array;
  let count: number;
  if (kept.candidates !== null) {
    count = kept.count;
    ids = kept.candidates.ids.slice(0, count);
    w = kept.candidates.w.slice(0, count);
  } else {
    const weights = context.weights();
    const live: number[] = [];
    for (let i = 0; i < x.length; i++) if (x[i] !== Number.NEGATIVE_INFINITY) live.push(i);
    ids = Int32Array.from(live);
    w = Float64Array.from(live, (i) => Math.exp(logWeight(weights, x[i]!)));
    count = ids.length;
  }
  // The top choices, and the last of them in the ranking (lowest x', ties: highest index).
  let above = 0;
  let last = -1;
  for (let k = 0; k < count; k++) {
    if (w[k]! / kept.total < threshold) continue;
    above++;
    if (last < 0 || x[ids[k]!]! <= x[ids[last]!]!) last = k;
  }
  if (above < 2) return kept;
  let remaining = 0;
  for (let k = 0; k < count; k++) {
    if (k !== last && w[k]! / kept.total >= threshold) continue;
    ids[remaining] = ids[k]!;
    w[remaining] = w[k]!;
    remaining++;
  }
  const logits = Float64Array.from(ids.subarray(0, remaining), (id) => x[id]!);
  const candidates: Candidates = {
    ids,
    logits,
    w,
    count: remaining,
    threshold: Number.NaN,
    top: Number.NaN,
    mass: Number.NaN,
    exact: true,
  };
  return { candidates, count: remaining, total: massOf(candidates) };
}
