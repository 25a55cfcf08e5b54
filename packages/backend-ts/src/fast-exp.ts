/**
 * A table-driven `exp` for the float32 kernels, accurate to 5.9e-10 relative (1% of float32's unit
 * roundoff 2^-24 ~ 6e-8) and about three times cheaper than `Math.exp` in V8.
 *
 * Method (Tang, "Table-driven implementation of the exponential function in IEEE floating-point
 * arithmetic", ACM TOMS 15(2), 1989; J.-M. Muller, "Elementary Functions", ch. 6): write the
 * argument in *steps* of `ln 2 / 32`, so `exp(-u * ln2/32) = 2^(-k/32) * exp(t * ln2/32)` with
 * `k = round(u)` and `t = k - u` in `[-1/2, 1/2]`. `2^(-k/32)` comes from a table (one entry per
 * step, exponent included), `exp(r)` with `r = t * ln2/32` from a degree-3 Taylor polynomial
 * (degree 4 would give 1.3e-12, invisible in float32 results, and measured 8% slower).
 *
 * Error bound (checked over every table interval by `fast-exp.test.ts`):
 * - `|r| <= ln2/64 < 0.010831`. Taylor's remainder after degree 3 is
 *   `|R| <= |r|^4 / 4! * e^|r| <= 0.010831^4 / 24 * 1.01089 < 5.797e-10`, and `exp(r) >= 0.98922`,
 *   so the polynomial's relative error is below `5.860e-10`.
 * - `k` and `t` are exact: `u + 1.5 * 2^52 - 1.5 * 2^52` rounds `u` to the nearest integer for
 *   `0 <= u < 2^51`, and `k - u` is exact by Sterbenz's lemma (`|k - u| <= 1/2`, `u <= 4832`).
 * - The table entries (`2 ** (-k / 32)`, exact arguments) are within an ulp or so; Horner's scheme
 *   adds a few more roundings of size 2^-53. Together they stay below 1e-15 relative.
 * So `|fastExpSteps(u) / exp(-u * ln2/32) - 1| < 5.87e-10` for `0 <= u < EXP_CUTOFF_STEPS - 1/2`.
 *
 * Beyond the cut-off the result is exactly 0: there `exp(-u * ln2/32) <= 2^(-4831.5/32) < 2^-150`,
 * which is below half the smallest float32 subnormal, so the true value rounds to 0 in float32 too.
 * `+Infinity` (a `-Infinity` logit) is clamped to the cut-off and gives exactly 0, never NaN.
 *
 * @packageDocumentation
 */

/** Table steps per factor of two: `exp(-u * ln2 / EXP_STEPS_PER_OCTAVE)`. */
export const EXP_STEPS_PER_OCTAVE = 32;

/** Multiply a natural-log distance by this to get steps: `32 / ln 2`. */
export const STEPS_PER_NAT = EXP_STEPS_PER_OCTAVE / Math.LN2;

/**
 * The clamp: arguments that round to this many steps give 0. From `u >= 151 * 32 - 1/2` on, the true
 * value is at most `2^-150.98`, below `2^-150` (half of float32's smallest subnormal `2^-149`), so a
 * float32 result there is 0 anyway.
 */
export const EXP_CUTOFF_STEPS = 151 * EXP_STEPS_PER_OCTAVE;

/**
 * Taylor coefficients of `exp(t * ln2/32)` in `t`: `(ln2/32)^j / j!`, as literals (computed, they
 * would survive tree-shaking as `Math.LN2` reads; `fast-exp.test.ts` checks the digits).
 */
export const EXP_C1 = 0.02166084939249829;
export const EXP_C2 = 2.3459619820224677e-4;
export const EXP_C3 = 1.6938509724371819e-6;

/** `1.5 * 2^52`: adding and subtracting it rounds a double in `[0, 2^51)` to an integer. */
export const ROUND_MAGIC = 6755399441055744;

function buildTable(): Float64Array {
  const table = new Float64Array(EXP_CUTOFF_STEPS + 1);
  for (let k = 0; k < EXP_CUTOFF_STEPS; k++) table[k] = 2 ** (-k / EXP_STEPS_PER_OCTAVE);
  // table[EXP_CUTOFF_STEPS] stays 0: the clamp target.
  return table;
}

/** `EXP_TABLE[k] = 2^(-k/32)` for `k < EXP_CUTOFF_STEPS`, and 0 at `EXP_CUTOFF_STEPS`. */
export const EXP_TABLE: Float64Array = /* @__PURE__ */ buildTable();

/**
 * `exp(-u * ln2 / 32)` for `u >= 0` (`+Infinity` allowed), relative error below 5.87e-10; exactly
 * 0 from `u >= EXP_CUTOFF_STEPS - 1/2` on.
 *
 * This scalar form is the definition the tests prove the bound for. The kernels in
 * `row-exp-sums.ts` inline the same steps by hand, eight entries per iteration, with the constants
 * as literal locals. Measured in Node 20: eight calls of a helper per iteration ran 2.5x slower
 * than the hand-inlined form, and literals are 1.6x faster than module-level constants, which bundlers turn
 * into `var`s that V8 then handles as boxed numbers in the loop. The tests run the same dense
 * sweep through every unrolled lane of those loops.
 *
 * @example
 * ```ts
 * fastExpSteps(2 * STEPS_PER_NAT); // ~ Math.exp(-2) = 0.1353352832366127
 * fastExpSteps(Infinity);          // 0
 * ```
 */
export function fastExpSteps(u: number): number {
  // biome-ignore lint/complexity/useMathMinMax: unlike Math.min, this maps NaN to the cut-off (0)
  const clamped = u < EXP_CUTOFF_STEPS ? u : EXP_CUTOFF_STEPS;
  const k = clamped + ROUND_MAGIC - ROUND_MAGIC;
  const t = k - clamped;
  return (EXP_TABLE[k | 0] as number) * (1 + t * (EXP_C1 + t * (EXP_C2 + t * EXP_C3)));
}
