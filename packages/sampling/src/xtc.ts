/**
 * XTC, "exclude top choices" (text-generation-webui PR 6335, koboldcpp, llama.cpp), SPEC v1.1
 * step 3, last of the truncations: with probability `xtcProbability`, removes every
 * sufficiently likely token but the least likely of them, steering away from the obvious.
 *
 * @packageDocumentation
 */

/**
 * XTC on the kept tokens `ranked[0..count)` (in ranking order) with probabilities `mass[k]`
 * (any positive scale; `q = mass / sum`, float64). `coin` is the draw's second output `v`
 * (SPEC: words 3 and 2 of the draw's Philox call). When `coin < probability` and at least two
 * tokens have `q >= threshold`, all of those but the last of them in the ranking are removed
 * (the rest keep their order); returns the new count (never below one).
 *
 * @example
 * ```ts
 * const ranked = Int32Array.of(4, 2, 7); // q = [0.5, 0.3, 0.2]
 * xtcCount(ranked, Float64Array.of(5, 3, 2), 3, 0.25, 1, 0.4); // 2: ranked = [2, 7]
 * ```
 */
export function xtcCount(
  ranked: Int32Array,
  mass: Float64Array,
  count: number,
  threshold: number,
  probability: number,
  coin: number,
): number {
  if (!(coin < probability) || count < 2) return count;
  let total = 0;
  for (let k = 0; k < count; k++) total += mass[k]!;
  let above = 0;
  let last = -1;
  for (let k = 0; k < count; k++)
    if (mass[k]! / total >= threshold) {
      above++;
      last = k;
    }
  if (above < 2) return count;
  let kept = 0;
  for (let k = 0; k < count; k++) {
    if (k !== last && mass[k]! / total >= threshold) continue;
    ranked[kept] = ranked[k]!;
    mass[kept] = mass[k]!;
    kept++;
  }
  return kept;
}
