/**
 * Locally typical sampling (Meister et al. 2023, "Locally Typical Sampling"; Hugging Face's
 * `TypicalLogitsWarper`), SPEC v1.1 step 3 after min-p: keeps the tokens whose surprise
 * `-log q` is closest to the entropy, up to a mass of `typicalP`.
 *
 * @packageDocumentation
 */

/**
 * Typical-p on the kept tokens `ranked[0..count)` (in ranking order) with probabilities
 * `mass[k]` (any positive scale: renormalised here, in float64). With `H = -sum q log q`, the
 * tokens are ordered by `|-log q_i - H|` ascending, ties by their place in the ranking (a
 * stable sort of the positions), and the shortest prefix of that order whose mass is `>= tau`
 * is kept, at least `min(minKeep, count)` of it. `tau = 1` keeps all. The survivors are
 * written back to `ranked` in ranking order (the set need not be a ranking prefix); returns
 * their count. `order` is scratch of length >= count.
 *
 * @example
 * ```ts
 * // q = [0.5, 0.3, 0.2]: H = 1.03; |-log q - H| = [0.34, 0.17, 0.58]: token 1 first
 * typicalCount(Int32Array.of(0, 1, 2), Float64Array.of(0.5, 0.3, 0.2), 3, 0.25, 1, new Int32Array(3)); // 1, ranked[0] = 1
 * ```
 */
export function typicalCount(
  ranked: Int32Array,
  mass: Float64Array,
  count: number,
  tau: number,
  minKeep: number,
  order: Int32Array,
): number {
  if (tau >= 1 || count <= 1) return count;
  let total = 0;
  for (let k = 0; k < count; k++) total += mass[k]!;
  let entropy = 0;
  for (let k = 0; k < count; k++) {
    const q = mass[k]! / total;
    if (q > 0) entropy -= q * Math.log(q);
  }
  const distance = new Float64Array(count);
  for (let k = 0; k < count; k++) {
    const q = mass[k]! / total;
    distance[k] = Math.abs(-Math.log(q) - entropy); // q = 0: Infinity, last
  }
  for (let k = 0; k < count; k++) order[k] = k;
  const positions = order.subarray(0, count);
  positions.sort((a, b) => distance[a]! - distance[b]! || a - b);
  const least = Math.min(minKeep, count);
  let kept = 0;
  let cumulative = 0;
  while (kept < count) {
    cumulative += mass[positions[kept]!]! / total;
    kept++;
    if (kept >= least && cumulative >= tau) break;
  }
  // The survivors, back in ranking order.
  const keep = positions.subarray(0, kept).sort();
  for (let k = 0; k < kept; k++) {
    const position = keep[k]!;
    ranked[k] = ranked[position]!;
    mass[k] = mass[position]!;
  }
  return kept;
}
