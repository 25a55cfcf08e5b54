import { describe, expect, it } from 'vitest';
import { EXP_CUTOFF_STEPS, STEPS_PER_NAT } from './fast-exp.js';
import { stepsPerUnit, sumExp32, sumExp64 } from './row-exp-sums.js';
import { EPS64 } from './test-support/reference.js';

// The bound derived in fast-exp.ts for the table-driven exp.
const DERIVED_BOUND = 5.87e-10;

describe('sumExp32, the inlined table-driven exp of the float32 kernels', () => {
  it('is within the derived bound in every unrolled lane and in the remainder loop, on every table interval', () => {
    // A row of 8 (one unrolled iteration) or 9 (one more entry for the remainder loop): one entry
    // 0, the others -Infinity, which contribute exactly 0. With max = y, the sum is exp(-y) alone.
    let worst = 0;
    let checked = 0;
    const rows = Array.from({ length: 9 }, (_, lane) => {
      const row = new Float32Array(9).fill(Number.NEGATIVE_INFINITY);
      row[lane] = 0;
      return row;
    });
    const output = new Float32Array(9);
    for (let k = 0; k < EXP_CUTOFF_STEPS; k++) {
      for (let j = 0; j <= 8; j++) {
        const u = k - 0.5 + j / 8;
        if (u < 0 || u >= EXP_CUTOFF_STEPS - 0.5) continue;
        const y = u / STEPS_PER_NAT;
        for (let lane = 0; lane < 9; lane++) {
          const length = lane === 8 ? 9 : 8;
          const write = lane % 2 === 1;
          const sum = sumExp32(rows[lane] as Float32Array, 0, length, y, 1, write ? output : null);
          // The reference's own error: Math.exp's ulp plus y's conversion to steps and back.
          const error = Math.abs(sum / Math.exp(-y) - 1) - (y + 2) * 2 * EPS64;
          if (error > worst) worst = error;
          if (write) expect(output[lane]).toBe(Math.fround(sum));
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(390_000);
    expect(worst).toBeLessThan(DERIVED_BOUND);
    // The bound is not vacuous: the degree-3 remainder shows at the interval ends.
    expect(worst).toBeGreaterThan(DERIVED_BOUND / 4);
  });

  it('gives exactly 0 for -Infinity entries and exactly 1 at the max', () => {
    const mask = Number.NEGATIVE_INFINITY;
    const row = new Float32Array([mask, 3, mask, 3, 3, mask, mask, 3, mask, 3, 3]);
    const output = new Float32Array(11);
    expect(sumExp32(row, 0, 11, 3, 1, output)).toBe(6);
    expect(Array.from(output)).toEqual([0, 1, 0, 1, 1, 0, 0, 1, 0, 1, 1]);
  });

  it('caps its scale so a subnormal temperature gives no NaN', () => {
    expect(stepsPerUnit(5e-324)).toBe(1e308);
    expect(stepsPerUnit(1)).toBe(STEPS_PER_NAT);
    const row = new Float32Array([1, 2, 2, 1e-45, 2, 0, -1, 2, 2]);
    expect(sumExp32(row, 0, 9, 2, 5e-324, null)).toBe(5);
  });
});

describe('sumExp64', () => {
  it('sums 10^6 equal terms with no drift (compensated)', () => {
    const row = new Float64Array(1_000_000).fill(-1);
    const sum = sumExp64(row, 0, row.length, 0, 1, null);
    // The exact sum is 10^6 * Math.exp(-1) up to one rounding of that product.
    expect(Math.abs(sum / (1e6 * Math.exp(-1)) - 1)).toBeLessThanOrEqual(2 * EPS64);
  });
});
