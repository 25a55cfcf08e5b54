import { compact, guessByRank, rankedIds } from '../candidates.js';
import type { Candidates, RowContext } from './step.js';

/**
 * SPEC v1.1 `minKeep`: top-nσ, top-p, min-p and typical-p each keep at least `min(k, m)` of the
 * `m` tokens they are given, the first in their own order. These helpers let a step's gather
 * reach far enough and keep them.
 */
export const minKeepOf = (context: RowContext): number =>
  context.plan.number('minKeep', context.row);

/** A step's floor lowered, if needed, to a guess that holds the first `minKeep` of the ranking. */
export function floorWithMinKeep(floor: number, context: RowContext, attempt: number): number {
  const k = minKeepOf(context);
  return k > 1 ? Math.min(floor, guessByRank(context, k, attempt)) : floor;
}

/** True when the candidates hold the first `minKeep` tokens of the ranking. */
export function coversMinKeep(candidates: Candidates, context: RowContext): boolean {
  const k = minKeepOf(context);
  return (
    k <= 1 ||
    candidates.threshold === Number.NEGATIVE_INFINITY ||
    candidates.count >= Math.min(k, context.live())
  );
}

/**
 * Keeps the candidates with `keep(k)`, in their order, or, when fewer than `min(minKeep,
 * count)` pass, the first `min(minKeep, count)` of the ranking instead (the steps that use it
 * keep an upper set of the ranking, so those contain every token that passed).
 */
export function keepAtLeast(
  candidates: Candidates,
  context: RowContext,
  keep: (k: number) => boolean,
): void {
  const least = Math.min(minKeepOf(context), candidates.count);
  let passing = 0;
  for (let k = 0; k < candidates.count; k++) if (keep(k)) passing++;
  if (passing >= least) {
    compact(candidates, keep);
    return;
  }
  const first = new Set(rankedIds(candidates, least, context.ws));
  const { ids } = candidates;
  compact(candidates, (k) => first.has(ids[k]!));
}
