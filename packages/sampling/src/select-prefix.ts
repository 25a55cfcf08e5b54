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
  /** When listed: the prefix's tokens are `members[0..memberCount)` of the scratch, in index order; else -1. */
  memberCount: number;
  /** True when `ranked[0..length)` of the scratch also holds them in ranking order (small prefixes). */
  ranked: boolean;
}

/** Scratch arrays for the selection, reused between calls. */
export interface SelectScratch {
  /** Candidate token indices (length >= n). */
  readonly candidates: Int32Array;
  /** A prefix's tokens in index order and (small prefixes) in ranking order (length >= n). */
  readonly members: Int32Array;
  readonly ranked: Int32Array;
  readonly binCounts: Int32Array;
  readonly binMass: Float64Array;
}

/** Number of histogram bins per level. */
export const BINS = 2048;
/** Below this many candidates, sort them instead of refining the histogram. */
const SORT_BELOW = 96;
/** A prefix ending in a bin with at most this many tokens up to it is sorted whole. */
export const SMALL_PREFIX = 512;
/** Level-0 bins cover `x'` from the top down to `SPAN * T` below it (p down to e^-64 of the max). */
const SPAN = 64;

/** True when token `index` with value `value` is in `prefix`. */
export const inPrefix = (prefix: Prefix, value: number, index: number): boolean =>
  value > prefix.threshold || (value === prefix.threshold && index <= prefix.lastTie);

/** A prefix with nothing known yet. */
export const emptyPrefix = (): Prefix => ({
  length: 0,
  mass: Number.NaN,
  threshold: 0,
  lastTie: 0,
  memberCount: -1,
  ranked: false,
});

/** The whole ranking (every token that is not `-Infinity`). */
export function wholeRow(scan: RowScanResult, n: number, into: Prefix): Prefix {
  into.length = scan.available;
  into.mass = Number.NaN;
  into.threshold = Number.NEGATIVE_INFINITY;
  into.lastTie = n;
  into.memberCount = -1;
  into.ranked = false;
  return into;
}

/** The binning of one row: bin = a monotone non-increasing function of `x'`. */
export interface Binning {
  /** The value bin 1 starts at; anything above it (an estimate of the max) is in bin 1 too. */
  top: number;
  scale: number;
  /** Sum of `p` over every bin (NaN when only counted). */
  total: number;
  /** Whether the bins hold counts (else only masses: no length cap can be judged). */
  counted: boolean;
}

/**
 * Bin of a value: 1 + floor of its scaled distance below `top`, clamped to `[1, BINS - 1]`
 * (values above `top`, `+Infinity` included, go to bin 1; an overflow to Infinity to the last).
 * Monotone non-increasing in the value, so bins are contiguous blocks of the ranking.
 */
function binOf(top: number, scale: number, value: number): number {
  // Math.max(NaN, 0) is NaN (Infinity - Infinity, or Infinity * 0) and NaN | 0 is 0: bin 1.
  return 1 + (Math.min(Math.max((top - value) * scale, 0), BINS - 2) | 0);
}

/**
 * An estimate of a row's max from 1,024 evenly spaced entries: any value works as the top of
 * the bins (see {@link binOf}); one near the max keeps the first bin small.
 */
export function estimateTop(x: Floats, offset: number, n: number): number {
  const stride = Math.max(1, Math.floor(n / 1024));
  let top = Number.NEGATIVE_INFINITY;
  for (let token = 0; token < n; token += stride) {
    const value = x[offset + token]!;
    if (value > top && value < Number.POSITIVE_INFINITY) top = value;
  }
  return top;
}

/**
 * Level-0 histogram of a row (one pass): bins by `(top - x') / T`, 1/32 wide, from `top`
 * (the row's max, or an estimate of it) down; counts and mass (sum of `p`) per bin; `-Infinity`
 * is never counted. Sets `scan.available`.
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
  needs: 'counts' | 'mass' | 'both' = 'both',
): Binning {
  const { binCounts, binMass } = scratch;
  let top = scan.maxFinite;
  if (!(Math.abs(top) < Number.POSITIVE_INFINITY)) top = estimateTop(x, offset, n);
  if (!(Math.abs(top) < Number.POSITIVE_INFINITY)) top = 0; // no finite entry sampled: any top works
  const raw = (BINS - 2) / (SPAN * temperature);
  const scale = raw > 0 && raw < Number.POSITIVE_INFINITY ? raw : 0;
  binCounts.fill(0);
  binMass.fill(0);
  // One loop per need: a scatter into a bin costs more than the rest of an iteration.
  if (needs === 'mass') massLoop(x, p, offset, n, top, scale, binMass);
  else if (needs === 'counts') countLoop(x, offset, n, top, scale, binCounts);
  else bothLoop(x, p, offset, n, top, scale, binCounts, binMass);
  let total = 0;
  let available = 0;
  for (let bin = 0; bin < BINS; bin++) {
    total += binMass[bin]!;
    available += binCounts[bin]!;
  }
  if (needs !== 'mass') scan.available = available;
  into.top = top;
  into.scale = scale;
  into.total = needs === 'counts' ? Number.NaN : total;
  into.counted = needs !== 'mass';
  return into;
}

function bothLoop(
  x: Floats,
  p: Floats,
  offset: number,
  n: number,
  top: number,
  scale: number,
  binCounts: Int32Array,
  binMass: Float64Array,
): void {
  const last = BINS - 2;
  for (let token = 0; token < n; token++) {
    const value = x[offset + token]!;
    if (value === Number.NEGATIVE_INFINITY) continue;
    const bin = 1 + (Math.min(Math.max((top - value) * scale, 0), last) | 0);
    binCounts[bin]!++;
    binMass[bin]! += p[offset + token]!;
  }
}

function massLoop(
  x: Floats,
  p: Floats,
  offset: number,
  n: number,
  top: number,
  scale: number,
  binMass: Float64Array,
): void {
  // -Infinity lands in the last bin with p = 0: no test needed.
  const last = BINS - 2;
  for (let token = 0; token < n; token++) {
    const bin = 1 + (Math.min(Math.max((top - x[offset + token]!) * scale, 0), last) | 0);
    binMass[bin]! += p[offset + token]!;
  }
}

function countLoop(
  x: Floats,
  offset: number,
  n: number,
  top: number,
  scale: number,
  binCounts: Int32Array,
): void {
  const last = BINS - 2;
  for (let token = 0; token < n; token++) {
    const value = x[offset + token]!;
    if (value === Number.NEGATIVE_INFINITY) continue;
    binCounts[1 + (Math.min(Math.max((top - value) * scale, 0), last) | 0)]!++;
  }
}

/**
 * Writes the tokens up to bin `chosen` into `members` and those in bin `chosen` into
 * `candidates`, both in index order, in one branch-free pass over a value range widened by a
 * margin far above rounding; the exact bin test then runs on the candidates only. Returns the
 * counts (members may hold a few tokens of the next bin: callers filter them by the prefix).
 */
function collect(
  x: Floats,
  offset: number,
  n: number,
  binning: Binning,
  chosen: number,
  scratch: SelectScratch,
): { members: number; candidates: number } {
  const { top, scale } = binning;
  const { members, candidates } = scratch;
  // Bin b holds distances (top - v) * scale in [b - 1, b): v in (top - b/scale, top - (b-1)/scale].
  const reach = scale > 0 ? BINS / scale : 0;
  const margin = 1e-9 * (Math.abs(top) + reach) + 1e-300;
  const lowest =
    scale > 0 && chosen < BINS - 1 ? top - chosen / scale - margin : Number.NEGATIVE_INFINITY;
  const highest =
    scale > 0 && chosen > 1 ? top - (chosen - 1) / scale + margin : Number.POSITIVE_INFINITY;
  let memberCount = 0;
  let candidateCount = 0;
  for (let token = 0; token < n; token++) {
    const value = x[offset + token]!;
    // +(comparison) compiles to a flag, not a branch; & keeps it so.
    const above = +(value >= lowest) & +(value !== Number.NEGATIVE_INFINITY);
    members[memberCount] = token;
    memberCount += above;
    candidates[candidateCount] = token;
    candidateCount += above & +(value <= highest);
  }
  let exact = 0;
  for (let k = 0; k < candidateCount; k++) {
    const token = candidates[k]!;
    if (binOf(top, scale, x[offset + token]!) === chosen) candidates[exact++] = token;
  }
  return { members: memberCount, candidates: exact };
}

/**
 * The shortest prefix of the ranking whose length reaches `cap` or whose mass (sum of `p`)
 * reaches `target` (`Infinity`: length only); at least one token. Needs {@link histogram} of
 * the row in the scratch (and leaves it changed).
 *
 * Threshold search instead of a sort: the histogram gives the bin where the prefix ends; a
 * small prefix is listed whole and sorted; otherwise only the boundary bin's tokens are
 * refined by further histograms while they are many and differ, then sorted by (`x'`
 * descending, index ascending). Either way the prefix's tokens are listed in index order for
 * the draw. Masses are float64 sums; their order (bin by bin) differs from a ranking-order sum
 * by rounding only (relative `n * 2^-53`).
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
  const counted = binning.counted;
  for (let bin = 1; bin < BINS; bin++) {
    const count = binCounts[bin]!;
    // Without counts (top-p alone, no cap) a bin with no mass cannot end the prefix.
    if (counted ? count === 0 : !(binMass[bin]! > 0)) continue;
    chosen = bin;
    countAt = countBefore;
    massAt = massBefore;
    if (countBefore + count >= cap || massBefore + binMass[bin]! >= target) break;
    countBefore += count;
    massBefore += binMass[bin]!;
  }
  const small = binning.counted && countAt + binCounts[chosen]! <= SMALL_PREFIX;
  const found = collect(x, offset, n, binning, chosen, scratch);
  if (small) {
    // Sort every token up to the boundary bin and walk from the top.
    let size = 0;
    for (let k = 0; k < found.members; k++) {
      const token = members[k]!;
      if (binOf(binning.top, binning.scale, x[offset + token]!) <= chosen) ranked[size++] = token;
    }
    const order = ranked.subarray(0, size);
    order.sort((a, b) => x[offset + b]! - x[offset + a]! || a - b);
    walk(x, p, offset, order, 0, 0, cap, target, into);
    into.ranked = true;
  } else {
    let size = found.candidates;
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
      const scale = (BINS - 2) / (high - low);
      // (Refinement counts and sums both: the candidates are few.)
      if (!(scale > 0 && scale < Number.POSITIVE_INFINITY)) break; // apart by subnormals, or overflow: sort
      binCounts.fill(0);
      binMass.fill(0);
      for (let k = 0; k < size; k++) {
        const token = candidates[k]!;
        const bin = binOf(high, scale, x[offset + token]!);
        binCounts[bin]!++;
        binMass[bin]! += p[offset + token]!;
      }
      let sub = BINS - 1;
      let subCount = countBefore;
      let subMass = massBefore;
      for (let bin = 1; bin < BINS; bin++) {
        const count = binCounts[bin]!;
        if (count === 0) continue;
        sub = bin;
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
        if (binOf(high, scale, x[offset + token]!) === sub) candidates[kept++] = token;
      }
      if (kept === size) break; // cannot split further (rounding): sort what is left
      size = kept;
    }
    const block = candidates.subarray(0, size);
    // Ties (equal x', +Infinity included: their difference is NaN) by lower index.
    block.sort((a, b) => x[offset + b]! - x[offset + a]! || a - b);
    walk(x, p, offset, block, countBefore, massBefore, cap, target, into);
    into.ranked = false;
  }
  into.memberCount = keepInPrefix(x, offset, members, found.members, into);
  into.length = into.memberCount; // exact also where the bins held no counts
  return into;
}

/**
 * Keeps the listed tokens (index order) that are in `prefix`, in place; returns their count.
 * Up to `lastTie` a token equal to the threshold is in, after it not: two branch-free loops.
 */
export function keepInPrefix(
  x: Floats,
  offset: number,
  list: Int32Array,
  count: number,
  prefix: Prefix,
): number {
  const { threshold, lastTie } = prefix;
  let kept = 0;
  let k = 0;
  for (; k < count && list[k]! <= lastTie; k++) {
    const token = list[k]!;
    list[kept] = token;
    kept += +(x[offset + token]! >= threshold);
  }
  for (; k < count; k++) {
    const token = list[k]!;
    list[kept] = token;
    kept += +(x[offset + token]! > threshold);
  }
  return kept;
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
