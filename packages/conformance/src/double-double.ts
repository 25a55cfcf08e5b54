/**
 * Double-double arithmetic: a value is the unevaluated sum `hi + lo` of two float64 numbers with
 * `|lo| <= ulp(hi) / 2`, about 106 significant bits. It is what makes the reference of this suite
 * "higher than float64": every operation below has a relative error of a few 2^-104.
 *
 * Algorithms: TwoSum (Knuth, TAOCP vol. 2, 4.2.2), Dekker's splitting and TwoProduct (Dekker,
 * "A floating-point technique for extending the available precision", 1971), and the
 * double-double add/multiply/divide of Hida, Li and Bailey, "Algorithms for quad-double precision
 * floating point arithmetic" (2001).
 *
 * Calling convention (for speed, no allocation per operation): each function returns the high
 * part and leaves the low part in {@link ddLow}. Every function is synchronous, so the register
 * cannot be overwritten between a call and the read that follows it.
 *
 * @example
 * ```ts
 * const hi = ddAdd(1, 0, 1e-20, 0); // hi = 1
 * const lo = ddLow();               // lo = 1e-20
 * ```
 */

let low = 0;

/** The low part of the last double-double result. */
export function ddLow(): number {
  return low;
}

const SPLITTER = 134217729; // 2^27 + 1, Dekker's splitting constant for float64
/** Above this magnitude the splitting overflows; callers fall back to plain float64 there. */
const SPLIT_LIMIT = 2 ** 995;

/** `a + b` exactly as `hi + lo` (Knuth's TwoSum). Infinite sums come back with `lo = 0`. */
export function twoSum(a: number, b: number): number {
  const s = a + b;
  if (!Number.isFinite(s)) {
    low = 0;
    return s;
  }
  const bb = s - a;
  low = a - (s - bb) + (b - bb);
  return s;
}

/** `a * b` exactly as `hi + lo` (Dekker's TwoProduct); plain product when out of range. */
export function twoProd(a: number, b: number): number {
  const p = a * b;
  if (!Number.isFinite(p) || Math.abs(a) > SPLIT_LIMIT || Math.abs(b) > SPLIT_LIMIT) {
    low = 0;
    return p;
  }
  let t = SPLITTER * a;
  const aHi = t - (t - a);
  const aLo = a - aHi;
  t = SPLITTER * b;
  const bHi = t - (t - b);
  const bLo = b - bHi;
  low = aHi * bHi - p + aHi * bLo + aLo * bHi + aLo * bLo;
  return p;
}

/** Renormalises `a + b` assuming `|a| >= |b|`. */
function quickTwoSum(a: number, b: number): number {
  const s = a + b;
  if (!Number.isFinite(s)) {
    low = 0;
    return s;
  }
  low = b - (s - a);
  return s;
}

/** Double-double sum `(aHi + aLo) + (bHi + bLo)`. */
export function ddAdd(aHi: number, aLo: number, bHi: number, bLo: number): number {
  const s = twoSum(aHi, bHi);
  if (!Number.isFinite(s)) return s;
  let e = low;
  const t = twoSum(aLo, bLo);
  const f = low;
  e += t;
  const s2 = quickTwoSum(s, e);
  const e2 = low + f;
  return quickTwoSum(s2, e2);
}

/** Double-double product. */
export function ddMul(aHi: number, aLo: number, bHi: number, bLo: number): number {
  const p = twoProd(aHi, bHi);
  if (!Number.isFinite(p)) return p;
  const e = low + (aHi * bLo + aLo * bHi);
  return quickTwoSum(p, e);
}

/** Double-double quotient (three correction steps of long division). */
export function ddDiv(aHi: number, aLo: number, bHi: number, bLo: number): number {
  const q1 = aHi / bHi;
  if (!Number.isFinite(q1) || q1 === 0 || Math.abs(q1) > SPLIT_LIMIT) {
    low = 0;
    return q1;
  }
  // r = a - q1 * b
  let pHi = ddMul(q1, 0, bHi, bLo);
  let pLo = low;
  let rHi = ddAdd(aHi, aLo, -pHi, -pLo);
  let rLo = low;
  const q2 = rHi / bHi;
  pHi = ddMul(q2, 0, bHi, bLo);
  pLo = low;
  rHi = ddAdd(rHi, rLo, -pHi, -pLo);
  rLo = low;
  const q3 = rHi / bHi;
  const s = quickTwoSum(q1, q2);
  return ddAdd(s, low, q3, 0);
}

const LN2_HI = Math.LN2;
const LN2_LO = 2.3190468138462996e-17; // ln 2 - Math.LN2
/** 1/k! as double-doubles for k = 0..12 (computed once by double-double division). */
const INV_FACTORIAL_HI: number[] = [];
const INV_FACTORIAL_LO: number[] = [];
{
  let factorial = 1;
  for (let k = 0; k <= 12; k++) {
    if (k > 0) factorial *= k; // exact: 12! < 2^53
    INV_FACTORIAL_HI.push(ddDiv(1, 0, factorial, 0));
    INV_FACTORIAL_LO.push(low);
  }
}

/**
 * `exp(hi + lo)` in double-double, relative error below 2^-95 for arguments above -700.
 *
 * Method: `z = k ln2 + r` with `|r| <= ln2/2` (ln 2 as a double-double), `s = r / 2^9`, a degree-11
 * Taylor polynomial for `expm1(s)` (truncation below 2^-110 for `|s| <= 6.8e-4`), then nine
 * squarings `expm1(2s) = expm1(s) (expm1(s) + 2)`, which keep the relative accuracy of expm1,
 * and a final exact scaling by `2^k`. Below -700 the result is smaller than 1e-304, far under
 * every error floor of the suite, and `Math.exp` (1 ulp) is used.
 */
export function ddExp(zHi: number, zLo: number): number {
  if (Number.isNaN(zHi)) {
    low = 0;
    return Number.NaN;
  }
  if (zHi < -700) {
    low = 0;
    return Math.exp(zHi + zLo);
  }
  if (zHi > 709) {
    low = 0;
    return Math.exp(zHi + zLo);
  }
  const k = Math.round(zHi / LN2_HI);
  // r = z - k ln2; k * LN2 as a double-double
  let kHi = twoProd(k, LN2_HI);
  let kLo = low + k * LN2_LO;
  kHi = quickTwoSum(kHi, kLo);
  kLo = low;
  const rHi = ddAdd(zHi, zLo, -kHi, -kLo);
  const rLo = low;
  const sHi = rHi / 512;
  const sLo = rLo / 512;
  // Horner: p = 1/11! ; p = p s + 1/k! ... down to 1/1!, then expm1(s) = p s
  let pHi = INV_FACTORIAL_HI[11] as number;
  let pLo = INV_FACTORIAL_LO[11] as number;
  for (let j = 10; j >= 1; j--) {
    pHi = ddMul(pHi, pLo, sHi, sLo);
    pLo = low;
    pHi = ddAdd(pHi, pLo, INV_FACTORIAL_HI[j] as number, INV_FACTORIAL_LO[j] as number);
    pLo = low;
  }
  let mHi = ddMul(pHi, pLo, sHi, sLo);
  let mLo = low;
  for (let j = 0; j < 9; j++) {
    const aHi = ddAdd(mHi, mLo, 2, 0);
    const aLo = low;
    mHi = ddMul(mHi, mLo, aHi, aLo);
    mLo = low;
  }
  let eHi = ddAdd(1, 0, mHi, mLo);
  let eLo = low;
  // scale by 2^k in two exact steps (2^k alone may not be representable near the ends)
  const k1 = Math.trunc(k / 2);
  const f1 = 2 ** k1;
  const f2 = 2 ** (k - k1);
  eHi = eHi * f1 * f2;
  eLo = eLo * f1 * f2;
  low = eLo;
  return eHi;
}

/**
 * `log(hi + lo)` in double-double for a positive finite argument: `Math.log` as a first guess,
 * then one Newton step `y + (x - exp(y)) / exp(y)`, which doubles the number of correct bits
 * (relative error below 2^-95 of the result, absolute below 2^-100 near `x = 1`).
 */
export function ddLog(xHi: number, xLo: number): number {
  const y = Math.log(xHi);
  if (!Number.isFinite(y) || y < -700 || y > 700) {
    low = 0;
    return y;
  }
  const eHi = ddExp(y, 0);
  const eLo = low;
  const dHi = ddAdd(xHi, xLo, -eHi, -eLo);
  const dLo = low;
  const qHi = ddDiv(dHi, dLo, eHi, eLo);
  const qLo = low;
  return ddAdd(y, 0, qHi, qLo);
}

/** 1/k as double-doubles for k = 1..12 (the log1p series). */
const INV_HI: number[] = [0];
const INV_LO: number[] = [0];
for (let k = 1; k <= 12; k++) {
  INV_HI.push(ddDiv(1, 0, k, 0));
  INV_LO.push(low);
}

/**
 * `log(1 + (hi + lo))` in double-double for `hi + lo >= 0`, accurate relative to the result
 * also when it is tiny (the logarithms' accuracy rule of SPEC): above 2^-10 by {@link ddLog} of
 * `1 + s` (its absolute error near 1, 2^-100, is below 2^-89 relative there), below by the
 * series `s - s^2/2 + ... - s^12/12`, whose first omitted term is under 2^-130 relative.
 */
export function ddLog1p(sHi: number, sLo: number): number {
  if (!(sHi > 0)) {
    low = 0;
    return sHi === 0 ? 0 : Number.NaN;
  }
  if (sHi > 2 ** -10) {
    const xHi = ddAdd(1, 0, sHi, sLo);
    return ddLog(xHi, low);
  }
  // Horner: r = 1/12; r = 1/k - s r for k = 11..1; log1p(s) = s r
  let rHi = INV_HI[12] as number;
  let rLo = INV_LO[12] as number;
  for (let k = 11; k >= 1; k--) {
    const pHi = ddMul(sHi, sLo, rHi, rLo);
    const pLo = low;
    rHi = ddAdd(INV_HI[k] as number, INV_LO[k] as number, -pHi, -pLo);
    rLo = low;
  }
  return ddMul(sHi, sLo, rHi, rLo);
}
