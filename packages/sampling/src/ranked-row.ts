/**
 * SPEC steps 3 to 5 for a row on the ranked path ({@link truncateRanked}): the kept set, the
 * draws (each with its own XTC coin), and the row's outputs.
 *
 * @packageDocumentation
 */
import { uniformPairAt } from './philox.js';
import type { Floats } from './process-logits.js';
import {
  type RankedSet,
  type RankedTruncation,
  truncateRanked,
  withXtc,
} from './ranked-truncation.js';
import type { SampledRow } from './types.js';

/** Where a row's draws come from and what it returns besides the tokens. */
export interface RankedDraws {
  readonly seed: number;
  /** The row of the key (0 for a per-row seed). */
  readonly streamRow: number;
  readonly step: number;
  readonly draws: number;
  readonly topN: number;
  readonly entropy: boolean;
  readonly q: boolean;
}

/** A kept set with its tokens in index order and their running sums of p (SPEC step 4). */
interface DrawTable {
  readonly set: RankedSet;
  readonly members: Int32Array;
  readonly cumulative: Float64Array;
  readonly total: number;
}

function drawTable(set: RankedSet, p: Floats, offset: number): DrawTable {
  const members = set.ranked.slice().sort();
  const cumulative = new Float64Array(set.count);
  let sum = 0;
  for (let k = 0; k < set.count; k++) {
    sum += p[offset + members[k]!]!;
    cumulative[k] = sum;
  }
  return { set, members, cumulative, total: sum };
}

/** SPEC step 4: the first kept index with C_i > u * S, else the last kept index. */
function drawFrom(table: DrawTable, u: number): number {
  const target = u * table.total;
  const { cumulative, members } = table;
  let low = 0;
  let high = members.length - 1;
  if (!(cumulative[high]! > target)) return members[high]!;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (cumulative[middle]! > target) high = middle;
    else low = middle + 1;
  }
  return members[low]!;
}

/**
 * Steps 3 to 5 of one row on the ranked path. Each draw's XTC coin is the second output of its
 * own generator call, so draws of one row may come from two kept sets (with and without XTC);
 * `kept`, `q`, `top` and `entropy` describe the set of the first draw's coin (the coin of
 * `step` when no draw is asked).
 */
export function rankedRow(
  x: Floats,
  p: Floats,
  offset: number,
  n: number,
  truncation: RankedTruncation,
  draws: RankedDraws,
): SampledRow {
  const base = truncateRanked(x, p, offset, n, truncation);
  const excluded = withXtc(base, truncation);
  const plain = drawTable(base, p, offset);
  const xtc = excluded === base ? plain : drawTable(excluded, p, offset);
  const pair = new Float64Array(2);
  const tokens = new Int32Array(draws.draws);
  const logprobs = new Float64Array(draws.draws);
  const chosen = (coin: number) => (coin < truncation.xtcProbability ? xtc : plain);
  let first = chosen(uniformPairAt(draws.seed, draws.streamRow, draws.step, pair)[1]!);
  for (let draw = 0; draw < draws.draws; draw++) {
    uniformPairAt(draws.seed, draws.streamRow, draws.step + draw, pair);
    const table = chosen(pair[1]!);
    if (draw === 0) first = table;
    const token = drawFrom(table, pair[0]!);
    tokens[draw] = token;
    logprobs[draw] = Math.log(p[offset + token]!) - Math.log(table.total);
  }
  const { set, total } = first;
  const logTotal = Math.log(total);
  let entropy: number | undefined;
  if (draws.entropy) {
    let weighted = 0;
    for (let k = 0; k < set.count; k++) {
      const value = set.mass[k]!;
      if (value > 0) weighted += value * Math.log(value);
    }
    entropy = Math.max(0, logTotal - weighted / total);
  }
  let q: Float64Array | undefined;
  if (draws.q) {
    q = new Float64Array(n);
    for (let k = 0; k < set.count; k++) q[set.ranked[k]!] = set.mass[k]! / total;
  }
  const count = Math.min(draws.topN, set.count);
  return {
    tokens,
    logprobs,
    kept: set.count,
    ...(count > 0
      ? {
          top: {
            tokens: set.ranked.slice(0, count),
            logprobs: Float64Array.from(set.mass.subarray(0, count), (v) => Math.log(v) - logTotal),
          },
        }
      : {}),
    ...(entropy !== undefined ? { entropy } : {}),
    ...(q ? { q } : {}),
  };
}
