import type { FloatArray } from '@softmax-kit/core/internal';
import { fail } from './errors.js';
import { type Candidates, logWeight, type RowContext, type Weights } from './steps/step.js';

/** Row-sized scratch, grown and never shrunk; its contents never outlive the row that wrote them. */
export class Workspace {
  ids = new Int32Array(0);
  logits = new Float64Array(0);
  w = new Float64Array(0);
  buckets = new Int32Array(0);
  marks = new Uint8Array(0);
  processed = new Float64Array(0);

  /** Room for rows of `n` tokens. */
  prepare(n: number): void {
    if (this.ids.length >= n) return;
    this.ids = new Int32Array(n);
    this.logits = new Float64Array(n);
    this.w = new Float64Array(n);
    this.buckets = new Int32Array(n);
    this.marks = new Uint8Array(n);
    this.processed = new Float64Array(n);
  }
}

/** Values read for the threshold guesses: the row itself up to this length, else a strided sample. */
const SAMPLE = 1024;

/** The sampled values of a row, largest first (every value of a short row). */
export function sampleOf(x: FloatArray): { values: Float64Array; stride: number } {
  const n = x.length;
  const stride = n <= SAMPLE ? 1 : n / SAMPLE;
  const count = Math.min(n, SAMPLE);
  const values = new Float64Array(count);
  for (let k = 0; k < count; k++) {
    const v = x[Math.floor(k * stride)]!;
    values[k] = Number.isNaN(v) ? Number.NEGATIVE_INFINITY : v; // the gather reports NaN
  }
  values.sort();
  values.reverse();
  return { values, stride };
}

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
  const value = values[index]!;
  return Number.isNaN(value) ? Number.NEGATIVE_INFINITY : value;
}

/**
 * A logit threshold above which, most likely, the tokens hold at least `mass` of the row's
 * weight: the sample's weighted prefix, with a margin that grows with every attempt.
 */
export function guessByMass(context: RowContext, mass: number, attempt: number): number {
  const { values } = context.sample();
  // Weights relative to the sample's max (a guess needs no pass for the row's own max).
  const top = values[0]!;
  const weights: Weights =
    top === Number.POSITIVE_INFINITY
      ? { kind: 'infinite', max: top, temperature: context.temperature }
      : context.temperature === Number.POSITIVE_INFINITY
        ? { kind: 'uniform', max: top, temperature: context.temperature }
        : { kind: 'exp', max: top, temperature: context.temperature };
  let total = 0;
  for (let k = 0; k < values.length; k++) total += Math.exp(logWeight(weights, values[k]!));
  if (!(total > 0)) return Number.NEGATIVE_INFINITY;
  let sum = 0;
  let at = values.length - 1;
  for (let k = 0; k < values.length; k++) {
    sum += Math.exp(logWeight(weights, values[k]!));
    if (sum >= mass * total) {
      at = k;
      break;
    }
  }
  const index = Math.ceil((at + 1) * 1.25 * 2 ** attempt) + 4 * 2 ** attempt;
  if (attempt > ATTEMPTS || index >= values.length) return Number.NEGATIVE_INFINITY;
  const value = values[index]!;
  return Number.isNaN(value) ? Number.NEGATIVE_INFINITY : value;
}

const nanAt = (row: number, column: number): never =>
  fail(
    'NAN_INPUT',
    `row ${row} has NaN at column ${column}; logits must be numbers (±Infinity allowed)`,
  );

/**
 * Every token with `x' >= threshold`, in index order, with its logit (log-weights come later,
 * {@link weigh}). A NaN is gathered too, whatever the threshold, and reported (`NAN_INPUT`, its
 * column), so the gather is also the row's NaN check.
 */
export function gather(context: RowContext, threshold: number, ws: Workspace): Candidates {
  const { x } = context;
  const count =
    threshold === Number.NEGATIVE_INFINITY
      ? gatherLive(x, ws.ids)
      : context.passes.gatherAtLeast(x, threshold, ws.ids);
  const { ids, logits } = ws;
  for (let k = 0; k < count; k++) {
    const v = x[ids[k]!]!;
    if (Number.isNaN(v)) nanAt(context.row, ids[k]!);
    logits[k] = v;
  }
  return {
    ids,
    logits,
    w: ws.w,
    count,
    threshold,
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
    context.passes.weigh(context.x, candidates.ids, count, weights.max, weights.temperature, w);
  else for (let k = 0; k < count; k++) w[k] = Math.exp(logWeight(weights, logits[k]!));
}

/** The tokens not -Infinity, and NaN (the gather at threshold -Infinity). */
function gatherLive(x: FloatArray, into: Int32Array): number {
  let count = 0;
  for (let i = 0; i < x.length; i++) if (x[i] !== Number.NEGATIVE_INFINITY) into[count++] = i;
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
  candidates.count = count;
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

/** Buckets of the ranking for a long candidate list. */
const BUCKETS = 2048;
/** Up to this many candidates are simply sorted. */
const SORT_LIMIT = 1024;

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
  const marks = ws.marks;
  let keep = -1;
  if (count <= SORT_LIMIT) {
    const ranked = rankPositions(
      candidates,
      Int32Array.from({ length: count }, (_, k) => k),
    );
    let mass = 0;
    for (let r = 0; r < count; r++) {
      mass += w[ranked[r]!]!;
      if (enough(r + 1, mass)) {
        keep = r + 1;
        break;
      }
    }
    if (keep < 0) return false;
    for (let r = 0; r < keep; r++) marks[ranked[r]!] = 1;
  } else {
    // Bucket 0 holds +Infinity; finite logits spread over the others by (high - x) * scale,
    // monotone in x, so higher logits never land in a later bucket, and equal ones share one.
    let high = Number.NEGATIVE_INFINITY;
    let low = Number.POSITIVE_INFINITY;
    for (let k = 0; k < count; k++) {
      const v = logits[k]!;
      if (v !== Number.POSITIVE_INFINITY) {
        if (v > high) high = v;
        if (v < low) low = v;
      }
    }
    const half = Number.isFinite(high - low) ? 1 : 0.5; // halves keep ±1.8e308 finite
    const span = high * half - low * half;
    const scale = span > 0 ? (BUCKETS - 2) / span : 0;
    const bucketOf = (v: number) =>
      v === Number.POSITIVE_INFINITY ? 0 : 1 + Math.floor((high * half - v * half) * scale);
    const counts = new Int32Array(BUCKETS);
    const masses = new Float64Array(BUCKETS);
    const buckets = ws.buckets;
    for (let k = 0; k < count; k++) {
      const b = bucketOf(logits[k]!);
      buckets[k] = b;
      counts[b]!++;
      masses[b]! += w[k]!;
    }
    let mass = 0;
    let before = 0;
    let boundary = -1;
    for (let b = 0; b < BUCKETS; b++) {
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
    for (let k = 0; k < count; k++) {
      const b = buckets[k]!;
      if (b < boundary) marks[k] = 1;
      else if (b === boundary) members[m++] = k;
    }
    const ranked = rankPositions(candidates, members);
    let taken = ranked.length;
    for (let r = 0; r < ranked.length; r++) {
      mass += w[ranked[r]!]!;
      if (enough(before + r + 1, mass)) {
        taken = r + 1;
        break;
      }
    }
    for (let r = 0; r < taken; r++) marks[ranked[r]!] = 1;
  }
  compact(candidates, (k) => {
    const kept = marks[k] === 1;
    marks[k] = 0;
    return kept;
  });
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
