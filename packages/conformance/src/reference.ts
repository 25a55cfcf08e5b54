import { ddAdd, ddDiv, ddExp, ddLog1p, ddLow, twoSum } from './double-double.js';

/**
 * The reference for one regular row (finite max, finite T > 0), computed in double-double
 * arithmetic from the exact input values (see `double-double.ts`).
 *
 * Reference error: every value below carries a relative error under
 * {@link REFERENCE_RELATIVE_ERROR} (a few dozen double-double operations of ~2^-104 each, plus
 * the sum of up to 10^7 terms: 10^7 * 2^-104 < 2^-80), and an absolute error of at most 2^-1074
 * where the exact value is subnormal. Bounds add this term; it is never the deciding one.
 */
export interface ReferenceRow {
  readonly n: number;
  readonly max: number;
  readonly temperature: number;
  /** `z_i = (x_i - m) / T` (high parts); -Infinity for masked entries. */
  readonly z: Float64Array;
  /** `softmax_i` as `pHi + pLo`. */
  readonly pHi: Float64Array;
  readonly pLo: Float64Array;
  /** `logSoftmax_i` as `logpHi + logpLo`; -Infinity for masked entries. */
  readonly logpHi: Float64Array;
  readonly logpLo: Float64Array;
  /**
   * `log sum_j exp(z_j)` (>= 0), computed as `log1p(s)` with `s` the sum without the first max
   * entry's term (exactly 1), so it is accurate relative to itself also when tiny.
   */
  readonly logSum: number;
  /** Index of the first max entry (the term left out of `s`). */
  readonly maxIndex: number;
  /** `m + log sum_j exp(x_j - m)`: meaningful only when T = 1. */
  readonly lseHi: number;
  readonly lseLo: number;
}

/** Relative error of every reference value (see {@link ReferenceRow}). */
export const REFERENCE_RELATIVE_ERROR = 2 ** -80;

/**
 * Computes the reference softmax, logSoftmax and logSumExp of one regular row.
 *
 * @param row - the row's values exactly as the backend receives them (already rounded to the dtype)
 * @param temperature - finite and > 0 (subnormal allowed)
 * @example
 * ```ts
 * const ref = referenceRow([2, 1, 0.1], 1);
 * ref.pHi[0]; // 0.6590011388859679
 * ```
 */
export function referenceRow(row: ArrayLike<number>, temperature: number): ReferenceRow {
  const n = row.length;
  let max = Number.NEGATIVE_INFINITY;
  let maxIndex = -1;
  for (let i = 0; i < n; i++) {
    const v = row[i] as number;
    if (v > max) {
      max = v;
      maxIndex = i;
    }
  }
  if (!Number.isFinite(max) || !(temperature > 0) || !Number.isFinite(temperature)) {
    throw new Error(
      `referenceRow needs a finite row max and a finite T > 0 (got max ${max}, T ${temperature})`,
    );
  }
  const z = new Float64Array(n);
  const zLo = new Float64Array(n);
  const eHi = new Float64Array(n);
  const eLo = new Float64Array(n);
  let sHi = 0; // S = sum of all terms
  let sLo = 0;
  let restHi = 0; // s = S - 1: every term but the first max entry's
  let restLo = 0;
  for (let i = 0; i < n; i++) {
    const x = row[i] as number;
    if (x === Number.NEGATIVE_INFINITY) {
      z[i] = Number.NEGATIVE_INFINITY;
      continue;
    }
    // d = x - m exactly (TwoSum), then z = d / T in double-double
    let dHi = twoSum(x, -max);
    let dLo = ddLow();
    let zHi: number;
    let zl: number;
    if (!Number.isFinite(dHi)) {
      // x - m overflows float64 (e.g. -1.7e308 - 1.7e308): z = x/T - m/T, finite when T is large
      const aHi = ddDiv(x, 0, temperature, 0);
      const aLo = ddLow();
      const bHi = ddDiv(max, 0, temperature, 0);
      const bLo = ddLow();
      dHi = ddAdd(aHi, aLo, -bHi, -bLo);
      dLo = ddLow();
      zHi = dHi;
      zl = dLo;
    } else {
      zHi = ddDiv(dHi, dLo, temperature, 0);
      zl = ddLow();
    }
    z[i] = zHi;
    zLo[i] = zl;
    const e = ddExp(zHi, zl);
    eHi[i] = e;
    eLo[i] = ddLow();
    sHi = ddAdd(sHi, sLo, e, eLo[i] as number);
    sLo = ddLow();
    if (i !== maxIndex) {
      restHi = ddAdd(restHi, restLo, e, eLo[i] as number);
      restLo = ddLow();
    }
  }
  // the max entry contributes exp(0) = 1, so S = 1 + s >= 1 and log S = log1p(s) >= 0
  const logSumHi = ddLog1p(restHi, restLo);
  const logSumLo = ddLow();
  const pHi = new Float64Array(n);
  const pLo = new Float64Array(n);
  const logpHi = new Float64Array(n);
  const logpLo = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const zi = z[i] as number;
    if (zi === Number.NEGATIVE_INFINITY) {
      logpHi[i] = Number.NEGATIVE_INFINITY;
      continue;
    }
    pHi[i] = ddDiv(eHi[i] as number, eLo[i] as number, sHi, sLo);
    pLo[i] = ddLow();
    logpHi[i] = ddAdd(zi, zLo[i] as number, -logSumHi, -logSumLo);
    logpLo[i] = ddLow();
  }
  const lseHi = ddAdd(max, 0, logSumHi, logSumLo);
  const lseLo = ddLow();
  return {
    n,
    max,
    temperature,
    z,
    pHi,
    pLo,
    logpHi,
    logpLo,
    logSum: logSumHi,
    maxIndex,
    lseHi,
    lseLo,
  };
}

/**
 * Neumaier's compensated sum (an improved Kahan summation; Neumaier 1974): error at most
 * `2 eps_64 * sum|v| + O(n eps_64^2)`, independent of the summation length to first order.
 *
 * @example
 * ```ts
 * neumaierSum([1, 1e-16, -1]); // 1e-16
 * ```
 */
export function neumaierSum(values: ArrayLike<number>, start = 0, end = values.length): number {
  let sum = 0;
  let compensation = 0;
  for (let i = start; i < end; i++) {
    const v = values[i] as number;
    const t = sum + v;
    if (Math.abs(sum) >= Math.abs(v)) compensation += sum - t + v;
    else compensation += v - t + sum;
    sum = t;
  }
  return sum + compensation;
}
