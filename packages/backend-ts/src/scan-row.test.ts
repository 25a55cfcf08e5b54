import { describe, expect, it } from 'vitest';
import { scanRow } from './scan-row.js';

// The scan is unrolled by four with a scalar tail: lengths 1..11 and every position of the
// special value cover all four lanes and the tail, in both dtypes.
describe('scanRow', () => {
  const inf = Number.POSITIVE_INFINITY;
  const cases: [string, number, boolean][] = [
    ['NaN', Number.NaN, false],
    ['+Infinity', inf, false],
    ['-Infinity (masking)', -inf, true],
  ];
  for (const Type of [Float32Array, Float64Array]) {
    for (const [label, value, regular] of cases) {
      it(`${regular ? 'keeps' : 'flags'} a row with ${label} in any lane or the tail (${Type.name})`, () => {
        for (let cols = 1; cols <= 11; cols++) {
          for (let at = 0; at < cols; at++) {
            const values = Array.from({ length: cols }, (_, c) => (c === at ? value : c - 5));
            const row =
              Type === Float32Array ? Float32Array.from(values) : Float64Array.from(values);
            const rowMax = new Float64Array(1);
            const finiteMax = cols === 1 ? -inf : at === cols - 1 ? cols - 7 : cols - 6;
            const expectRegular = regular && cols > 1;
            expect(scanRow(row, 0, cols, rowMax, 0)).toBe(expectRegular);
            if (!Number.isNaN(value) && value !== inf) expect(rowMax[0]).toBe(finiteMax);
          }
        }
      });
    }
  }

  it('flags a row whose entries are all -Infinity and finds the max of a finite row', () => {
    const rowMax = new Float64Array(2);
    expect(scanRow(new Float32Array(9).fill(-inf), 0, 9, rowMax, 0)).toBe(false);
    expect(scanRow(new Float64Array([3, -1, 7, 2, 6]), 0, 5, rowMax, 1)).toBe(true);
    expect(rowMax[1]).toBe(7);
  });
});
