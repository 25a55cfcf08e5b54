import { uniformAt } from '../philox.js';
import type { Kept, KeptHead } from './kept.js';
import { logWeight, type RowContext } from './step.js';

/** First index below `count` with `cumulative[i] > target` (binary search), else -1. */
function firstAbove(cumulative: Float64Array, count: number, target: number): number {
  if (!(count > 0 && cumulative[count - 1]! > target)) return -1;
  let low = 0;
  let high = count - 1;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (cumulative[middle]! > target) high = middle;
    else low = middle + 1;
  }
  return low;
}

/** The row's drawn tokens and their log-probabilities under q. */
export interface Drawn {
  readonly tokens: Int32Array;
  readonly logprobs: Float64Array;
}

/**
 * First token of the whole row with `C_i > target`, scanning only the block where the running
 * sum crosses it (the exp-sum pass left each block's sum), else -1.
 */
function scanRow(context: RowContext, target: number): number {
  const { x } = context;
  const weights = context.weights();
  const blocks = context.rowBlocks();
  const n = x.length;
  if (weights.kind !== 'exp' || blocks === null) {
    let sum = 0;
    for (let i = 0; i < n; i++) {
      sum += Math.exp(logWeight(weights, x[i]!));
      if (sum > target) return i;
    }
    return -1;
  }
  const { max, temperature } = weights;
  const size = blocks.size;
  let before = 0;
  for (let b = 0; b < blocks.sums.length; b++) {
    const blockSum = blocks.sums[b]!;
    if (before + blockSum > target) {
      // The crossing is in this block (by the pass's sums); walk it term by term.
      let sum = before;
      const end = Math.min(n, (b + 1) * size);
      for (let i = b * size; i < end; i++) {
        sum += Math.exp((x[i]! - max) / temperature);
        if (sum > target) return i;
      }
    }
    before += blockSum;
  }
  return -1;
}

/**
 * First kept token with `C_i > target` of a kept set with a head (`../split-kept.ts`): block by
 * block (the head's part of each block's weight plus the band's kept weights in it), then term
 * by term in the block where the running sum crosses it; -1 when rounding leaves none.
 */
function scanSplit(context: RowContext, kept: Kept, head: KeptHead, target: number): number {
  const { x, n } = context;
  const { max, temperature } = context.weights();
  const { ids, w } = kept.candidates!;
  const count = kept.candidates!.count;
  const { size, threshold } = head;
  let before = 0;
  let k = 0;
  for (let b = 0; b < head.blocks.length; b++) {
    const end = Math.min(n, (b + 1) * size);
    let next = k;
    let band = 0;
    while (next < count && ids[next]! < end) band += w[next++]!;
    const blockSum = head.blocks[b]! + band;
    if (before + blockSum > target) {
      let sum = before;
      for (let i = b * size; i < end; i++) {
        const v = x[i]!;
        if (v >= threshold) sum += Math.exp((v - max) / temperature);
        else if (k < count && ids[k] === i) sum += w[k++]!;
        else continue;
        if (sum > target) return i;
      }
    }
    before += blockSum;
    k = next;
  }
  return -1;
}

/** The last kept index of a kept set with a head: its last candidate's or its last head token. */
function lastOfSplit(context: RowContext, kept: Kept, head: KeptHead): number {
  const { x } = context;
  const candidates = kept.candidates!;
  const lastCandidate = candidates.count > 0 ? candidates.ids[candidates.count - 1]! : -1;
  for (let i = x.length - 1; i > lastCandidate; i--) if (x[i]! >= head.threshold) return i;
  return lastCandidate;
}

/** One kept set prepared for drawing: its last token, and C once many draws need it. */
interface DrawTable {
  readonly kept: Kept;
  readonly last: number;
  readonly span: number;
  readonly logTotal: number;
  readonly cumulative: Float64Array | null;
}

function drawTable(context: RowContext, kept: Kept, many: boolean): DrawTable {
  const { x } = context;
  const weights = context.weights();
  const { candidates, head } = kept;
  let last = -1;
  if (head !== undefined)
    // The blocks are the draw's table: a scan per draw (the split is taken for few draws).
    return {
      kept,
      last: lastOfSplit(context, kept, head),
      span: 0,
      logTotal: Math.log(kept.total),
      cumulative: null,
    };
  if (candidates !== null) last = candidates.ids[kept.count - 1]!;
  else
    for (let i = x.length - 1; i >= 0 && last < 0; i--)
      if (x[i]! > Number.NEGATIVE_INFINITY) last = i;
  const span = candidates === null ? x.length : kept.count;
  let cumulative: Float64Array | null = null;
  if (many) {
    cumulative = new Float64Array(span);
    let sum = 0;
    for (let k = 0; k < span; k++) {
      sum += candidates === null ? Math.exp(logWeight(weights, x[k]!)) : candidates.w[k]!;
      cumulative[k] = sum;
    }
  }
  return { kept, last, span, logTotal: Math.log(kept.total), cumulative };
}

/**
 * SPEC step 4: each draw's `u` from Philox4x32-10 keyed by `(seed, row, step)` (a per-row seed:
 * `(seed[row], 0, step)`); the token is the first kept index `i`, in index order, with
 * `C_i > u * S`, else (rounding) the last kept index. Its log-probability is `z_i - log S`.
 * `choose` gives a draw its own kept set (XTC's coin is each draw's own); default `kept`.
 */
export function drawTokens(
  context: RowContext,
  kept: Kept,
  choose?: (draw: number) => Kept,
): Drawn {
  const { plan, row, x } = context;
  const weights = context.weights();
  const draws = plan.number('draws', row);
  const first = plan.number('step', row);
  const seed = plan.seeds === null ? plan.seed : plan.seeds[row]!;
  const streamRow = plan.seeds === null ? row : 0;
  const tokens = new Int32Array(draws);
  const logprobs = new Float64Array(draws);
  // Many draws search a stored C; a few scan and stop at the token.
  const tables = new Map<Kept, DrawTable>();
  const tableOf = (set: Kept) => {
    let table = tables.get(set);
    if (table === undefined) {
      table = drawTable(context, set, draws > 2);
      tables.set(set, table);
    }
    return table;
  };
  for (let draw = 0; draw < draws; draw++) {
    const table = tableOf(choose === undefined ? kept : choose(draw));
    const { candidates, total } = table.kept;
    const { span, cumulative } = table;
    const target = uniformAt(seed, streamRow, first + draw) * total;
    let at = -1;
    const head = table.kept.head;
    if (head !== undefined) at = scanSplit(context, table.kept, head, target);
    else if (cumulative !== null) at = firstAbove(cumulative, span, target);
    else if (candidates === null) at = scanRow(context, target);
    else {
      let sum = 0;
      for (let k = 0; k < span; k++) {
        sum += candidates.w[k]!;
        if (sum > target) {
          at = k;
          break;
        }
      }
    }
    const token =
      at < 0 ? table.last : candidates === null || head !== undefined ? at : candidates.ids[at]!;
    tokens[draw] = token;
    logprobs[draw] = logWeight(weights, x[token]!) - table.logTotal;
  }
  return { tokens, logprobs };
}
