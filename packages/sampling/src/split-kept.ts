/**
 * Top-p on a long row in one pass over it (issue 14's fast path; the driver, `sample-row.ts`,
 * takes it when top-p is the row's only truncation). The general path gathers every token the
 * guess may keep (a fifth of a flat row of 128k) and ranks them; here one `split` row pass takes
 * the row's exp sum and splits the row at a band `[lo, hi)` guessed from a sample to hold the
 * cut: the tokens `>= hi` (the head, all kept) are only summed, counted and summed per block;
 * only the band's few tokens are listed, weighed and ranked. The kept set is the head plus the
 * band's ranked prefix (SPEC step 3 unchanged: the shortest ranking prefix whose weight reaches
 * `topP` of the row's, at least `minKeep` tokens); the draw walks the blocks (`steps/draw.ts`).
 * A guess that misses (the head already enough, or head and band too little: rows whose weight
 * a sample reads badly, such as a few tokens far above the rest) leaves the row to the general
 * path, which reuses the pass's sums: one try, so a miss costs a gather more, never an exp pass.
 *
 * @packageDocumentation
 */
import { ROW_BLOCK, type RowSplit } from '@softmax-kit/core/internal';
import { bandByMass, keepRankedPrefix, massOf, weigh } from './candidates.js';
import type { Kept } from './steps/kept.js';
import { minKeepOf } from './steps/min-keep.js';
import type { Candidates, RowContext, TruncationStep } from './steps/step.js';
import { topPStep } from './steps/top-p.js';
import { xtcActive } from './steps/xtc.js';

/** Rows shorter than this take the general path (its gather is as cheap there). */
export const SPLIT_MIN = 16_384;

/**
 * True when the row's kept set may be taken by a split: top-p alone, a long row, `'exp'`
 * weights, and nothing asked that needs every kept token listed (q, XTC, more than two draws).
 */
function splits(context: RowContext, steps: readonly TruncationStep[]): boolean {
  const { plan, row } = context;
  return (
    steps.length === 1 &&
    steps[0] === topPStep &&
    context.n >= SPLIT_MIN &&
    !plan.flag('q') &&
    !xtcActive(plan, row) &&
    plan.number('draws', row) <= 2 &&
    context.weights().kind === 'exp'
  );
}

/** The kept set by a split (see the module's text), or null: the general path decides. */
export function keptBySplit(context: RowContext, steps: readonly TruncationStep[]): Kept | null {
  if (!splits(context, steps)) return null;
  const { plan, row, x, ws, passes } = context;
  const { max, temperature } = context.weights();
  const topP = plan.number('topP', row);
  const least = minKeepOf(context);
  const weighted = plan.flag('entropy');
  const blocks = new Float64Array(Math.ceil(context.n / ROW_BLOCK));
  const headBlocks = new Float64Array(blocks.length);
  const found: RowSplit = { total: 0, head: 0, headCount: 0, headWeighted: 0, band: 0 };
  const band = bandByMass(context, topP);
  if (band === null || !(band.lo > Number.NEGATIVE_INFINITY)) return null;
  const { lo, hi } = band;
  passes.split(x, { max, temperature, lo, hi, weighted, band: ws.ids, blocks, headBlocks }, found);
  // The row's weight and its block sums serve the general path too, if it runs. (NaN was
  // reported by the stats pass that found the max.)
  context.knowRowMass(found.total, blocks);
  const target = topP * found.total;
  const need = Math.min(least, context.live());
  const { head, headCount } = found;
  // The head alone is enough: the cut lies above hi.
  if (head >= target && headCount >= need) return null;
  const candidates = bandCandidates(context, found.band, lo, hi);
  // Head and band are too little: the cut lies below lo (unless nothing is left below it).
  const reachesEnd = headCount + candidates.count >= context.live();
  if (!reachesEnd && (head + massOf(candidates) < target || headCount + candidates.count < need))
    return null;
  keepRankedPrefix(
    candidates,
    ws,
    (count, mass) => head + mass >= target && headCount + count >= need,
  );
  return {
    candidates,
    count: headCount + candidates.count,
    total: head + massOf(candidates),
    head: {
      threshold: hi,
      count: headCount,
      mass: head,
      blocks: headBlocks,
      size: ROW_BLOCK,
      weighted: weighted ? found.headWeighted : Number.NaN,
    },
  };
}

/** The band's tokens (their indices in `ws.ids`) as candidates, logits read and weighed. */
function bandCandidates(context: RowContext, count: number, lo: number, hi: number): Candidates {
  const { x, ws } = context;
  const { ids, logits } = ws;
  for (let k = 0; k < count; k++) logits[k] = x[ids[k]!]!;
  const candidates: Candidates = {
    ids,
    logits,
    w: ws.w,
    count,
    threshold: lo,
    // Bounds for the ranking's buckets: every band logit is below hi.
    top: Math.min(hi, context.max()),
    mass: Number.NaN,
    exact: false,
  };
  weigh(candidates, context);
  return candidates;
}
