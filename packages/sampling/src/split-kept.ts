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
import {
  ROW_BLOCK,
  type RowAheadRequest,
  type RowPasses,
  type RowSplit,
  type RowsAhead,
} from '@softmax-kit/core/internal';
import {
  bandByMass,
  keepRankedPrefix,
  massOf,
  type RowSample,
  sampleOf,
  weigh,
} from './candidates.js';
import type { Plan } from './plan.js';
import { PROCESSING, TRUNCATION } from './steps/index.js';
import type { Kept } from './steps/kept.js';
import { minKeepOf } from './steps/min-keep.js';
import type { Candidates, RowContext, TruncationStep } from './steps/step.js';
import { topPStep } from './steps/top-p.js';
import { xtcActive } from './steps/xtc.js';

/** Rows shorter than this take the general path (its gather is as cheap there). */
export const SPLIT_MIN = 16_384;

/**
 * True when the plan lets row `row`'s kept set be taken by a split: top-p alone, a long row, and
 * nothing asked that needs every kept token listed (q, XTC, more than two draws).
 */
function splitPlanned(plan: Plan, row: number, steps: readonly TruncationStep[]): boolean {
  return (
    steps.length === 1 &&
    steps[0] === topPStep &&
    plan.n >= SPLIT_MIN &&
    !plan.flag('q') &&
    !xtcActive(plan, row) &&
    plan.number('draws', row) <= 2
  );
}

/** True when the row's kept set may be taken by a split: as planned, with `'exp'` weights. */
const splits = (context: RowContext, steps: readonly TruncationStep[]): boolean =>
  splitPlanned(context.plan, context.row, steps) && context.weights().kind === 'exp';

/** The band a split of the row takes: guessed from the row's sample. */
const bandOf = (plan: Plan, row: number, sample: Float64Array) =>
  bandByMass(sample, plan.number('temperature', row), plan.number('topP', row));

/** What {@link startAhead} found of a row before it is sampled: its sample and band. */
export interface RowGuess {
  readonly sample: RowSample;
  readonly band: { readonly lo: number; readonly hi: number } | null;
}

/**
 * For a batch: each long top-p row's sample and band, guessed once for the row to reuse, and
 * the batch's row passes started ahead on the backend's threads where it has them
 * (`RowPasses.ahead`: each row's stats, and the split {@link keptBySplit} will ask of each row
 * that takes one, with that band: the very same request). Null for one row or processed rows
 * (the passes see a copy of them); `ahead` null where the backend runs nothing ahead or no row
 * needs its stats pass (greedy or a split).
 */
export function startAhead(
  plan: Plan,
  passes: Required<RowPasses>,
): { ahead: RowsAhead | null; guesses: readonly (RowGuess | null)[] } | null {
  const { rows, n, logits } = plan;
  if (rows < 2) return null;
  const requests: (RowAheadRequest | null)[] = [];
  const guesses: (RowGuess | null)[] = [];
  let needed = false;
  for (let row = 0; row < rows; row++) {
    if (PROCESSING.some((step) => step.active(plan, row))) return null;
    const temperature = plan.number('temperature', row);
    const steps = TRUNCATION.filter((step) => step.active(plan, row));
    let request: RowAheadRequest | null = null;
    let guess: RowGuess | null = null;
    if (
      temperature > 0 &&
      temperature < Number.POSITIVE_INFINITY &&
      splitPlanned(plan, row, steps)
    ) {
      const sample = sampleOf(logits.subarray(row * n, row * n + n));
      const band = bandOf(plan, row, sample.values);
      guess = { sample, band };
      if (band !== null && band.lo > Number.NEGATIVE_INFINITY)
        request = { temperature, lo: band.lo, hi: band.hi, weighted: plan.flag('entropy') };
    }
    needed ||= request !== null || temperature === 0;
    requests.push(request);
    guesses.push(guess);
  }
  const ahead = needed ? passes.ahead(logits.subarray(0, rows * n), n, requests) : null;
  return { ahead, guesses };
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
  const found: RowSplit = {
    total: 0,
    head: 0,
    headCount: 0,
    headWeighted: 0,
    band: 0,
    valued: false,
  };
  const band =
    context.bandGuess !== undefined
      ? context.bandGuess
      : bandOf(plan, row, context.sample().values);
  if (band === null || !(band.lo > Number.NEGATIVE_INFINITY)) return null;
  const { lo, hi } = band;
  passes.split(
    x,
    { max, temperature, lo, hi, weighted, band: ws.ids, blocks, headBlocks, values: ws.logits },
    found,
  );
  // The row's weight and its block sums serve the general path too, if it runs. (NaN was
  // reported by the stats pass that found the max.)
  context.knowRowMass(found.total, blocks);
  const target = topP * found.total;
  const need = Math.min(least, context.live());
  const { head, headCount } = found;
  // The head alone is enough: the cut lies above hi.
  if (head >= target && headCount >= need) return null;
  const candidates = bandCandidates(context, found.band, found.valued === true, lo, hi);
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

/**
 * The band's tokens (their indices in `ws.ids`, their logits in `ws.logits` when the split
 * wrote them, else read here) as candidates, weighed.
 */
function bandCandidates(
  context: RowContext,
  count: number,
  valued: boolean,
  lo: number,
  hi: number,
): Candidates {
  const { x, ws } = context;
  const { ids, logits } = ws;
  if (!valued) for (let k = 0; k < count; k++) logits[k] = x[ids[k]!]!;
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
