/**
 * DRY's match lengths (SPEC v1.1 step 1) in time linear in the history window, for
 * {@link dryStep}.
 *
 * @packageDocumentation
 */

/** Scratch for {@link dryMatchLengths}: grown to the history's length, never shrunk. */
export interface DryScratch {
  reversed: Int32Array;
  z: Int32Array;
}

/** A new, empty scratch. */
export const dryScratch = (): DryScratch => ({ reversed: new Int32Array(0), z: new Int32Array(0) });

/**
 * The Z-array of `s[0..length)`: `z[k]` is the length of the longest common prefix of `s` and
 * `s[k..]` (`z[0] = length`), in O(length) (Gusfield, "Algorithms on Strings, Trees and
 * Sequences", 1997, section 1.4).
 */
export function zArray(s: Int32Array, length: number, z: Int32Array): Int32Array {
  if (length === 0) return z;
  z[0] = length;
  let left = 0;
  let right = 0; // [left, right) is the rightmost segment known to match a prefix of s
  for (let k = 1; k < length; k++) {
    let matched = 0;
    if (k < right) matched = Math.min(right - k, z[k - left]!);
    while (k + matched < length && s[matched] === s[k + matched]) matched++;
    z[k] = matched;
    if (k + matched > right) {
      left = k;
      right = k + matched;
    }
  }
  return z;
}

/**
 * SPEC's match lengths, `l(t)` for every token that occurs in `history[start..end)` (the
 * windowed history `h` of length `L = end - start`), reported through `visit(token, l)` once per
 * occurrence (the caller keeps the largest): for each position `j < L`, the length of the
 * longest repeat of `h`'s ending that ends just before `j`, that is the largest `l` with
 * `h[j-1-i] = h[L-1-i]` for every `i < l`, capped where a breaker appears among the last tokens of
 * `h`; a breaker itself gets 0.
 *
 * In time linear in `L`: with `r` the reversed history (`r[k] = h[L-1-k]`), the repeat ending at
 * `j - 1` is the common prefix of `r` and `r[L-j..]`, which is `z[L-j]` of `r`'s Z-array. A
 * breaker among the repeated tokens is a breaker among the last `l` tokens of `h` (they are the
 * same tokens), so every length is capped at the number of tokens after the last breaker.
 */
export function dryMatchLengths(
  history: ArrayLike<number>,
  start: number,
  end: number,
  breakers: Uint8Array | undefined,
  scratch: DryScratch,
  visit: (token: number, length: number) => void,
): void {
  const length = end - start;
  if (length <= 0) return;
  if (scratch.reversed.length < length) {
    scratch.reversed = new Int32Array(length);
    scratch.z = new Int32Array(length);
  }
  const reversed = scratch.reversed;
  for (let k = 0; k < length; k++) reversed[k] = history[end - 1 - k]!;
  // cap: tokens at the end of h before the last breaker (scanning back from the end).
  let cap = 0;
  if (breakers === undefined) cap = length;
  else while (cap < length && breakers[reversed[cap]!] !== 1) cap++;
  const z = zArray(reversed, length, scratch.z);
  for (let j = 0; j < length; j++) {
    const token = history[start + j]!;
    if (breakers !== undefined && breakers[token] === 1) continue; // l = 0: never penalised
    const matched = j === 0 ? 0 : Math.min(z[length - j]!, cap);
    visit(token, matched);
  }
}
