/**
 * top-nσ (Tang et al. 2024, "Top-nσ: Not All Logits Are You Need"; llama.cpp's
 * `top_n_sigma`), SPEC v1.1 step 3, first of the truncations: keeps the tokens whose processed
 * logit lies within `s` population standard deviations of the max.
 *
 * @packageDocumentation
 */
import type { Floats } from './process-logits.js';

/**
 * Keeps the tokens of `ranked[0..count)` (a row's ranking: `x'` descending, ties by lower
 * index) with `x'_i >= m' - s * sigma`, `m'` the max and `sigma` the population standard
 * deviation of the finite `x'` among them (two passes in float64: the mean, then the squared
 * deviations); at least `min(minKeep, count)`, the first in the ranking. A ranking prefix, so
 * the kept count is returned and `ranked` is unchanged. A row whose max is `+Infinity` keeps
 * its `+Infinity` tokens.
 *
 * @example
 * ```ts
 * const x = Float64Array.of(4, 3, 0, -6); // mean 0.25, sigma = 3.90
 * topNSigmaCount(x, 0, Int32Array.of(0, 1, 2, 3), 4, 1, 1); // 2: x >= 4 - 3.90 for 4 and 3
 * ```
 */
export function topNSigmaCount(
  x: Floats,
  offset: number,
  ranked: Int32Array,
  count: number,
  s: number,
  minKeep: number,
): number {
  if (count === 0) return 0;
  let finite = 0;
  let sum = 0;
  for (let k = 0; k < count; k++) {
    const value = x[offset + ranked[k]!]!;
    if (Number.isFinite(value)) {
      finite++;
      sum += value;
    }
  }
  const mean = finite === 0 ? 0 : sum / finite;
  let squares = 0;
  for (let k = 0; k < count; k++) {
    const value = x[offset + ranked[k]!]!;
    if (Number.isFinite(value)) squares += (value - mean) * (value - mean);
  }
  const sigma = finite === 0 ? 0 : Math.sqrt(squares / finite);
  const max = x[offset + ranked[0]!]!;
  const threshold = max === Number.POSITIVE_INFINITY ? max : max - s * sigma;
  let kept = 0;
  while (kept < count && x[offset + ranked[kept]!]! >= threshold) kept++;
  return Math.max(kept, Math.min(minKeep, count));
}
