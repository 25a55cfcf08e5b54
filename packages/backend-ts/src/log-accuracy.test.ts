import type { Operation } from '@softmax-kit/core';
import { describe, expect, it } from 'vitest';
import { logSoftmaxRows } from './log-softmax-rows.js';
import { logSumExpRows } from './log-sum-exp-rows.js';
import {
  EPS32,
  EPS64,
  makeRequest,
  referenceLogSumOfExps,
  rowMaxOf,
  seeded,
} from './test-support/reference.js';

// SPEC, "Accuracy of the logarithms": logSumExp's error is bounded relative to |m| + log1p(s),
// logSoftmax's relative to |(x_i - m) / T| + log1p(s), where s sums every term but the max's.

/** Relative error of the table-driven exp (fast-exp.ts) and of its argument's rounding. */
const EXP_ERROR = 5.87e-10 + 105 * 3 * EPS64;

/** `log1p(exp(-40))` from float64's Math.log1p and Math.exp (each within an ulp): the closed form. */
const TINY = Math.log1p(Math.exp(-40));

function run(operation: Operation, input: Float32Array | Float64Array, cols: number, t = 1) {
  const rows = input.length / cols;
  const request = makeRequest(operation, input, rows, cols, { temperature: t });
  (operation === 'logSumExp' ? logSumExpRows : logSoftmaxRows)(request);
  return request.output;
}

/** |actual - expected| / scale, NaN when actual is NaN. */
function relativeTo(actual: number, expected: number, scale: number): number {
  return actual === expected ? 0 : Math.abs(actual - expected) / scale;
}

/** How far |actual - expected| exceeds `bound` (<= 0: within it); NaN when actual is NaN. */
function excess(actual: number, expected: number, bound: number): number {
  return (actual === expected ? 0 : Math.abs(actual - expected)) - bound;
}

describe('logarithms accurate relative to their terms', () => {
  it('logSumExp([0, -40]) is log1p(exp(-40)) = 4.248354e-18, not 0, in float32 and float64', () => {
    expect(TINY).toBeCloseTo(4.248354e-18, 23);
    const f64 = run('logSumExp', new Float64Array([0, -40]), 2)[0] as number;
    // Math.exp, Math.log1p and the closed form each within about an ulp: 4 EPS64 relative.
    expect(relativeTo(f64, TINY, TINY)).toBeLessThanOrEqual(4 * EPS64);
    const f32 = run('logSumExp', new Float32Array([0, -40]), 2)[0] as number;
    // The table exp's error, then one rounding to float32.
    expect(relativeTo(f32, TINY, TINY)).toBeLessThanOrEqual(EPS32 + EXP_ERROR + 4 * EPS64);
  });

  it('logSoftmax([0, -40]) is [-4.248354e-18, -40 - 4.248354e-18] in float32 and float64', () => {
    for (const [input, bound] of [
      [new Float64Array([0, -40]), 4 * EPS64],
      [new Float32Array([0, -40]), EPS32 + EXP_ERROR + 4 * EPS64],
    ] as const) {
      const out = run('logSoftmax', input, 2);
      expect(relativeTo(out[0] as number, -TINY, TINY)).toBeLessThanOrEqual(bound);
      expect(relativeTo(out[1] as number, -40 - TINY, 40 + TINY)).toBeLessThanOrEqual(bound);
    }
  });

  it('keeps the tiny term at a large max (not x - logSumExp(x)) and with the max in any column', () => {
    // [-40, 1e6 - 40, 1e6]: the first max is the last entry; terms exp(-40) and exp(-1e6) = 0.
    const input = new Float64Array([-40, 1e6 - 40, 1e6]);
    const out = run('logSoftmax', input, 3);
    expect(relativeTo(out[2] as number, -TINY, TINY)).toBeLessThanOrEqual(4 * EPS64);
    const lse = run('logSumExp', input, 3)[0] as number;
    expect(relativeTo(lse, 1e6 + TINY, 1e6 + TINY)).toBeLessThanOrEqual(2 * EPS64);
  });

  it('counts a second, equal max as a term of s: [0, 0, -40] gives log(2 + exp(-40))', () => {
    const expected = Math.log1p(1 + Math.exp(-40));
    const out = run('logSumExp', new Float64Array([0, 0, -40]), 3)[0] as number;
    expect(relativeTo(out, expected, expected)).toBeLessThanOrEqual(4 * EPS64);
  });

  const sizes = [2, 10, 1000, 100_000];
  const temperatures = [1, 0.37, 4.5];
  const offsets = [0, 100.25, -3000];

  /** A peaked row: the max `offset` at a random column, the others 20 to 60 (times T) below. */
  function peakedRow(n: number, t: number, offset: number, seed: number): Float64Array {
    const next = seeded(seed);
    const row = Float64Array.from({ length: n }, () => offset - t * (20 + 40 * next()));
    row[Math.floor(next() * n)] = offset;
    return row;
  }

  for (const n of sizes) {
    it(`is accurate on peaked rows (s down to 1e-26) at n = ${n}, float32 and float64, several T`, () => {
      let seed = n;
      for (const t of temperatures) {
        for (const offset of offsets) {
          for (const dtype of ['float32', 'float64'] as const) {
            const raw = peakedRow(n, t, offset, seed++);
            const input = dtype === 'float32' ? Float32Array.from(raw) : raw;
            // The reference reads the stored (rounded) values, so it judges the kernel only.
            const max = rowMaxOf(input);
            const logSum = referenceLogSumOfExps(input, t);
            // float64: s within a few ulps (compensated sums), log1p one ulp, one subtraction
            // or addition: 8 EPS64. float32: the table exp's error, the float64 sum's n EPS64
            // (log1p passes s's relative error on, amplified by at most 1), the final rounding.
            const rel = dtype === 'float64' ? 8 * EPS64 : EPS32 + EXP_ERROR + (n + 8) * EPS64;
            // Plus an absolute part where results and terms are subnormal (SPEC's floor at the
            // smallest normal; a row made for T = 4.5 gives logSumExp ~ exp(-90) = 8e-40 at T = 1):
            // the output's rounding and, per term, float32's cut-off (terms below 2^-150.98 are
            // 0, fast-exp.ts) or Math.exp's rounding of a subnormal: (n + 1) subnormal ulps.
            const abs = (n + 1) * (dtype === 'float64' ? 2 ** -1074 : 2 ** -149);

            const lse = run('logSumExp', input, n, 1)[0] as number;
            const lseOnly = referenceLogSumOfExps(input, 1);
            expect(
              excess(lse, max + lseOnly, rel * (Math.abs(max) + lseOnly) + abs),
              `logSumExp ${dtype} (row made for T=${t}) offset ${offset}`,
            ).toBeLessThanOrEqual(0);

            const out = run('logSoftmax', input, n, t);
            let worst = Number.NEGATIVE_INFINITY;
            for (let i = 0; i < n; i++) {
              const z = ((input[i] as number) - max) / t;
              const over = excess(out[i] as number, z - logSum, rel * (Math.abs(z) + logSum) + abs);
              if (!(over <= worst)) worst = over;
            }
            expect(worst, `logSoftmax ${dtype} T=${t} offset ${offset}`).toBeLessThanOrEqual(0);
          }
        }
      }
    });
  }
});
