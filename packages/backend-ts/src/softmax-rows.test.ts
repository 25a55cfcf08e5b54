import { describe, expect, it } from 'vitest';
import { softmaxRows } from './softmax-rows.js';
import {
  EPS32,
  EPS64,
  makeRequest,
  maxRelativeError,
  referenceSoftmax,
  seeded,
} from './test-support/reference.js';

// Relative error of the table-driven exp, derived in fast-exp.ts, plus the rounding of its
// argument (about 3 float64 roundings of a value up to 105 in size).
const EXP_ERROR = 5.87e-10 + 105 * 3 * EPS64;

/**
 * float32 bound per entry: the exp rounded to float32 (EPS32), the product with 1 / sum rounded
 * again (EPS32), the exp's own error, the float64 sum of n terms ((n - 1) EPS64) and its
 * reciprocal, plus a few float64 roundings in the reference. It stays below the 4e-7 that the
 * project requires for every n up to 10^7.
 */
const bound32 = (n: number) => 2 * EPS32 + EXP_ERROR + (n + 8) * EPS64;
/**
 * float64 bound per entry: Math.exp gets the same argument as in the reference, so only the sums
 * (compensated in the kernel, double-double in the reference: 2 EPS64 each), the reciprocal and
 * the product (1 EPS64 each) differ: 6 EPS64, doubled for slack. Independent of n: no drift.
 */
const BOUND64 = 12 * EPS64;

function randomRow(n: number, spread: number, seed: number): Float64Array {
  const next = seeded(seed);
  const row = new Float64Array(n);
  for (let i = 0; i < n; i++) row[i] = (next() * 2 - 1) * spread;
  return row;
}

describe('softmaxRows on float32 rows', () => {
  it.each([1, 2, 3, 4, 5, 7, 10, 1000, 32_768, 1_000_000])(
    'is within two float32 roundings of a float64 reference for every p >= 1e-30 at n = %i',
    (n) => {
      for (const [spread, t] of [
        [5, 1],
        [40, 0.7],
        [3, 3],
      ] as const) {
        const input = Float32Array.from(randomRow(n, spread, n + spread));
        const request = makeRequest('softmax', input, 1, n, { temperature: t });
        softmaxRows(request);
        const error = maxRelativeError(request.output, referenceSoftmax(input, t), 1e-30);
        expect(error).toBeLessThan(bound32(n));
      }
      expect(bound32(1e7)).toBeLessThan(4e-7);
    },
  );

  it('stays within the bound at the longest supported row, n = 10^7', () => {
    const n = 10_000_000;
    const next = seeded(99);
    const input = new Float32Array(n);
    for (let i = 0; i < n; i++) input[i] = (next() * 2 - 1) * 12;
    const request = makeRequest('softmax', input, 1, n);
    softmaxRows(request);
    // Streaming reference: double-double sum of Math.exp, then each entry checked on the fly.
    const max = request.rowMax[0] as number;
    let hi = 0;
    let lo = 0;
    for (let i = 0; i < n; i++) {
      const e = Math.exp((input[i] as number) - max);
      const s = hi + e;
      const bb = s - hi;
      lo += hi - (s - bb) + (e - bb);
      hi = s;
    }
    const sum = hi + lo;
    let worst = 0;
    for (let i = 0; i < n; i++) {
      const expected = Math.exp((input[i] as number) - max) / sum;
      const error = Math.abs((request.output[i] as number) - expected) / expected;
      if (!(error <= worst)) worst = error;
    }
    expect(worst).toBeLessThan(bound32(n));
    expect(bound32(n)).toBeLessThan(4e-7);
  });

  it('computes each row of a batch with its own temperature, independently of the others', () => {
    const rows = 32;
    const cols = 1000;
    const input = Float32Array.from(randomRow(rows * cols, 8, 7));
    const temperatures = Array.from({ length: rows }, (_, r) => 0.25 + r / 8);
    const request = makeRequest('softmax', input, rows, cols, { temperature: temperatures });
    softmaxRows(request);
    for (let r = 0; r < rows; r++) {
      const row = input.subarray(r * cols, (r + 1) * cols);
      const actual = request.output.subarray(r * cols, (r + 1) * cols);
      const expected = referenceSoftmax(row, temperatures[r]);
      expect(maxRelativeError(actual, expected, 1e-30)).toBeLessThan(bound32(cols));
    }
  });

  it('gives exactly 0 for -Infinity entries and the right mass to the others', () => {
    const input = new Float32Array([1, Number.NEGATIVE_INFINITY, 1, Number.NEGATIVE_INFINITY, 0]);
    const request = makeRequest('softmax', input, 1, 5);
    softmaxRows(request);
    expect(request.output[1]).toBe(0);
    expect(request.output[3]).toBe(0);
    const expected = referenceSoftmax([1, 1, 0]);
    expect(
      maxRelativeError(
        request.output.filter((_, i) => i % 2 === 0),
        expected,
      ),
    ).toBeLessThan(bound32(5));
  });

  it('gives [0, 1] for the largest finite float32 values, where x - m overflows float32', () => {
    const max = 3.4028234663852886e38;
    for (const t of [1, 1e-30, 1e30]) {
      const request = makeRequest('softmax', new Float32Array([-max, max]), 1, 2, {
        temperature: t,
      });
      softmaxRows(request);
      expect(Array.from(request.output)).toEqual([0, 1]);
    }
  });

  it('reaches the argmax limit without NaN for tiny temperatures (1e-30, 1e-45, 5e-324)', () => {
    const below2 = Math.fround(2 - 2 ** -22);
    for (const t of [1e-30, 1e-45, 5e-324]) {
      const request = makeRequest('softmax', new Float32Array([1, 2, below2, 2]), 1, 4, {
        temperature: t,
      });
      softmaxRows(request);
      expect(Array.from(request.output)).toEqual([0, 0.5, 0, 0.5]);
    }
  });

  it('treats subnormal logits as equal to zero up to rounding', () => {
    const tiny = 1e-45;
    const request = makeRequest('softmax', new Float32Array([tiny, 0, -tiny]), 1, 3);
    softmaxRows(request);
    for (const p of request.output) expect(Math.abs(p * 3 - 1)).toBeLessThan(bound32(3));
  });

  it('works in place: output may be the input buffer', () => {
    const input = Float32Array.from(randomRow(4099, 6, 3));
    const expected = referenceSoftmax(input, 0.9);
    const request = makeRequest('softmax', input, 1, 4099, { temperature: 0.9, output: input });
    softmaxRows(request);
    expect(maxRelativeError(input, expected, 1e-30)).toBeLessThan(bound32(4099));
  });

  it('leaves rows flagged in skip untouched', () => {
    const input = new Float32Array([1, 2, 3, 4, 5, 6]);
    const output = new Float32Array(6).fill(-7);
    const request = makeRequest('softmax', input, 2, 3, { output, skip: new Uint8Array([1, 0]) });
    softmaxRows(request);
    expect(Array.from(output.subarray(0, 3))).toEqual([-7, -7, -7]);
    expect(output[5]).toBeGreaterThan(0.6);
  });

  it('matches the worked examples of SPEC to 6 digits', () => {
    const cases: [number[], number, number[]][] = [
      [[2, 1, 0.1], 1, [0.659001, 0.242433, 0.098566]],
      [[2, 1, 0.5], 1, [0.628532, 0.231224, 0.140244]],
      [[2, 1, 0.5], 0.5, [0.843795, 0.114195, 0.04201]],
      [[2, 1, 0.5], 2, [0.481024, 0.291756, 0.22722]],
      [[3, 3, 3], 1.7, [1 / 3, 1 / 3, 1 / 3]],
    ];
    for (const [logits, t, expected] of cases) {
      const request = makeRequest('softmax', new Float32Array(logits), 1, 3, { temperature: t });
      softmaxRows(request);
      for (let i = 0; i < 3; i++) expect(request.output[i]).toBeCloseTo(expected[i] as number, 6);
    }
  });
});

describe('softmaxRows on float64 rows', () => {
  it.each([1, 3, 10, 1000, 32_768, 1_000_000])(
    'is within 12 float64 ulps of a float64 reference at n = %i (no drift with n)',
    (n) => {
      for (const [spread, t] of [
        [5, 1],
        [300, 0.7],
      ] as const) {
        const input = randomRow(n, spread, 2 * n + spread);
        const request = makeRequest('softmax', input, 1, n, { temperature: t });
        softmaxRows(request);
        expect(maxRelativeError(request.output, referenceSoftmax(input, t), 1e-300)).toBeLessThan(
          BOUND64,
        );
      }
    },
  );

  it('gives [0, 1] for the largest finite float64 values, where x - m overflows', () => {
    const request = makeRequest(
      'softmax',
      new Float64Array([-1.7976931348623157e308, 1.7976931348623157e308]),
      1,
      2,
    );
    softmaxRows(request);
    expect(Array.from(request.output)).toEqual([0, 1]);
  });

  it('divides by a subnormal temperature after subtracting the max, so no NaN appears', () => {
    // (x - m) / T = -1 exactly for the first entry: p = [e^-1, 1] / (1 + e^-1).
    const request = makeRequest('softmax', new Float64Array([0, 5e-324]), 1, 2, {
      temperature: 5e-324,
    });
    softmaxRows(request);
    const expected = referenceSoftmax([-1, 0]);
    expect(maxRelativeError(request.output, expected)).toBeLessThan(BOUND64);
    const masked = makeRequest(
      'softmax',
      new Float64Array([Number.NEGATIVE_INFINITY, 3, 3]),
      1,
      3,
      {
        temperature: 5e-324,
      },
    );
    softmaxRows(masked);
    expect(Array.from(masked.output)).toEqual([0, 0.5, 0.5]);
  });

  it('works in place', () => {
    const input = randomRow(1001, 20, 9);
    const expected = referenceSoftmax(input, 1.3);
    softmaxRows(makeRequest('softmax', input, 1, 1001, { temperature: 1.3, output: input }));
    expect(maxRelativeError(input, expected, 1e-300)).toBeLessThan(BOUND64);
  });
});
