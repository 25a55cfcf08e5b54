import { describe, expect, it } from 'vitest';
import { logSumExpRows } from './log-sum-exp-rows.js';
import { EPS32, EPS64, makeRequest, referenceLogSumExp, seeded } from './test-support/reference.js';

const EXP_ERROR = 5.87e-10 + 105 * 3 * EPS64;

function randomRow(n: number, spread: number, seed: number): Float64Array {
  const next = seeded(seed);
  return Float64Array.from({ length: n }, () => (next() * 2 - 1) * spread);
}

describe('logSumExpRows', () => {
  it.each([1, 10, 1000, 32_768, 1_000_000])(
    'is within one float32 rounding of a float64 reference at n = %i',
    (n) => {
      const input = Float32Array.from(randomRow(n, 20, 5 * n));
      const request = makeRequest('logSumExp', input, 1, n);
      logSumExpRows(request);
      const expected = referenceLogSumExp(input);
      // Rounding m + log(sum) to float32: EPS32 relative; the sum's relative error becomes an
      // absolute error of the log.
      const bound = Math.abs(expected) * (EPS32 + 2 * EPS64) + EXP_ERROR + (n + 8) * EPS64;
      expect(Math.abs((request.output[0] as number) - expected)).toBeLessThanOrEqual(bound);
    },
  );

  it.each([1, 1000, 1_000_000])(
    'is within a few float64 ulps for float64 rows at n = %i (no drift)',
    (n) => {
      const input = randomRow(n, 500, 7 * n);
      const request = makeRequest('logSumExp', input, 1, n);
      logSumExpRows(request);
      const expected = referenceLogSumExp(input);
      expect(Math.abs((request.output[0] as number) - expected)).toBeLessThanOrEqual(
        Math.abs(expected) * 2 * EPS64 + 8 * EPS64,
      );
    },
  );

  it('writes one value per row, ignoring -Infinity entries', () => {
    const input = new Float64Array([0, 0, Number.NEGATIVE_INFINITY, 5, 5, 5]);
    const request = makeRequest('logSumExp', input, 2, 3);
    logSumExpRows(request);
    expect(request.output.length).toBe(2);
    expect(request.output[0]).toBeCloseTo(Math.LN2, 15);
    expect(request.output[1]).toBeCloseTo(5 + Math.log(3), 14);
  });

  it('stays finite for the largest finite values of both dtypes', () => {
    const f32 = makeRequest(
      'logSumExp',
      new Float32Array([3.4028234663852886e38, -3.4028234663852886e38]),
      1,
      2,
    );
    logSumExpRows(f32);
    expect(f32.output[0]).toBe(3.4028234663852886e38);
    const f64 = makeRequest(
      'logSumExp',
      new Float64Array([1.7976931348623157e308, 1.7976931348623157e308]),
      1,
      2,
    );
    logSumExpRows(f64);
    // m + log 2 rounds back to m: the largest double, not Infinity.
    expect(f64.output[0]).toBe(1.7976931348623157e308);
  });
});
