import type { FloatArray } from '@softmax-kit/core/internal';
import { type Candidates, logWeight, type RowContext } from './steps/step.js';

/** Row-sized scratch, grown and never shrunk; its contents never outlive the row that wrote them. */
export class Workspace {
  ids = new Int32Array(0);
  logits = new Float64Array(0);
  z = new Float64Array(0);
  order = new Int32Array(0);
  processed = new Float64Array(0);

  /** Room for rows of `n` tokens. */
  prepare(n: number): void {
    if (this.ids.length >= n) return;
    this.ids = new Int32Array(n);
    this.logits = new Float64Array(n);
    this.z = new Float64Array(n);
    this.order = new Int32Array(n);
    this.processed = new Float64Array(n);
  }
}

/** Values read for the threshold guesses: the row itself up to this length, else a strided sample. */
const SAMPLE = 2048;

/** The sampled values of the row, largest first (every value of a short row). */
function sampleOf(x: FloatArray): { values: Float64Array; stride: number } {
  const n = x.length;
  const stride = n <= SAMPLE ? 1 : n / SAMPLE;
  const count = Math.min(n, SAMPLE);
  const values = new Float64Array(count);
  for (let k = 0; k < count; k++) values[k] = x[Math.floor(k * stride)]!;
  values.sort();
  values.reverse();
  return { values, stride };
}

/**
 * A logit threshold for which, most likely, at least `rank` tokens are `>= threshold`: read
 * from a sample of the row with a margin that doubles on every attempt; `-Infinity` when the
 * sample cannot tell (the caller checks the count and asks again with `attempt + 1`). On a row
 * of at most {@link SAMPLE} tokens the first guess is exact.
 */
export function guessByRank(context: RowContext, rank: number, attempt: number): number {
  if (rank >= context.live) return Number.NEGATIVE_INFINITY;
  const { values, stride } = sampleOf(context.x);
  const exact = stride === 1;
  const index = exact
    ? rank - 1
    : Math.ceil((rank / stride) * 2 ** (attempt + 1)) + 8 * 2 ** attempt;
  if ((!exact && attempt > 6) || index >= values.length) return Number.NEGATIVE_INFINITY;
  return values[index]!;
}

/**
 * A logit threshold above which, most likely, the tokens hold at least `fraction` of the row's
 * weight: the sample's weighted prefix, with a margin that doubles on every attempt.
 */
export function guessByMass(context: RowContext, fraction: number, attempt: number): number {
  const { values, stride } = sampleOf(context.x);
  let total = 0;
  for (let k = 0; k < values.length; k++) total += Math.exp(logWeight(context.weights, values[k]!));
  if (!(total > 0)) return Number.NEGATIVE_INFINITY;
  let sum = 0;
  let at = values.length - 1;
  for (let k = 0; k < values.length; k++) {
    sum += Math.exp(logWeight(context.weights, values[k]!));
    if (sum >= fraction * total) {
      at = k;
      break;
    }
  }
  const index =
    stride === 1 && attempt === 0
      ? at
      : Math.ceil((at + 1) * 2 ** (attempt + 1)) + 8 * 2 ** attempt;
  if (attempt > 6 || index >= values.length) return Number.NEGATIVE_INFINITY;
  return values[index]!;
}

/** Every token with `x' >= threshold`, in index order, with its logit and log-weight. */
export function gather(context: RowContext, threshold: number, ws: Workspace): Candidates {
  const { x, weights } = context;
  const count =
    threshold === Number.NEGATIVE_INFINITY
      ? gatherLive(x, ws.ids)
      : context.passes.gatherAtLeast(x, threshold, ws.ids);
  const { ids, logits, z } = ws;
  for (let k = 0; k < count; k++) {
    const v = x[ids[k]!]!;
    logits[k] = v;
    z[k] = logWeight(weights, v);
  }
  return {
    ids,
    logits,
    z,
    count,
    threshold,
    ranked: false,
    exact: threshold === Number.NEGATIVE_INFINITY,
  };
}

/** The tokens not -Infinity (the gather at threshold -Infinity). */
function gatherLive(x: FloatArray, into: Int32Array): number {
  let count = 0;
  for (let i = 0; i < x.length; i++) if (x[i]! > Number.NEGATIVE_INFINITY) into[count++] = i;
  return count;
}

/**
 * Puts the first `count` candidates in ranking order: logit descending, ties by lower index
 * (SPEC step 3: never by rounded probabilities).
 */
export function rank(candidates: Candidates, ws: Workspace): void {
  if (candidates.ranked) return;
  const { ids, logits, z, count } = candidates;
  const order = ws.order.subarray(0, count);
  for (let k = 0; k < count; k++) order[k] = k;
  order.sort((a, b) => {
    const difference = logits[b]! - logits[a]!;
    // Equal logits (and equal infinities, whose difference is NaN) rank by index.
    return difference > 0 ? 1 : difference < 0 ? -1 : ids[a]! - ids[b]!;
  });
  const sortedIds = Int32Array.from(order, (k) => ids[k]!);
  const sortedLogits = Float64Array.from(order, (k) => logits[k]!);
  const sortedZ = Float64Array.from(order, (k) => z[k]!);
  ids.set(sortedIds);
  logits.set(sortedLogits);
  z.set(sortedZ);
  candidates.ranked = true;
}

/** Keeps the candidates for which `keep(k)` holds, in their order. */
export function compact(candidates: Candidates, keep: (k: number) => boolean): void {
  const { ids, logits, z } = candidates;
  let count = 0;
  for (let k = 0; k < candidates.count; k++) {
    if (!keep(k)) continue;
    ids[count] = ids[k]!;
    logits[count] = logits[k]!;
    z[count] = z[k]!;
    count++;
  }
  candidates.count = count;
}

/** The first `count` tokens of the row's ranking (for outputs over the whole row). */
export function rankedTop(context: RowContext, count: number): Int32Array {
  const ws = new Workspace();
  ws.prepare(context.n);
  for (let attempt = 0; ; attempt++) {
    const threshold = guessByRank(context, count, attempt);
    const candidates = gather(context, threshold, ws);
    if (candidates.count >= count || threshold === Number.NEGATIVE_INFINITY) {
      rank(candidates, ws);
      return candidates.ids.slice(0, Math.min(count, candidates.count));
    }
  }
}
