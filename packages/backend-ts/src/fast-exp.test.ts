import { describe, expect, it } from 'vitest';
import {
  EXP_C1,
  EXP_C2,
  EXP_C3,
  EXP_CUTOFF_STEPS,
  EXP_TABLE,
  fastExpSteps,
  STEPS_PER_NAT,
} from './fast-exp.js';

// The bound derived in fast-exp.ts: Taylor remainder 5.860e-10 plus < 1e-15 of rounding.
const DERIVED_BOUND = 5.87e-10;
// The reference Math.exp(-u * ln2/32) has its own error: one ulp of the result (2^-52) plus the
// rounding of its argument u * ln2/32 (relative 2^-52 of an argument up to 105 in size).
const REFERENCE_SLACK = 2 ** -52 + 105 * 2 ** -52;
const STEP = Math.LN2 / 32;

function relativeError(u: number): number {
  const reference = Math.exp(-u * STEP);
  return Math.abs(fastExpSteps(u) / reference - 1);
}

describe('fastExpSteps', () => {
  it('is within its derived bound on every table interval, sampled densely (4833 intervals x 65 points)', () => {
    let worst = 0;
    let worstAt = 0;
    // Every integer k below the cut-off owns the interval [k - 1/2, k + 1/2] (clipped at 0). 64
    // equal sub-steps plus both ends, the ends being where the polynomial's error is largest.
    for (let k = 0; k < EXP_CUTOFF_STEPS; k++) {
      for (let j = 0; j <= 64; j++) {
        const u = k - 0.5 + j / 64;
        if (u < 0 || u >= EXP_CUTOFF_STEPS - 0.5) continue;
        const error = relativeError(u);
        if (error > worst) {
          worst = error;
          worstAt = u;
        }
      }
    }
    expect(worst, `worst at u = ${worstAt}`).toBeLessThan(DERIVED_BOUND + REFERENCE_SLACK);
    // The bound is not vacuous: the degree-3 remainder is visible at the interval ends.
    expect(worst).toBeGreaterThan(DERIVED_BOUND / 4);
  });

  it('is within its derived bound at a million random points of its domain', () => {
    let seed = 12345;
    const next = () => {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      return seed / 2 ** 32;
    };
    let worst = 0;
    for (let n = 0; n < 1_000_000; n++) {
      worst = Math.max(worst, relativeError(next() * (EXP_CUTOFF_STEPS - 0.5)));
    }
    expect(worst).toBeLessThan(DERIVED_BOUND + REFERENCE_SLACK);
  });

  it('is exactly 1 at 0 and exactly 0 from the cut-off on, +Infinity included', () => {
    expect(fastExpSteps(0)).toBe(1);
    expect(fastExpSteps(EXP_CUTOFF_STEPS - 0.5 + 2 ** -40)).toBe(0);
    expect(fastExpSteps(EXP_CUTOFF_STEPS)).toBe(0);
    expect(fastExpSteps(1e300)).toBe(0);
    expect(fastExpSteps(Number.POSITIVE_INFINITY)).toBe(0);
  });

  it('cuts off only where the true value rounds to 0 in float32', () => {
    // The smallest argument that gives 0 has a true value below 2^-150, half the smallest
    // float32 subnormal, so Math.fround of the true value is 0 as well.
    const firstZero = EXP_CUTOFF_STEPS - 0.5;
    expect(Math.fround(Math.exp(-firstZero * STEP))).toBe(0);
    // Just below it the approximation is still within its bound (checked above) and positive.
    expect(fastExpSteps(firstZero - 2 ** -30)).toBeGreaterThan(0);
  });

  it('agrees with Math.exp for natural-log arguments converted with STEPS_PER_NAT', () => {
    for (const y of [1e-300, 1e-8, 0.5, 1, 2, 10, 50, 87, 103]) {
      const value = fastExpSteps(y * STEPS_PER_NAT);
      // Conversion to steps adds rounding of relative 2^-52 times y.
      expect(Math.abs(value / Math.exp(-y) - 1)).toBeLessThan(DERIVED_BOUND + (y + 2) * 2 ** -52);
    }
  });

  it('has Taylor coefficients equal to (ln2/32)^j / j! as computed in float64', () => {
    const step = Math.LN2 / 32;
    expect(EXP_C1).toBe(step);
    expect(EXP_C2).toBe((step * step) / 2);
    expect(EXP_C3).toBe((step * step * step) / 6);
  });

  it('has exact powers of two at every 32nd table entry and 0 at the cut-off', () => {
    for (let k = 0; k < EXP_CUTOFF_STEPS; k += 32) expect(EXP_TABLE[k]).toBe(2 ** (-k / 32));
    expect(EXP_TABLE[EXP_CUTOFF_STEPS]).toBe(0);
  });
});
