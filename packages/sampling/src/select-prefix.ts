import type { Floats, RowScanResult } from './process-logits.js';

/**
 * A prefix of a row's ranking (tokens by `x'` descending, ties by lower index, `-Infinity`
 * never ranked), found without sorting the row. The kept set is exactly
 * `{ i : x'_i > threshold } ∪ { i : x'_i = threshold and i <= lastTie }`.
 */
export interface Prefix {
  /** Number of tokens in the prefix. */
  length: number;
  /** Sum of `p` over the prefix (float64), NaN where not computed. */
  mass: number;
  /** `x'` of the last token of the prefix (`-Infinity`: every available token). */
  threshold: number;
  /** Highest index among the tokens equal to `threshold` that are in the prefix. */
  lastTie: number;
  /**
   * When the prefix is small: its tokens are `members[0..memberCount)` of the scratch, in
   * index order, and `ranked[0..memberCount)` in ranking order; else -1.
   */
  memberCount: number;
}

/** Scratch arrays for the selection, reused between calls. */
export interface SelectScratch {
  /** Candidate token indices (length >= n). */
  readonly candidates: Int32Array;
  /** Tokens of a small prefix in index order and in ranking order (length >= n). */
  readonly members: Int32Array;
  readonly ranked: Int32Array;
  readonly binCounts: Int32Array;
  readonly binMass: Float64Array;
}

/** Number of histogram bins per level. */
export const BINS = 2048;
/** Below this many candidates, sort them instead of refining the histogram. */
const SORT_BELOW = 96;
/** A prefix of at most this many tokens is listed (members), so draws skip the full row. */
export const SMALL_PREFIX = 512;

/** True when token `index` with value `value` is in `prefix`. */
export const inPrefix = (prefix: Prefix, value: number, index: number): boolean =>
  value > prefix.threshold || (value === prefix.threshold && index <= prefix.lastTie);

/** The whole ranking (every token that is not `-Infinity`). */
export function wholeRow(scan: RowScanResult, n: number, into: Prefix): Prefix {
  into.length = scan.available;
  into.mass = Number.NaN;
  into.threshold = Number.NEGATIVE_INFINITY;
  into.lastTie = n;
  into.memberCount = -1;
  return into;
}

/** The binning of one row: bin = a monotone non-increasing function of `x'`. */
export interface Binning {
  top: number;
  scale: number;
  /** Sum of `p` over every bin. */
  total: number;
}

/** Level-0 bins cover `x'` from the max down to `SPAN * T` below it (p down to e^-64 of the max). */
const SPAN = 64;

/**
 * Level-0 histogram of a row (one pass): bin 0 holds the `+Infinity` tokens, bins 1.. the
 * finite ones by `(max - x') / T`, 1/32 wide, the last bin everything below; counts and mass
 * (sum of `p`) per bin. Bins are contiguous blocks of the ranking. Sets `scan.available`.
 */
export function histogram(
  x: Floats,
  p: Floats,
  offset: number,
  n: number,
  scan: RowScanResult,
  temperature: number,
  scratch: SelectScratch,
  into: Binning,
): Binning {
  const { binCounts, binMass } = scratch;
  const top = scan.maxFinite;
  const raw = (BINS - 2) / (SPAN * temperature);
  const scale = raw > 0 && raw < Number.POSITIVE_INFINITY ? raw : 0;
  binCounts.fill(0);
  binMass.fill(0);
  if (scan.positiveInfinities === 0) {
    const last = BINS - 2;
    for (let token = 0; token < n; token++) {
      const value = x[offset + token]!;
      if (value === Number.NEGATIVE_INFINITY) continue;
      // (top - value) * scale >= 0; an overflow to Infinity is clamped; | 0 is then floor.
      const bin = 1 + (Math.min((top - value) * scale, last) | 0);
      binCounts[bin]!++;
      binMass[bin]! += p[offset + token]!;
    }
  } else {
    for (let token = 0; token < n; token++) {
      const value = x[offset + token]!;
      if (value === Number.NEGATIVE_INFINITY) continue;
      const bin = value === Number.POSITIVE_INFINITY ? 0 : binOf(top, scale, value);
      binCounts[bin]!++;
      binMass[bin]! += p[offset + token]!;
    }
  }
  let total = 0;
  let available = 0;
  for (let bin = 0; bin < BINS; bin++) {
    total += binMass[bin]!;
    available += binCounts[bin]!;
  }
  scan.available = available;
  into.top = top;
  into.scale = scale;
  into.total = total;
  return into;
}

/**
 * Bin of a finite value: 1 + floor of its scaled distance below `top`, clamped to the last
 * bin (an overflow to Infinity, or Infinity * 0 = NaN, lands in the last or first bin
 * consistently). Monotone non-increasing in value.
 */
function binOf(top: number, scale: number, value: number): number {
  return 1 + (Math.min((top - value) * scale, BINS - 2) | 0);
}

function binIn(binning: Binning, value: number): number {
  return value === Number.POSITIVE_INFINITY ? 0 : binOf(binning.top, binning.scale, value);
}

/**
 * Writes into `into`, in index order, the tokens in bin `chosen` (or, with `upTo`, in bins
 * `<= chosen`); returns how many. A value test with a margin skips most tokens before the
 * exact bin is computed.
 */
function collect(
  x: Floats,
  offset: number,
  n: number,
  binning: Binning,
  chosen: number,
  upTo: boolean,
  into: Int32Array,
): number {
  let size = 0;
  if (chosen === 0) {
    for (let token = 0; token < n; token++)
      if (x[offset + token] === Number.POSITIVE_INFINITY) into[size++] = token;
    return size;
  }
  const { top, scale } = binning;
  // Bin b >= 1 holds distances (top - v) * scale in [b - 1, b): v in (top - b/scale,
  // top - (b-1)/scale]. Widened by a relative margin far above rounding.
  const reach = scale > 0 ? BINS / scale : 0;
  const margin = 1e-9 * (Math.abs(top) + reach) + 1e-300;
  const lowest =
    scale > 0 && chosen < BINS - 1 ? top - chosen / scale - margin : Number.NEGATIVE_INFINITY;
  const highest =
    upTo || scale === 0 ? Number.POSITIVE_INFINITY : top - (chosen - 1) / scale + margin;
  // Branch-free first cut (write always, advance when inside the widened range), then the
  // exact bin test on the few kept.
  for (let token = 0; token < n; token++) {
    const value = x[offset + token]!;
    into[size] = token;
    size += (value >= lowest && value <= highest) as unknown as number;
  }
  let kept = 0;
  for (let k = 0; k < size; k++) {
    const token = into[k]!;
    const value = x[offset + token]!;
    if (value === Number.NEGATIVE_INFINITY) continue;
    const bin = value === Number.POSITIVE_INFINITY ? 0 : binOf(top, scale, value);
    if (upTo ? bin <= chosen : bin === chosen) into[kept++] = token;
  }
  return kept;
}

/**
 * The shortest prefix of the ranking whose length reaches `cap` or whose mass (sum of `p`)
 * reaches `target` (`Infinity`: length only); at least one token. Needs {@link histogram} of
 * the row in the scratch (and leaves it changed).
 *
 * Threshold search instead of a sort: the histogram gives the bin where the prefix ends; a
 * small prefix is listed whole and sorted; otherwise only the boundary bin's tokens are
 * collected (in index order), refined by further histograms while they are many and differ,
 * then sorted by (`x'` descending, index ascending). Masses are float64 sums; their order
 * (bin by bin) differs from a ranking-order sum by rounding only (relative `n * 2^-53`).
 */
export function boundary(
  x: Floats,
  p: Floats,
  offset: number,
  n: number,
  binning: Binning,
  cap: number,
  target: number,
  scratch: SelectScratch,
  into: Prefix,
): Prefix {
  const { candidates, members, ranked, binCounts, binMass } = scratch;
  let countBefore = 0;
  let massBefore = 0;
  let chosen = BINS - 1;
  let countAt = 0;
  let massAt = 0;
  for (let bin = 0; bin < BINS; bin++) {
    const count = binCounts[bin]!;
    if (count === 0) continue;
    chosen = bin;
    countAt = countBefore;
    massAt = massBefore;
    if (countBefore + count >= cap || massBefore + binMass[bin]! >= target) break;
    countBefore += count;
    massBefore += binMass[bin]!;
  }
  const listed = countAt + binCounts[chosen]!;
  if (listed <= SMALL_PREFIX) {
    // Small: list every token up to the boundary bin, sort them all, walk from the top.
    const size = collect(x, offset, n, binning, chosen, true, members);
    ranked.set(members.subarray(0, size));
    const order = ranked.subarray(0, size);
    order.sort((a, b) => x[offset + b]! - x[offset + a]! || a - b);
    walk(x, p, offset, order, 0, 0, cap, target, into);
    let kept = 0;
    for (let k = 0; k < size; k++) {
      const token = members[k]!;
      if (inPrefix(into, x[offset + token]!, token)) members[kept++] = token;
    }
    into.memberCount = kept;
    return into;
  }
  let size = collect(x, offset, n, binning, chosen, false, candidates);
  countBefore = countAt;
  massBefore = massAt;
  // Refine while the boundary bin is large and its values differ.
  while (size > SORT_BELOW) {
    let high = Number.NEGATIVE_INFINITY;
    let low = Number.POSITIVE_INFINITY;
    for (let k = 0; k < size; k++) {
      const value = x[offset + candidates[k]!]!;
      if (value > high) high = value;
      if (value < low) low = value;
    }
    if (!(high > low)) break; // all equal: in index order already, which is their rank
    const sub: Binning = { top: high, scale: (BINS - 2) / (high - low), total: 0 };
    if (!(sub.scale > 0 && sub.scale < Number.POSITIVE_INFINITY)) break; // apart by subnormals, or a range that overflows: sort
    binCounts.fill(0);
    binMass.fill(0);
    for (let k = 0; k < size; k++) {
      const token = candidates[k]!;
      const bin = binIn(sub, x[offset + token]!);
      binCounts[bin]!++;
      binMass[bin]! += p[offset + token]!;
    }
    let subBin = BINS - 1;
    let subCount = countBefore;
    let subMass = massBefore;
    for (let bin = 1; bin < BINS; bin++) {
      const count = binCounts[bin]!;
      if (count === 0) continue;
      subBin = bin;
      subCount = countBefore;
      subMass = massBefore;
      if (countBefore + count >= cap || massBefore + binMass[bin]! >= target) break;
      countBefore += count;
      massBefore += binMass[bin]!;
    }
    countBefore = subCount;
    massBefore = subMass;
    let kept = 0;
    for (let k = 0; k < size; k++) {
      const token = candidates[k]!;
      if (binIn(sub, x[offset + token]!) === subBin) candidates[kept++] = token;
    }
    if (kept === size) break; // cannot split further (rounding): sort what is left
    size = kept;
  }
  const block = candidates.subarray(0, size);
  // Ties (equal x', +Infinity included: their difference is NaN) by lower index.
  block.sort((a, b) => x[offset + b]! - x[offset + a]! || a - b);
  walk(x, p, offset, block, countBefore, massBefore, cap, target, into);
  into.memberCount = -1;
  return into;
}

/**
 * Walks ranked tokens from a running (count, mass) until the count reaches `cap` or the mass
 * `target`; the last token walked ends the prefix (the last one when rounding kept the target
 * out of reach).
 */
export function walk(
  x: Floats,
  p: Floats,
  offset: number,
  order: Int32Array,
  countBefore: number,
  massBefore: number,
  cap: number,
  target: number,
  into: Prefix,
): Prefix {
  let count = countBefore;
  let mass = massBefore;
  let last = order[order.length - 1]!;
  for (let k = 0; k < order.length; k++) {
    const token = order[k]!;
    count++;
    mass += p[offset + token]!;
    if (count >= cap || mass >= target) {
      last = token;
      break;
    }
  }
  into.length = count;
  into.mass = mass;
  into.threshold = x[offset + last]!;
  into.lastTie = last;
  return into;
}
