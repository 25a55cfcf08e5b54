/**
 * The first pass of every kernel: `sum_j exp((x_j - m) / T)` over one row, in float64, and for
 * softmax also the terms written to the output. One function per dtype and use keeps every loop
 * monomorphic in V8.
 *
 * float32 rows: the table-driven exp of `fast-exp.ts` (Tang 1989), inlined by hand eight entries
 * at a time (see `fastExpSteps` for why). The float64 sum of `n` terms in `[0, 1]` is off by
 * at most `(n - 1) * 2^-53` relative: 1.1e-9 at n = 10^7, far below float32's 2^-24.
 *
 * float64 rows: `Math.exp` (within one ulp) and Neumaier's compensated summation (A. Neumaier,
 * "Rundungsfehleranalyse einiger Verfahren zur Summation endlicher Summen", ZAMM 54, 1974), so
 * the sum is accurate to a few ulps whatever `n`.
 *
 * @packageDocumentation
 */
// biome-ignore-all lint/complexity/useMathMinMax: the clamps are ternaries on purpose: they map NaN to the cut-off (Math.min would keep it) and measured a little faster in V8
import { EXP_TABLE, STEPS_PER_NAT } from './fast-exp.js';

/**
 * Steps of the exp table per unit of `max - x` at this temperature: `(32 / ln 2) / T`, capped at
 * 1e308. Uncapped it would overflow for `T` below ~2.6e-307, and `(max - x) = 0` times Infinity is
 * NaN. The cap changes no float32 result: a nonzero `max - x` of float32 values is at least
 * 2^-149, so with the cap it still gives more than 10^263 steps, far beyond the cut-off, as the
 * exact quotient does; and `max - x = 0` gives 0 steps (exp = 1) as it should.
 *
 * @example
 * ```ts
 * stepsPerUnit(1); // 46.16624130844683
 * stepsPerUnit(5e-324); // 1e308
 * ```
 */
export function stepsPerUnit(temperature: number): number {
  return Math.min(STEPS_PER_NAT / temperature, 1e308);
}

/**
 * The float64 sum of `exp((x_i - max) / temperature)` over `[start, end)` of a float32 row; with
 * an `output` (which may be `input`), the terms are also written there, rounded to float32
 * (softmax). One function for both keeps the bundle small; the `output` check once per eight
 * entries measured ~2% slower than two copies.
 *
 * @example
 * ```ts
 * const x = new Float32Array([0, -1]);
 * sumExp32(x, 0, 2, 0, 1, null); // ~1.3678794411714423
 * sumExp32(x, 0, 2, 0, 1, x);    // the same; x is now ~[1, 0.36787945]
 * ```
 */
export function sumExp32(
  input: Float32Array,
  start: number,
  end: number,
  max: number,
  temperature: number,
  output: Float32Array | null,
): number {
  const scale = stepsPerUnit(temperature);
  const table = EXP_TABLE;
  // The constants of fast-exp.ts as literals: bundlers turn module-level `const` into `var`, and
  // V8 then treats them as boxed numbers in the loop (measured 1.6x slower). The tests sweep
  // every lane of this loop over the whole domain, so a wrong digit here would show.
  const cutoff = 4832; // EXP_CUTOFF_STEPS
  const magic = 6755399441055744; // ROUND_MAGIC = 1.5 * 2^52
  const c1 = 0.02166084939249829; // EXP_C1 = ln2 / 32
  const c2 = 2.3459619820224677e-4; // EXP_C2 = (ln2 / 32)^2 / 2
  const c3 = 1.6938509724371819e-6; // EXP_C3 = (ln2 / 32)^3 / 6
  let sum = 0;
  let i = start;
  // Per entry: u = steps below the max (>= 0, +Infinity for -Infinity entries), clamped to the
  // cut-off; k = round(u); t = k - u in [-1/2, 1/2]; exp = table[k] * exp(t * ln2/32).
  // Eight entries per iteration (V8 checks typed-array maps and bounds once per iteration),
  // computed two at a time with reused temporaries: 15% faster than four per iteration, and
  // within 3% of eight fully interleaved at 160 fewer gzipped bytes.
  let u0: number;
  let u1: number;
  let k0: number;
  let k1: number;
  let t0: number;
  let t1: number;
  for (const stop = end - 7; i < stop; i += 8) {
    u0 = (max - (input[i] as number)) * scale;
    u1 = (max - (input[i + 1] as number)) * scale;
    u0 = u0 < cutoff ? u0 : cutoff;
    u1 = u1 < cutoff ? u1 : cutoff;
    k0 = u0 + magic - magic;
    k1 = u1 + magic - magic;
    t0 = k0 - u0;
    t1 = k1 - u1;
    const e0 = (table[k0 | 0] as number) * (1 + t0 * (c1 + t0 * (c2 + t0 * c3)));
    const e1 = (table[k1 | 0] as number) * (1 + t1 * (c1 + t1 * (c2 + t1 * c3)));
    u0 = (max - (input[i + 2] as number)) * scale;
    u1 = (max - (input[i + 3] as number)) * scale;
    u0 = u0 < cutoff ? u0 : cutoff;
    u1 = u1 < cutoff ? u1 : cutoff;
    k0 = u0 + magic - magic;
    k1 = u1 + magic - magic;
    t0 = k0 - u0;
    t1 = k1 - u1;
    const e2 = (table[k0 | 0] as number) * (1 + t0 * (c1 + t0 * (c2 + t0 * c3)));
    const e3 = (table[k1 | 0] as number) * (1 + t1 * (c1 + t1 * (c2 + t1 * c3)));
    u0 = (max - (input[i + 4] as number)) * scale;
    u1 = (max - (input[i + 5] as number)) * scale;
    u0 = u0 < cutoff ? u0 : cutoff;
    u1 = u1 < cutoff ? u1 : cutoff;
    k0 = u0 + magic - magic;
    k1 = u1 + magic - magic;
    t0 = k0 - u0;
    t1 = k1 - u1;
    const e4 = (table[k0 | 0] as number) * (1 + t0 * (c1 + t0 * (c2 + t0 * c3)));
    const e5 = (table[k1 | 0] as number) * (1 + t1 * (c1 + t1 * (c2 + t1 * c3)));
    u0 = (max - (input[i + 6] as number)) * scale;
    u1 = (max - (input[i + 7] as number)) * scale;
    u0 = u0 < cutoff ? u0 : cutoff;
    u1 = u1 < cutoff ? u1 : cutoff;
    k0 = u0 + magic - magic;
    k1 = u1 + magic - magic;
    t0 = k0 - u0;
    t1 = k1 - u1;
    const e6 = (table[k0 | 0] as number) * (1 + t0 * (c1 + t0 * (c2 + t0 * c3)));
    const e7 = (table[k1 | 0] as number) * (1 + t1 * (c1 + t1 * (c2 + t1 * c3)));
    if (output !== null) {
      output[i] = e0;
      output[i + 1] = e1;
      output[i + 2] = e2;
      output[i + 3] = e3;
      output[i + 4] = e4;
      output[i + 5] = e5;
      output[i + 6] = e6;
      output[i + 7] = e7;
    }
    sum += e0 + e1 + (e2 + e3) + (e4 + e5 + (e6 + e7));
  }
  for (; i < end; i++) {
    u0 = (max - (input[i] as number)) * scale;
    u0 = u0 < cutoff ? u0 : cutoff;
    k0 = u0 + magic - magic;
    t0 = k0 - u0;
    const e = (table[k0 | 0] as number) * (1 + t0 * (c1 + t0 * (c2 + t0 * c3)));
    if (output !== null) output[i] = e;
    sum += e;
  }
  return sum;
}

/**
 * The compensated sum of `exp((x_i - max) / temperature)` over `[start, end)` of a float64 row;
 * with an `output` (which may be `input`), the terms are also written there (softmax). The
 * per-entry `output` check costs nothing measurable next to `Math.exp`.
 *
 * @example
 * ```ts
 * sumExp64(new Float64Array([0, -1]), 0, 2, 0, 1, null); // 1.3678794411714423
 * ```
 */
export function sumExp64(
  input: Float64Array,
  start: number,
  end: number,
  max: number,
  temperature: number,
  output: Float64Array | null,
): number {
  let sum = 0;
  let compensation = 0;
  for (let i = start; i < end; i++) {
    // Subtract, then divide: with a subnormal temperature (x - max) = 0 must stay 0, not NaN.
    const e = Math.exp(((input[i] as number) - max) / temperature);
    if (output !== null) output[i] = e;
    const next = sum + e;
    compensation += sum >= e ? sum - next + e : e - next + sum;
    sum = next;
  }
  return sum + compensation;
}

/**
 * `log(sum_j exp((x_j - max) / temperature))` over `[start, end)`, accurate relative to its own
 * size (SPEC, "Accuracy of the logarithms"): with `k` the first index of the max, whose term is
 * exactly 1, it is `log1p(s)` with `s` the sum of the other terms, summed without the 1. Summing
 * the 1 in would round `1 + s` to 1 for any `s` below 2^-53 (`[0, -40]`: s = 4.2e-18) and leave
 * `log(1 + s)` with an absolute error of `n * 2^-53`, unbounded relative to a small result. `k` is
 * found with the native `indexOf` (well under the cost of the exps); should the max not be in the
 * row (core guarantees it is), the plain `log` of the full sum is returned.
 *
 * @example
 * ```ts
 * logSumOfExps(new Float64Array([0, -40]), 0, 2, 0, 1); // 4.248354255291589e-18
 * ```
 */
export function logSumOfExps(
  input: Float32Array | Float64Array,
  start: number,
  end: number,
  max: number,
  temperature: number,
): number {
  // One call site for both dtypes (a per-row call, not per entry): smaller in the bundle.
  const sum = (input instanceof Float32Array ? sumExp32 : sumExp64) as (
    input: Float32Array | Float64Array,
    start: number,
    end: number,
    max: number,
    temperature: number,
    output: null,
  ) => number;
  const k = input.indexOf(max, start);
  return k < 0 || k >= end
    ? Math.log(sum(input, start, end, max, temperature, null))
    : Math.log1p(
        sum(input, start, k, max, temperature, null) +
          sum(input, k + 1, end, max, temperature, null),
      );
}
