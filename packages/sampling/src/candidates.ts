import type { FloatArray } from '@softmax-kit/core/internal';
import { fail } from './errors.js';
import { type Candidates, logWeight, type RowContext } from './steps/step.js';

/** A comparison as 0 or 1 (V8 compiles `b | 0` to a flag; `+b` measured slower, branching). */
const bit = (b: boolean): number => (b as unknown as number) | 0;

/** Buckets of the ranking for a long candidate list. */
const BUCKETS = 2048;
/**
 * The ranking's bucket counts and weights ({@link keepRankedPrefix}), zeroed by each use: one
 * pair for the module (each use is synchronous and ends before the next). Constants, which the
 * optimiser reads without looking them up.
 */
const BUCKET_COUNTS = new Int32Array(BUCKETS);
const BUCKET_MASSES = new Float64Array(BUCKETS);

/*
 * UNROLLED: V8 (Node 20's) reloads a typed array's length and data pointer at every access in a
 * loop (no loop-invariant code motion), and shares them only within one step of it. Loops over
 * several typed arrays that are parameters therefore take a few entries a step: the bucketing
 * loop measured 6.0-6.4 ns an entry one at a time, 3.4-3.6 four at a time (1.5 when the arrays
 * were constants the optimiser could see).
 */

/** Row-sized scratch, grown and never shrunk; its contents never outlive the row that wrote them. */
export class Workspace {
  ids = new Int32Array(0);
  logits = new Float64Array(0);
  w = new Float64Array(0);
  buckets = new Int32Array(0);
  processed = new Float64Array(0);

  private second: Workspace | null = null;

  /** A second workspace, for work beside candidates that hold this one's arrays. */
  aside(): Workspace {
    this.second ??= new Workspace();
    return this.second;
  }

  /** Room for rows of `n` tokens. */
  prepare(n: number): void {
    if (this.ids.length >= n) return;
    this.ids = new Int32Array(n);
    this.logits = new Float64Array(n);
    this.w = new Float64Array(n);
    this.buckets = new Int32Array(n);
    this.processed = new Float64Array(n);
  }
}

/** Values read for the threshold guesses: the row itself up to this length, else a strided sample. */
const SAMPLE = 1024;

/** A row's sample: its entries at multiples of `stride` (NaN read as -Infinity). */
export interface RowSample {
  readonly values: Float64Array;
  readonly stride: number;
}

/** The sampled values of a row, unsorted (every value of a short row), NaN read as -Infinity. */
export function sampleOf(x: FloatArray): RowSample {
  const n = x.length;
  const stride = n <= SAMPLE ? 1 : n / SAMPLE;
  const count = Math.min(n, SAMPLE);
  const values = new Float64Array(count);
  for (let k = 0; k < count; k++) {
    const v = x[Math.floor(k * stride)]!;
    values[k] = Number.isNaN(v) ? Number.NEGATIVE_INFINITY : v; // the gather reports NaN
  }
  return { values, stride };
}

/** The `index`-th largest of `values` (0: the largest), by quickselect on a scratch copy. */
function largestAt(values: Float64Array, index: number, scratch: Float64Array): number {
  const a = scratch.subarray(0, values.length);
  a.set(values);
  let low = 0;
  let high = a.length - 1;
  while (low < high) {
    const pivot = a[(low + high) >>> 1]!;
    let i = low;
    let j = high;
    while (i <= j) {
      while (a[i]! > pivot) i++;
      while (a[j]! < pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i] = a[j]!;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (index <= j) high = j;
    else if (index >= i) low = i;
    else return a[index]!;
  }
  return a[index]!;
}

const selectScratch = new Float64Array(SAMPLE);

/** How many attempts a guess makes before it gives up (gathers the whole row). */
const ATTEMPTS = 6;

/**
 * A logit threshold for which, most likely, at least `rank` tokens are `>= threshold`: read
 * from a sample of the row with a margin that grows with every attempt; `-Infinity` when the
 * sample cannot tell (the caller checks the count and asks again with `attempt + 1`). On a row
 * of at most {@link SAMPLE} tokens the first guess is exact.
 */
export function guessByRank(context: RowContext, rank: number, attempt: number): number {
  const { values, stride } = context.sample();
  const exact = stride === 1;
  const index = exact
    ? rank - 1 + attempt * values.length
    : Math.ceil((rank / stride) * 4 ** attempt * 1.5) + 4 * 2 ** attempt;
  if (attempt > ATTEMPTS || index >= values.length) return Number.NEGATIVE_INFINITY;
  return largestAt(values, index, selectScratch);
}

/**
 * Where the sample's mass from the top reaches `mass` of its total: weights relative to the
 * sample's max (a guess needs no pass for the row's own max), summed in {@link MASS_BINS}
 * buckets of logit (no sort). Null when the sample cannot tell.
 */
function massBin(
  values: Float64Array,
  t: number,
  mass: number,
): { top: number; width: number; bin: number } | null {
  let top = Number.NEGATIVE_INFINITY;
  let low = Number.POSITIVE_INFINITY;
  for (let k = 0; k < values.length; k++) {
    const v = values[k]!;
    if (v > top) top = v;
    if (v < low && v > Number.NEGATIVE_INFINITY) low = v;
  }
  if (!Number.isFinite(top) || !Number.isFinite(low) || t === Number.POSITIVE_INFINITY) return null;
  const bins = MASS_BINS;
  const width = (top - low) / bins;
  if (!(width > 0) || !Number.isFinite(width)) return null;
  const masses = GUESS_MASSES;
  masses.fill(0);
  let total = 0;
  const step = width / t;
  if (step <= 1 / 8) {
    // Narrow bins (the usual case): a sample's weight is its bin's exp(-b * width / t) times
    // exp(-y), y = (its distance below the bin's top) / t in [0, 1/8], by four terms of the
    // series (relative error below y^5 / 120 = 2.6e-7): one Math.exp a bin, not a sample.
    for (let k = 0; k < values.length; k++) {
      const v = values[k]!;
      if (v === Number.NEGATIVE_INFINITY) continue;
      const d = (top - v) / width;
      let bin = d | 0;
      if (bin >= bins) bin = bins - 1;
      const y = (d - bin) * step;
      masses[bin]! += 1 - y * (1 - y * (0.5 - y * (1 / 6 - y * (1 / 24))));
    }
    for (let b = 0; b < bins; b++) {
      if (masses[b] === 0) continue;
      masses[b]! *= Math.exp(-b * step);
      total += masses[b]!;
    }
  } else
    for (let k = 0; k < values.length; k++) {
      const v = values[k]!;
      if (v === Number.NEGATIVE_INFINITY) continue;
      const w = Math.exp((v - top) / t);
      const bin = ((top - v) / width) | 0;
      masses[bin < bins ? bin : bins - 1]! += w;
      total += w;
    }
  let sum = 0;
  let bin = bins - 1;
  for (let b = 0; b < bins; b++) {
    sum += masses[b]!;
    if (sum >= mass * total) {
      bin = b;
      break;
    }
  }
  return { top, width, bin };
}

const MASS_BINS = 256;
/** massBin's bins: one array for the module (each use ends before the next), a constant. */
const GUESS_MASSES = new Float64Array(MASS_BINS);

/** The margin of a mass guess, in bins, at each attempt. */
const massMargin = (attempt: number): number => 2 + 4 * 4 ** attempt;

/**
 * A logit threshold above which, most likely, the tokens hold at least `mass` of the row's
 * weight: the sample's weighted prefix ({@link massBin}), lowered by a margin that grows with
 * every attempt.
 */
export function guessByMass(context: RowContext, mass: number, attempt: number): number {
  const found = massBin(context.sample().values, context.temperature, mass);
  const margin = massMargin(attempt);
  if (found === null || attempt > ATTEMPTS || found.bin + margin >= MASS_BINS)
    return Number.NEGATIVE_INFINITY;
  return found.top - (found.bin + margin) * found.width;
}

/**
 * A band `[lo, hi)` of logits that, most likely, holds the threshold where the ranking's weight
 * reaches `mass` of the row's: the first guess of {@link guessByMass} with its margin on both
 * sides (`hi` is `+Infinity` when the margin reaches the sample's top). Null when the sample
 * cannot tell.
 */
export function bandByMass(
  sample: Float64Array,
  temperature: number,
  mass: number,
): { lo: number; hi: number } | null {
  const found = massBin(sample, temperature, mass);
  const margin = massMargin(0);
  if (found === null || found.bin + margin >= MASS_BINS) return null;
  const { top, width, bin } = found;
  return {
    lo: top - (bin + margin) * width,
    hi: bin - margin <= 0 ? Number.POSITIVE_INFINITY : top - (bin - margin) * width,
  };
}

const nanAt = (row: number, column: number): never =>
  fail(
    'NAN_INPUT',
    `row ${row} has NaN at column ${column}; logits must be numbers (±Infinity allowed)`,
  );

/**
 * Every token with `x' >= threshold`, in index order, with its logit (gathered by the row pass
 * with the indices; log-weights come later,
 * {@link weigh}). A NaN is gathered too, whatever the threshold, and reported (`NAN_INPUT`, its
 * column), so the gather is also the row's NaN check.
 */
export function gather(context: RowContext, threshold: number, ws: Workspace): Candidates {
  const { x } = context;
  const { ids, logits } = ws;
  const count =
    threshold === Number.NEGATIVE_INFINITY
      ? gatherLive(x, ids, logits)
      : context.passes.gatherAtLeast(x, threshold, ids, logits);
  let top = Number.NEGATIVE_INFINITY;
  if (context.hasMax()) {
    // The stats pass, or an earlier gather (which holds every NaN, whatever its threshold),
    // checked the row for NaN and found its max: every token >= the threshold is here, so
    // the max is among them when any is.
    if (count > 0) top = context.max();
  } else
    for (let k = 0; k < count; k++) {
      const v = logits[k]!;
      if (v > top) top = v;
      else if (Number.isNaN(v)) nanAt(context.row, ids[k]!);
    }
  return {
    ids,
    logits,
    w: ws.w,
    count,
    threshold,
    top,
    mass: Number.NaN,
    exact: threshold === Number.NEGATIVE_INFINITY,
  };
}

/**
 * The candidates' weights `exp(z)`, `z` their log-weight (once the row's max is known); the exps
 * of an `'exp'` row are the row passes' (the backend's exp, consistent with its exp sums).
 */
export function weigh(candidates: Candidates, context: RowContext): void {
  const weights = context.weights();
  const { logits, w, count } = candidates;
  if (weights.kind === 'exp')
    candidates.mass = context.passes.weigh(
      context.x,
      logits,
      count,
      weights.max,
      weights.temperature,
      w,
    );
  else {
    let mass = 0;
    for (let k = 0; k < count; k++) {
      w[k] = Math.exp(logWeight(weights, logits[k]!));
      mass += w[k]!;
    }
    candidates.mass = mass;
  }
}

/** The sum of the candidates' weights (summed once after each change). */
export function massOf(candidates: Candidates): number {
  if (Number.isNaN(candidates.mass)) {
    let mass = 0;
    for (let k = 0; k < candidates.count; k++) mass += candidates.w[k]!;
    candidates.mass = mass;
  }
  return candidates.mass;
}

/** The tokens not -Infinity, and NaN (the gather at threshold -Infinity). */
function gatherLive(x: FloatArray, into: Int32Array, values: Float64Array): number {
  let count = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (v !== Number.NEGATIVE_INFINITY) {
      into[count] = i;
      values[count++] = v;
    }
  }
  return count;
}

/** Keeps the candidates for which `keep(k)` holds, in their order. */
export function compact(candidates: Candidates, keep: (k: number) => boolean): void {
  const { ids, logits, w } = candidates;
  let count = 0;
  // The kept ones before the first dropped stay where they are.
  while (count < candidates.count && keep(count)) count++;
  for (let k = count + 1; k < candidates.count; k++) {
    if (!keep(k)) continue;
    ids[count] = ids[k]!;
    logits[count] = logits[k]!;
    w[count] = w[k]!;
    count++;
  }
  if (count !== candidates.count) candidates.mass = Number.NaN;
  candidates.count = count;
}

/**
 * Keeps the ranking's prefix that ends at candidate `last`, in index order: the logits above its
 * logit and, of those equal to it, the indices up to its index (ties rank by lower index); one
 * branch-free compaction by value. `mass` is the prefix's weight.
 */
function keepPrefixEndingAt(candidates: Candidates, last: number, mass: number): void {
  const { ids, logits, w } = candidates;
  const total = candidates.count;
  const cut = logits[last]!;
  const lastId = ids[last]!;
  let kept = 0;
  let k = 0;
  // Two a step (see UNROLLED): each entry is written at `kept`, which moves on when it is kept.
  for (const stop = total - 1; k < stop; k += 2) {
    const v0 = logits[k]!;
    const id0 = ids[k]!;
    const w0 = w[k]!;
    const v1 = logits[k + 1]!;
    const id1 = ids[k + 1]!;
    const w1 = w[k + 1]!;
    ids[kept] = id0;
    logits[kept] = v0;
    w[kept] = w0;
    kept += bit(v0 > cut) | (bit(v0 === cut) & bit(id0 <= lastId));
    ids[kept] = id1;
    logits[kept] = v1;
    w[kept] = w1;
    kept += bit(v1 > cut) | (bit(v1 === cut) & bit(id1 <= lastId));
  }
  for (; k < total; k++) {
    const v = logits[k]!;
    const id = ids[k]!;
    ids[kept] = id;
    logits[kept] = v;
    w[kept] = w[k]!;
    kept += bit(v > cut) | (bit(v === cut) & bit(id <= lastId));
  }
  candidates.count = kept;
  candidates.mass = mass; // summed by rank, not by index: any float64 order is SPEC's S
}

/** Positions of candidates sorted by rank: logit descending, ties by lower index (stable). */
function rankPositions(candidates: Candidates, positions: Int32Array): Int32Array {
  const { logits } = candidates;
  // The positions are in index order, and the sort is stable: equal logits stay by index.
  return positions.sort((a, b) => {
    const difference = logits[b]! - logits[a]!;
    return difference > 0 ? 1 : difference < 0 ? -1 : 0; // +Infinity - +Infinity is NaN: a tie
  });
}

/**
 * Up to this many candidates are simply sorted. A comparator sort costs ~20 ns a comparison:
 * past a few dozen candidates the buckets (one pass, then a sort of one small bucket) win (a
 * top-k 50 on 32k logits gathers ~500).
 */
const SORT_LIMIT = 64;

/**
 * Keeps the shortest prefix of the candidates' ranking (logit descending, ties by lower index)
 * for which `enough(count, mass)` holds, `mass` the prefix's weight (sum of `exp(z)`, float64);
 * keeps them all (and returns false) when no prefix is enough. The
 * candidates stay in index order. Without a full sort: a long list is bucketed by logit (ties
 * share a bucket, order between buckets is the ranking), and only the bucket where the prefix
 * ends is sorted.
 */
export function keepRankedPrefix(
  candidates: Candidates,
  ws: Workspace,
  enough: (count: number, mass: number) => boolean,
): boolean {
  const count = candidates.count;
  const { logits, w } = candidates;
  if (count <= SORT_LIMIT) {
    let keep = -1;
    let keptMass = 0;
    const positions = new Int32Array(count);
    for (let k = 0; k < count; k++) positions[k] = k;
    const ranked = rankPositions(candidates, positions);
    let mass = 0;
    for (let r = 0; r < count; r++) {
      mass += w[ranked[r]!]!;
      if (enough(r + 1, mass)) {
        keep = r + 1;
        keptMass = mass;
        break;
      }
    }
    if (keep < 0) return false;
    keepPrefixEndingAt(candidates, ranked[keep - 1]!, keptMass);
    return true;
  }
  // Bucket 0 holds +Infinity; finite logits spread over the others by (high - x) * scale,
  // monotone in x, so higher logits never land in a later bucket, and equal ones share one.
  // The gather's bounds hold every candidate; a pass finds the finite ones otherwise.
  let high = candidates.top;
  let low = candidates.threshold;
  if (!(high < Number.POSITIVE_INFINITY) || !(low > Number.NEGATIVE_INFINITY)) {
    high = Number.NEGATIVE_INFINITY;
    low = Number.POSITIVE_INFINITY;
    for (let k = 0; k < count; k++) {
      const v = logits[k]!;
      if (v !== Number.POSITIVE_INFINITY) {
        if (v > high) high = v;
        if (v < low) low = v;
      }
    }
  }
  // About four candidates a bucket: the boundary bucket stays small to rank.
  const bucketCount = Math.min(BUCKETS, Math.max(64, count >>> 2));
  const half = Number.isFinite(high - low) ? 1 : 0.5; // halves keep ±1.8e308 finite
  const top = high * half;
  const span = top - low * half;
  const scale = span > 0 ? (bucketCount - 2) / span : 0;
  // Preallocated (an allocation per call measured 3x this loop's own time), module constants
  // (see BUCKET_COUNTS).
  const counts = BUCKET_COUNTS;
  const masses = BUCKET_MASSES;
  counts.fill(0, 0, bucketCount);
  masses.fill(0, 0, bucketCount);
  const buckets = ws.buckets;
  if (candidates.top === Number.POSITIVE_INFINITY)
    for (let k = 0; k < count; k++) {
      const v = logits[k]!;
      // In [0, bucketCount - 2] before the + 1: a truncation to int32 is the floor.
      const b = v === Number.POSITIVE_INFINITY ? 0 : 1 + (((top - v * half) * scale) | 0);
      buckets[k] = b;
      counts[b]!++;
      masses[b]! += w[k]!;
    }
  // Every candidate is finite (the top is): the same buckets without the check, four a step
  // (see UNROLLED).
  else {
    let k = 0;
    for (const stop = count - 3; k < stop; k += 4) {
      const b0 = 1 + (((top - logits[k]! * half) * scale) | 0);
      const b1 = 1 + (((top - logits[k + 1]! * half) * scale) | 0);
      const b2 = 1 + (((top - logits[k + 2]! * half) * scale) | 0);
      const b3 = 1 + (((top - logits[k + 3]! * half) * scale) | 0);
      buckets[k] = b0;
      buckets[k + 1] = b1;
      buckets[k + 2] = b2;
      buckets[k + 3] = b3;
      counts[b0]!++;
      masses[b0]! += w[k]!;
      counts[b1]!++;
      masses[b1]! += w[k + 1]!;
      counts[b2]!++;
      masses[b2]! += w[k + 2]!;
      counts[b3]!++;
      masses[b3]! += w[k + 3]!;
    }
    for (; k < count; k++) {
      const b = 1 + (((top - logits[k]! * half) * scale) | 0);
      buckets[k] = b;
      counts[b]!++;
      masses[b]! += w[k]!;
    }
  }
  let mass = 0;
  let before = 0;
  let boundary = -1;
  for (let b = 0; b < bucketCount; b++) {
    if (counts[b] === 0) continue;
    if (enough(before + counts[b]!, mass + masses[b]!)) {
      boundary = b;
      break;
    }
    mass += masses[b]!;
    before += counts[b]!;
  }
  if (boundary < 0) return false;
  // Rank the boundary bucket's members and walk them.
  const members = new Int32Array(counts[boundary]!);
  let m = 0;
  for (let k = 0; k < count; k++) if (buckets[k] === boundary) members[m++] = k;
  const ranked = rankPositions(candidates, members);
  let taken = ranked.length;
  for (let r = 0; r < ranked.length; r++) {
    mass += w[ranked[r]!]!;
    if (enough(before + r + 1, mass)) {
      taken = r + 1;
      break;
    }
    if (r === ranked.length - 1) mass = Number.NaN; // (cannot happen: the bucket was enough)
  }
  keepPrefixEndingAt(candidates, ranked[taken - 1]!, mass);
  return true;
}

/** The first `count` of the candidates in ranking order (they are not changed). */
export function rankedIds(candidates: Candidates, count: number, ws: Workspace): Int32Array {
  const copy: Candidates = {
    ...candidates,
    ids: candidates.ids.slice(0, candidates.count),
    logits: candidates.logits.slice(0, candidates.count),
    w: new Float64Array(candidates.count), // weights play no part: keep by count
  };
  keepRankedPrefix(copy, ws, (kept) => kept >= count);
  const order = rankPositions(
    copy,
    Int32Array.from({ length: copy.count }, (_, k) => k),
  );
  return Int32Array.from(order.subarray(0, Math.min(count, copy.count)), (k) => copy.ids[k]!);
}
