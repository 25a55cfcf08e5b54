import type { PrecisionModel } from './precision.js';
import { REFERENCE_RELATIVE_ERROR, type ReferenceRow } from './reference.js';

/**
 * The error model every accuracy bound of the suite is derived from. `eps` is the unit roundoff
 * of the backend's declared compute precision for the input dtype; nothing here depends on a
 * backend's name or measured behaviour.
 *
 * A correct kernel (max subtracted before dividing by T) computes, for each entry,
 * `e_i = exp((x_i - m) / T)`, `S = sum e_i`, `p_i = e_i / S`, `logp_i = z_i - log S`, and may
 * round at these places:
 * - the argument `z_i` is rounded at most {@link ERROR_MODEL.argumentRoundings} times
 *   (`x_i - m`; T rounded to the compute precision, counted exactly as `rho_T`; the division;
 *   the exp's own range reduction). A relative perturbation `a` of the argument changes
 *   `exp(z)` by the factor `exp(|z| a)`, so entry i carries `Delta_i = |z_i| (4 eps + rho_T) /
 *   (1 - 4 eps - rho_T)`. When core converts float64 rows to a float32 kernel it rounds
 *   `x_i - m`; that rounding error is computed exactly and divided by T (it also covers
 *   underflow, where relative bounds do not hold).
 * - exp itself: within {@link ERROR_MODEL.expRoundoffs} eps (2 ulp).
 * - the sum: recursive summation in the compute precision, the worst case
 *   `gamma_{n-1} = (n-1) eps / (1 - (n-1) eps)` (Higham, Accuracy and Stability of Numerical
 *   Algorithms, 2nd ed., eq. 4.4); pairwise or compensated sums are well inside it.
 * - the normalisation: {@link ERROR_MODEL.divisionRoundoffs} eps (a reciprocal and a multiply).
 * - log: the logarithms are `m + log1p(s)` and `z_i - log1p(s)`, `s` the sum without the first
 *   max entry's term (SPEC, "Accuracy of the logarithms"): the error of the computed `s` is
 *   relative to `s`, so that of `log1p(s)` is relative to `log1p(s)`; log1p itself
 *   {@link ERROR_MODEL.logRoundoffs} eps relative; the final addition or subtraction 1 eps of the
 *   size of its terms (`|m| + log1p(s)`, `|z_i| + log1p(s)`).
 * - the output: when the output dtype is float32, its own rounding `eps_out = 2^-24` is added.
 * - underflow: results or intermediates below the smallest normal may be flushed or rounded in
 *   the subnormal range; each such step adds at most the smallest normal of its precision.
 * - the reference (double-double) adds {@link REFERENCE_RELATIVE_ERROR} relative.
 *
 * Combining relative errors multiplicatively (not to first order) gives the bounds below.
 */
export const ERROR_MODEL = {
  argumentRoundings: 4,
  expRoundoffs: 4,
  divisionRoundoffs: 2,
  logRoundoffs: 4,
} as const;

/** `gamma_k = k eps / (1 - k eps)`; Infinity when `k eps >= 1`. */
export function gamma(k: number, eps: number): number {
  const ke = Math.max(k, 0) * eps;
  return ke < 1 ? ke / (1 - ke) : Number.POSITIVE_INFINITY;
}

/** The derivations, as written into reports next to each bound. */
export const DERIVATION = {
  softmax:
    '|p_i - ref_i| <= ref_i*(exp(Delta_i + ln(1+4eps) + ln(1+2eps) + ln(1+eps_out) - ln(E_low (1-4eps)(1-gamma_{n-1}))) - 1) + 2 minNormal_c + minNormal_out; Delta_i = |z_i|(4eps+rho_T)/(1-4eps-rho_T) (+ exact float64->float32 conversion error of x_i-m, over T), E_low = sum_j ref_j exp(-Delta_j), gamma_k = k eps/(1-k eps); reported relative to max(ref_i, tau)',
  logSoftmax:
    '|logp_i - ref_i| <= Delta_i + E + (eps + eps_out)(1+eps)(|z_i| + L + Delta_i + E) + n minNormal_c + minNormal_out, relative to the size of the terms |z_i| + L = |ref_i|; L = log1p(s), s = sum_{j != k} exp(z_j) (k the first max), E = rho/(1-rho) L + 4eps(L + rho/(1-rho) L), rho = max |factor - 1| of the computed s (terms exp(+-Delta_j), (1+-4eps), (1+-gamma_{n-2}))',
  logSumExp:
    '|lse - ref| <= E + (eps + eps_out)(1+eps)(|m| + L + E) + n minNormal_c + minNormal_out, relative to the size of the terms |m| + L (E, L as for logSoftmax, T = 1): logSumExp([0, -40]) = 4.248e-18 has a bound of a few eps times 4.248e-18',
  rowSum:
    '|sum_i p_i - 1| <= sum_i A_i + 2*2^-53, A_i the per-entry softmax bound (in eps, eps_out, gamma_{n-1}), 2*2^-53 for the Neumaier sum of the check itself',
} as const;

/** Per-entry and per-row bounds for one reference row on one precision model. */
export interface RowBounds {
  /** Absolute bound on `|p_i - ref_i|`. */
  readonly softmax: Float64Array;
  /** Absolute bound on `|logp_i - ref_i|`. */
  readonly logSoftmax: Float64Array;
  /** Absolute bound on `|logSumExp - ref|` (meaningful when T = 1). */
  readonly logSumExp: number;
  /** Bound on `|sum_i p_i - 1|`. */
  readonly rowSum: number;
}

/**
 * Derives the bounds of {@link ERROR_MODEL} for one row.
 *
 * @param row - the row exactly as the backend received it
 * @example
 * ```ts
 * const bounds = rowBounds(row, referenceRow(row, 1), precisionModel(capabilities, 'float32'));
 * ```
 */
export function rowBounds(
  row: ArrayLike<number>,
  ref: ReferenceRow,
  model: PrecisionModel,
): RowBounds {
  const { eps, epsOut } = model;
  const n = ref.n;
  const temperature = ref.temperature;
  const rhoT = Math.abs(model.round(temperature) - temperature) / temperature;
  const argRelative = ERROR_MODEL.argumentRoundings * eps + rhoT;
  const argFactor = argRelative < 1 ? argRelative / (1 - argRelative) : Number.POSITIVE_INFINITY;
  // Delta_i bounds how far the computed exp(z_i) may be above (deltaUp) or below (deltaDown) the
  // exact one, as a log factor. An entry whose x_i - m overflows the compute precision may come
  // out as exp(-Infinity) = 0 (SPEC allows it: [-3e38, 3e38] -> [0, 1]): deltaDown = Infinity.
  const deltaUp = new Float64Array(n);
  const deltaDown = new Float64Array(n);
  let upSum = 0; // sum_j ref_j (exp(deltaUp_j) - 1)
  let lowSum = 0; // sum_j ref_j (exp(-deltaDown_j) - 1)
  // the same over j != k (k the first max entry): the terms of s = S - 1, whose log1p the
  // logarithms are computed from (SPEC, "Accuracy of the logarithms")
  let upRest = 0;
  let lowRest = 0;
  let massRest = 0; // sum_{j != k} ref_j = s / (1 + s)
  for (let i = 0; i < n; i++) {
    const z = ref.z[i] as number;
    // masked entries are checked for exact 0; z = -Infinity from an overflowing (x - m) / T
    // means exp(z) is below every representable number: only the floor applies there
    if (z === Number.NEGATIVE_INFINITY) continue;
    const d = (row[i] as number) - ref.max;
    let conversion = 0;
    if (model.narrowing) {
      conversion = Number.isFinite(d)
        ? Math.abs(model.round(d) - d) / temperature
        : Number.POSITIVE_INFINITY;
    }
    const di = (z === 0 ? 0 : Math.abs(z) * argFactor) + conversion;
    const overflows = !(Math.abs(d) <= model.largestCompute);
    deltaUp[i] = Number.isFinite(conversion) ? di : Math.abs(z) * argFactor;
    deltaDown[i] = overflows ? Number.POSITIVE_INFINITY : di;
    const up = deltaUp[i] as number;
    const r = ref.pHi[i] as number;
    const growth = Math.expm1(up);
    const upTerm =
      r > 0 && Number.isFinite(growth)
        ? r * growth
        : Math.max(0, Math.exp((ref.logpHi[i] as number) + up) - r);
    const lowTerm = r * Math.expm1(-(deltaDown[i] as number));
    upSum += upTerm;
    lowSum += lowTerm;
    if (i !== ref.maxIndex) {
      upRest += upTerm;
      lowRest += lowTerm;
      massRest += r;
    }
  }
  const gammaSum = gamma(n - 1, eps);
  const expUp = Math.log1p(ERROR_MODEL.expRoundoffs * eps);
  const expDown = Math.log1p(-ERROR_MODEL.expRoundoffs * eps);
  // log of the factor rho with computed sum = S * rho
  const logRhoUp = Math.log1p(upSum) + expUp + Math.log1p(gammaSum);
  const logRhoLow =
    gammaSum < 1 ? Math.log1p(lowSum) + expDown + Math.log1p(-gammaSum) : Number.NEGATIVE_INFINITY;
  const divUp = Math.log1p(ERROR_MODEL.divisionRoundoffs * eps) + Math.log1p(epsOut);
  const divDown = Math.log1p(-ERROR_MODEL.divisionRoundoffs * eps) + Math.log1p(-epsOut);
  const floorP = 2 * model.minNormalCompute + model.minNormalOut + 2 ** -1074;
  // Logarithms: L = log1p(s). The computed s is s * rho_s, rho_s from the terms' argument and
  // exp errors (relative to s: the rest sums over the mass of s) and the sum of n - 1 terms
  // (gamma_{n-2}); since s/(1+s) <= log1p(s), |log1p(s rho) - log1p(s)| <= |rho - 1|/(1 - |rho - 1|)
  // * L, relative to L itself, so a tiny L (logSumExp([0, -40]) = 4.2e-18) has a tiny bound.
  // Terms flushed below the smallest normal add at most n minNormal_c to s.
  const gammaRest = gamma(n - 2, eps);
  const rhoUp =
    massRest > 0
      ? Math.log1p(upRest / massRest) + expUp + Math.log1p(gammaRest)
      : Number.NEGATIVE_INFINITY;
  const rhoLow =
    massRest > 0 && gammaRest < 1
      ? Math.log1p(lowRest / massRest) + expDown + Math.log1p(-gammaRest)
      : massRest > 0
        ? Number.NEGATIVE_INFINITY
        : 0;
  const rho = massRest > 0 ? Math.max(Math.expm1(rhoUp), -Math.expm1(rhoLow)) : 0;
  const logSum = ref.logSum;
  const sError = rho < 1 ? (rho / (1 - rho)) * logSum : Number.POSITIVE_INFINITY;
  const logError = sError + ERROR_MODEL.logRoundoffs * eps * (logSum + sError);
  const floorLog = n * model.minNormalCompute + model.minNormalOut;
  const finalRounding = (eps + epsOut) * (1 + eps);

  const softmax = new Float64Array(n);
  const logSoftmax = new Float64Array(n);
  let rowSum = 2 * 2 ** -53;
  for (let i = 0; i < n; i++) {
    const r = ref.pHi[i] as number;
    const logp = ref.logpHi[i] as number;
    if ((row[i] as number) === Number.NEGATIVE_INFINITY) continue; // masked: exact 0 / -Infinity
    if (ref.z[i] === Number.NEGATIVE_INFINITY) {
      softmax[i] = floorP;
      rowSum += floorP;
      logSoftmax[i] = Number.POSITIVE_INFINITY; // the reference is -Infinity: checked exactly
      continue;
    }
    const di = deltaUp[i] as number;
    const upLog = di + expUp + divUp - logRhoLow;
    const lowLog = -(deltaDown[i] as number) + expDown + divDown - logRhoUp;
    const growth = Math.expm1(upLog);
    const up = r > 0 && Number.isFinite(growth) ? r * growth : Math.exp(logp + upLog);
    const down = r * -Math.expm1(lowLog);
    const bound = Math.max(up, down) + floorP + r * REFERENCE_RELATIVE_ERROR;
    softmax[i] = bound;
    rowSum += bound;
    // the terms z_i <= 0 and -L have the same sign: |z_i| + L = |logp_i|
    const magnitude = Math.abs(logp);
    logSoftmax[i] =
      di +
      logError +
      finalRounding * (magnitude + di + logError) +
      floorLog +
      REFERENCE_RELATIVE_ERROR * magnitude;
  }
  // logSumExp = m + L, bounded relative to the size of its terms |m| + L
  const terms = Math.abs(ref.max) + logSum;
  const logSumExp =
    logError + finalRounding * (terms + logError) + floorLog + REFERENCE_RELATIVE_ERROR * terms;
  return { softmax, logSoftmax, logSumExp, rowSum };
}
