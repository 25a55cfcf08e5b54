import { uniformPairAt } from '../philox.js';
import type { Plan } from '../plan.js';
import type { Kept } from './kept.js';
import { logWeight, type RowContext } from './step.js';

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
  const { x, weights } = context;
  const ids = kept.ids ?? Int32Array.from({ length: context.n }, (_, i) => i);
  const count = kept.ids === null ? context.n : kept.count;
  const zOf = (k: number) => (kept.z === null ? logWeight(weights, x[ids[k]!]!) : kept.z[k]!);
  // The top choices, and the last of them in the ranking (lowest x', ties: highest index).
  const top: number[] = [];
  let last = -1;
  for (let k = 0; k < count; k++) {
    const value = x[ids[k]!]!;
    if (value === Number.NEGATIVE_INFINITY) continue;
    if (Math.exp(zOf(k)) / kept.total < threshold) continue;
    top.push(k);
    if (last < 0 || value <= x[ids[last]!]!) last = k;
  }
  if (top.length < 2) return kept;
  const removed = new Set(top.filter((k) => k !== last));
  const keptIds: number[] = [];
  const keptZ: number[] = [];
  let total = 0;
  for (let k = 0; k < count; k++) {
    if (removed.has(k) || x[ids[k]!] === Number.NEGATIVE_INFINITY) continue;
    keptIds.push(ids[k]!);
    keptZ.push(zOf(k));
    total += Math.exp(zOf(k));
  }
  return {
    ids: Int32Array.from(keptIds),
    z: Float64Array.from(keptZ),
    count: keptIds.length,
    ranked: null,
    total,
  };
}
