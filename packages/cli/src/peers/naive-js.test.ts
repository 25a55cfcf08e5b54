import { describe, expect, it } from 'vitest';
import { naiveLogSoftmax, naiveLogSumExp, naiveSoftmax } from './naive-js.js';
import { referenceRow } from './reference.js';

describe('naiveSoftmax', () => {
  it("gives SPEC's worked examples row by row", () => {
    const input = Float64Array.of(2, 1, 0.1, 2, 1, 0.5);
    const output = new Float64Array(6);
    naiveSoftmax(input, output, 2, 3);
    const expected = [0.659001, 0.242433, 0.098566, 0.628532, 0.231224, 0.140244];
    // SPEC rounds to 6 decimals: within half a unit in the 6th place.
    for (const [i, p] of expected.entries()) {
      expect(Math.abs((output[i] as number) - p)).toBeLessThanOrEqual(5e-7);
    }
    expect(input).toEqual(Float64Array.of(2, 1, 0.1, 2, 1, 0.5));
  });
});

// Rows whose values are moderate (the naive forms lose nothing there): SPEC's examples, a shifted
// row (max 1e3: the max is subtracted before exp), and a row with a masked entry.
const ROWS = [
  [2, 1, 0.1],
  [2, 1, 0.5],
  [1000, 999, 998.5],
  [-3, Number.NEGATIVE_INFINITY, 4],
];
const COLS = 3;
// float64 throughout: exp, a sum of 3 and a log, each a few units of 2^-53 relative to the terms.
const BOUND = 16 * 2 ** -53;

describe('naiveLogSoftmax', () => {
  it('matches the float64 reference row by row, and -Infinity stays -Infinity', () => {
    const input = Float64Array.from(ROWS.flat());
    const output = new Float64Array(input.length);
    naiveLogSoftmax(input, output, ROWS.length, COLS);
    ROWS.forEach((row, r) => {
      const exact = referenceRow('logSoftmax', row);
      exact.forEach((want, c) => {
        const got = output[r * COLS + c] as number;
        if (want === Number.NEGATIVE_INFINITY) expect(got).toBe(Number.NEGATIVE_INFINITY);
        // x - (max + log(sum)): the rounding of that shift scales with |x| (the textbook form
        // SPEC's accuracy section warns about), so the bound is relative to |x| + 1.
        else
          expect(Math.abs(got - want)).toBeLessThanOrEqual(
            BOUND * (Math.abs(row[c] as number) + 1),
          );
      });
    });
    // log(0.659001...) for SPEC's first worked example, to 6 digits.
    expect(output[0]).toBeCloseTo(Math.log(0.659001), 5);
    expect(input).toEqual(Float64Array.from(ROWS.flat()));
  });
});

describe('naiveLogSumExp', () => {
  it('writes one value per row, matching the float64 reference', () => {
    const input = Float64Array.from(ROWS.flat());
    const output = new Float64Array(ROWS.length);
    naiveLogSumExp(input, output, ROWS.length, COLS);
    ROWS.forEach((row, r) => {
      const want = referenceRow('logSumExp', row)[0] as number;
      expect(Math.abs((output[r] as number) - want)).toBeLessThanOrEqual(BOUND * Math.abs(want));
    });
    // log(e^2 + e + e^0.1) = 2.417030..., by hand.
    expect(output[0]).toBeCloseTo(Math.log(Math.exp(2) + Math.exp(1) + Math.exp(0.1)), 14);
    expect(output[2]).toBeGreaterThan(1000);
  });
});
