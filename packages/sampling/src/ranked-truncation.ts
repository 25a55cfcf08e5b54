/**
 * SPEC v1.1 step 3 on an explicit ranking: the order top-nσ, top-k, top-p, min-p, typical-p,
 * then XTC, each on the tokens the steps before it kept. This is the path of a row that asks
 * for a v1.1 truncation (typical-p's kept set need not be a ranking prefix, so the v1 path's
 * prefix selection cannot hold it); v1 rows keep the sort-free path.
 *
 * @packageDocumentation
 */
import type { Floats } from './process-logits.js';
import { topNSigmaCount } from './top-n-sigma.js';
import { typicalCount } from './typical-p.js';
import { xtcCount } from './xtc.js';

/** The truncation parameters of one row (each at its "off" value when not asked). */
export interface RankedTruncation {
  readonly temperature: number;
  /** `s > 0`, or 0 for off. */
  readonly topNSigma: number;
  readonly topK: number;
  readonly topP: number;
  readonly minP: number;
  readonly typicalP: number;
  readonly xtcThreshold: number;
  /** 0 is off. */
  readonly xtcProbability: number;
  readonly minKeep: number;
}

/** The kept tokens of a row in ranking order, with their `p`. */
export interface RankedSet {
  ranked: Int32Array;
  mass: Float64Array;
  count: number;
}

/** True when a row's parameters need this path (a v1.1 truncation, or minKeep above 1). */
export const needsRankedTruncation = (t: RankedTruncation): boolean =>
  t.topNSigma > 0 || t.typicalP < 1 || t.xtcProbability > 0 || t.minKeep > 1;

/** The tokens of row `x[offset..offset+n)` that are not `-Infinity`, in ranking order. */
export function rankRow(x: Floats, offset: number, n: number): Int32Array {
  let count = 0;
  for (let token = 0; token < n; token++)
    if (x[offset + token] !== Number.NEGATIVE_INFINITY) count++;
  const ranked = new Int32Array(count);
  let k = 0;
  for (let token = 0; token < n; token++)
    if (x[offset + token] !== Number.NEGATIVE_INFINITY) ranked[k++] = token;
  // x' descending, ties by lower index (SPEC v1 step 3).
  ranked.sort((a, b) => {
    const xa = x[offset + a]!;
    const xb = x[offset + b]!;
    return xa === xb ? a - b : xb > xa ? 1 : -1;
  });
  return ranked;
}

/**
 * top-nσ, top-k, top-p, min-p and typical-p (SPEC v1.1's order) on row `x` with its `p`
 * (softmax at the row's temperature, any positive scale), leaving XTC to {@link withXtc}
 * (its coin differs per draw). Top-p's mass is renormalised over what top-nσ and top-k kept.
 *
 * @example
 * ```ts
 * const x = Float64Array.of(0, Math.log(8), 0, Math.log(4), Math.log(2));
 * const p = Float64Array.from(x, (v) => Math.exp(v) / 16);
 * truncateRanked(x, p, 0, 5, { temperature: 1, topNSigma: 0, topK: Infinity, topP: 0.6,
 *   minP: 0, typicalP: 1, xtcThreshold: 0.1, xtcProbability: 0, minKeep: 3 }).ranked; // [1, 3, 4]
 * ```
 */
export function truncateRanked(
  x: Floats,
  p: Floats,
  offset: number,
  n: number,
  t: RankedTruncation,
): RankedSet {
  const ranked = rankRow(x, offset, n);
  let count = ranked.length;
  const least = (available: number) => Math.min(t.minKeep, available);
  if (t.topNSigma > 0) count = topNSigmaCount(x, offset, ranked, count, t.topNSigma, t.minKeep);
  count = Math.min(count, t.topK);
  if (t.topP < 1 && count > 0) {
    let total = 0;
    for (let k = 0; k < count; k++) total += p[offset + ranked[k]!]!;
    let cumulative = 0;
    let kept = 0;
    while (kept < count) {
      cumulative += p[offset + ranked[kept]!]! / total;
      kept++;
      if (cumulative >= t.topP) break;
    }
    count = Math.max(kept, least(count));
  }
  if (t.minP > 0 && count > 0 && t.temperature !== Number.POSITIVE_INFINITY) {
    const max = x[offset + ranked[0]!]!;
    const logMinP = Math.log(t.minP);
    let kept = 0;
    while (
      kept < count &&
      (max === Number.POSITIVE_INFINITY
        ? x[offset + ranked[kept]!] === max
        : (x[offset + ranked[kept]!]! - max) / t.temperature >= logMinP)
    )
      kept++;
    count = Math.max(kept, least(count));
  }
  const mass = new Float64Array(count);
  for (let k = 0; k < count; k++) mass[k] = p[offset + ranked[k]!]!;
  if (t.typicalP < 1)
    count = typicalCount(ranked, mass, count, t.typicalP, t.minKeep, new Int32Array(count));
  return { ranked: ranked.subarray(0, count), mass: mass.subarray(0, count), count };
}

/**
 * The set XTC leaves when its coin falls below `xtcProbability` (SPEC v1.1), as a new set;
 * the same set when XTC would remove nothing.
 */
export function withXtc(set: RankedSet, t: RankedTruncation): RankedSet {
  if (t.xtcProbability === 0) return set;
  const ranked = set.ranked.slice();
  const mass = set.mass.slice();
  const count = xtcCount(ranked, mass, set.count, t.xtcThreshold, t.xtcProbability, -1);
  if (count === set.count) return set;
  return { ranked: ranked.subarray(0, count), mass: mass.subarray(0, count), count };
}
