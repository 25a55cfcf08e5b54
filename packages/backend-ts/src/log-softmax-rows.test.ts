import { describe, expect, it } from 'vitest';
import { logSoftmaxRows } from './log-softmax-rows.js';
import {
  EPS32,
  EPS64,
  makeRequest,
  referenceLogSoftmax,
  seeded,
} from './test-support/reference.js';

// Relative error of the table-driven exp (fast-exp.ts) and of its argument's rounding.
const EXP_ERROR = 5.87e-10 + 105 * 3 * EPS64;

/**
 * Largest excess of |actual - expected| over the per-entry bound `abs + rel * |expected|`;
 * <= 0 means every entry is within its bound. NaN anywhere gives NaN.
 */
function worstExcess(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  abs: number,
  rel: number,
): number {
  let worst = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i] as number;
    const a = actual[i] as number;
    const excess = (a === e ? 0 : Math.abs(a - e)) - (abs + rel * Math.abs(e));
    if (!(excess <= worst)) worst = excess;
  }
  return worst;
}

function randomRow(n: number, spread: number, seed: number): Float64Array {
  const next = seeded(seed);
  return Float64Array.from({ length: n }, () => (next() * 2 - 1) * spread);
}

describe('logSoftmaxRows', () => {
  it.each([1, 5, 10, 1000, 32_768, 1_000_000])(
    'is within one float32 rounding (plus the log-sum error) of a float64 reference at n = %i',
    (n) => {
      const input = Float32Array.from(randomRow(n, 30, n));
      const request = makeRequest('logSoftmax', input, 1, n, { temperature: 0.8 });
      logSoftmaxRows(request);
      // Final rounding to float32: EPS32 relative. log(sum) carries the sum's relative error
      // (exp error + (n + 8) EPS64) as an absolute error; (x - m) / T adds 2 EPS64 relative.
      const abs = EXP_ERROR + (n + 8) * EPS64;
      const rel = EPS32 + (n + 8) * EPS64;
      expect(
        worstExcess(request.output, referenceLogSoftmax(input, 0.8), abs, rel),
      ).toBeLessThanOrEqual(0);
    },
  );

  it.each([1, 10, 1000, 1_000_000])(
    'is within a few float64 ulps of the reference for float64 rows at n = %i',
    (n) => {
      const input = randomRow(n, 300, 3 * n);
      const request = makeRequest('logSoftmax', input, 1, n, { temperature: 1.7 });
      logSoftmaxRows(request);
      // log of a sum accurate to 4 EPS64 (both sums) adds 4 EPS64 absolute; the subtraction and the
      // division 2 EPS64 relative. Doubled for slack; no n in the bound.
      expect(
        worstExcess(request.output, referenceLogSoftmax(input, 1.7), 8 * EPS64, 4 * EPS64),
      ).toBeLessThanOrEqual(0);
    },
  );

  it('gives -Infinity for -Infinity entries and finite values elsewhere, in both dtypes', () => {
    for (const input of [
      new Float32Array([0, Number.NEGATIVE_INFINITY, 0]),
      new Float64Array([0, Number.NEGATIVE_INFINITY, 0]),
    ]) {
      const request = makeRequest('logSoftmax', input, 1, 3);
      logSoftmaxRows(request);
      expect(request.output[1]).toBe(Number.NEGATIVE_INFINITY);
      expect(request.output[0]).toBeCloseTo(-Math.LN2, 6);
      expect(request.output[2]).toBe(request.output[0]);
    }
  });

  it('gives finite or -Infinity values, never NaN, for the largest finite values and tiny temperatures', () => {
    const cases: [Float32Array | Float64Array, number][] = [
      [new Float32Array([-3.4028234663852886e38, 3.4028234663852886e38]), 1],
      [new Float32Array([-3.4028234663852886e38, 3.4028234663852886e38]), 5e-324],
      [new Float32Array([1, 2, 2]), 1e-45],
      [new Float64Array([-1.7976931348623157e308, 1.7976931348623157e308]), 1],
      [new Float64Array([0, 5e-324]), 5e-324],
    ];
    for (const [input, t] of cases) {
      const request = makeRequest('logSoftmax', input, 1, input.length, { temperature: t });
      logSoftmaxRows(request);
      for (const value of request.output)
        expect(Number.isNaN(value) || value === Number.POSITIVE_INFINITY).toBe(false);
      expect(Math.max(...request.output)).toBeLessThanOrEqual(0);
    }
  });

  it('gives -log(2) on the two maxima and -Infinity elsewhere in the tiny-temperature limit', () => {
    const request = makeRequest('logSoftmax', new Float32Array([1, 2, 2]), 1, 3, {
      temperature: 1e-45,
    });
    logSoftmaxRows(request);
    expect(request.output[0]).toBe(Number.NEGATIVE_INFINITY);
    expect(request.output[1]).toBe(Math.fround(-Math.LN2));
  });

  it('works in place', () => {
    const input = Float32Array.from(randomRow(1003, 9, 11));
    const expected = referenceLogSoftmax(input, 1.1);
    logSoftmaxRows(makeRequest('logSoftmax', input, 1, 1003, { temperature: 1.1, output: input }));
    expect(
      worstExcess(input, expected, EXP_ERROR + 1011 * EPS64, EPS32 + 1011 * EPS64),
    ).toBeLessThanOrEqual(0);
  });
});
