/**
 * DRY ("don't repeat yourself", koboldcpp's and llama.cpp's repetition penalty), SPEC v1.1
 * step 1: a token that would continue a repeat of the history's own ending loses
 * `multiplier * base^(l - allowedLength)`, `l` the length of that repeat.
 *
 * @packageDocumentation
 */
import type { Floats } from './process-logits.js';

/** DRY's parameters for one row (SPEC v1.1: `mu >= 0`, `b >= 1`, `a >= 1` an integer). */
export interface DryParameters {
  /** `mu`: 0 is off. */
  readonly multiplier: number;
  /** `b`, the growth per token of repeat (default 1.75). */
  readonly base: number;
  /** `a`: repeats shorter than this cost nothing (default 2). */
  readonly allowedLength: number;
  /** Token ids that end a repeat (a marker set, `breakers[t] === 1`), or undefined for none. */
  readonly breakers: Uint8Array | undefined;
}

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

/**
 * Applies DRY to row `x[offset..offset+n)` in place (SPEC v1.1 step 1): every token `t` with
 * `l(t) >= allowedLength` loses `multiplier * base^(l(t) - allowedLength)`, computed in float64;
 * a penalty that overflows to Infinity bans the token (`-Infinity`, also over a `+Infinity`
 * logit). `longest` is an Int32Array of length >= n, all -1 on entry, left all -1.
 *
 * @example
 * ```ts
 * const x = new Float64Array(4); // history 0 1 2 0 1: token 2 would repeat "0 1 2" (l = 2)
 * applyDry(x, 0, 4, [0, 1, 2, 0, 1], 0, 5,
 *   { multiplier: 1, base: 2, allowedLength: 2, breakers: undefined },
 *   dryScratch(), new Int32Array(4).fill(-1));
 * x[2]; // -1 (1 * 2^(2 - 2))
 * ```
 */
export function applyDry(
  x: Floats,
  offset: number,
  n: number,
  history: ArrayLike<number>,
  start: number,
  end: number,
  parameters: DryParameters,
  scratch: DryScratch,
  longest: Int32Array,
): void {
  const { multiplier, base, allowedLength, breakers } = parameters;
  if (multiplier === 0 || end - start < 2) return;
  const touched: number[] = [];
  dryMatchLengths(history, start, end, breakers, scratch, (token, matched) => {
    if (longest[token] === -1) touched.push(token);
    if (matched > longest[token]!) longest[token] = matched;
  });
  for (const token of touched) {
    const matched = longest[token]!;
    longest[token] = -1;
    if (matched < allowedLength || token >= n) continue;
    const penalty = multiplier * base ** (matched - allowedLength);
    const at = offset + token;
    x[at] = penalty === Number.POSITIVE_INFINITY ? Number.NEGATIVE_INFINITY : x[at]! - penalty;
  }
}
