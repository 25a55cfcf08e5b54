import { describe, expect, it } from 'vitest';
import type { FloatArray } from './backend.js';
import { RowKind, scanRows } from './scan-rows.js';

function scan(
  data: FloatArray,
  rows: number,
  cols: number,
  temperature: Float64Array | null,
  rowMax: Float64Array,
  kinds: Uint8Array,
  nanIsError: boolean,
) {
  return scanRows({
    data,
    cols,
    firstRow: 0,
    endRow: rows,
    temperature,
    rowMax,
    kinds,
    nanIsError,
  });
}

// The scan is unrolled by four with a tail loop: every length 1..9 and every position of a
// special value within it covers all lanes and the tail.
describe('scanRows', () => {
  const lengths = [1, 2, 3, 4, 5, 6, 7, 8, 9];

  it('finds the max of finite rows in every lane and in the tail', () => {
    for (const cols of lengths) {
      for (let at = 0; at < cols; at++) {
        const row = Float64Array.from({ length: cols }, (_, c) => (c === at ? 5 : -c - 1));
        const rowMax = new Float64Array(1);
        const kinds = new Uint8Array(1);
        expect(scan(row, 1, cols, null, rowMax, kinds, true)).toEqual({
          specialRows: 0,
          firstNaN: null,
        });
        expect(rowMax[0]).toBe(5);
      }
    }
  });

  it('reports the first NaN by position wherever it is, and ignores it in the max when propagating', () => {
    for (const cols of lengths) {
      for (let at = 0; at < cols; at++) {
        const row = Float32Array.from({ length: cols }, (_, c) => (c >= at ? Number.NaN : c));
        const rowMax = new Float64Array(2);
        const kinds = new Uint8Array(2);
        const twoRows = new Float32Array(2 * cols);
        twoRows.set(row, cols);
        expect(scan(twoRows, 2, cols, null, rowMax, kinds, true).firstNaN).toEqual({
          row: 1,
          column: at,
        });
        expect(scan(twoRows, 2, cols, null, rowMax, kinds, false)).toEqual({
          specialRows: 1,
          firstNaN: null,
        });
        expect(kinds[1]).toBe(RowKind.NAN);
      }
    }
  });

  it('classifies +Infinity, all -Infinity and the temperature limits in every lane', () => {
    const inf = Number.POSITIVE_INFINITY;
    for (const cols of lengths) {
      for (let at = 0; at < cols; at++) {
        const withInf = Float64Array.from({ length: cols }, (_, c) => (c === at ? inf : 0));
        const masked = new Float64Array(cols).fill(-inf);
        const oneLeft = masked.slice();
        oneLeft[at] = -3;
        const data = new Float64Array([...withInf, ...masked, ...oneLeft, ...oneLeft]);
        const rowMax = new Float64Array(4);
        const kinds = new Uint8Array(4);
        const temperature = new Float64Array([1, 1, 0, inf]);
        expect(scan(data, 4, cols, temperature, rowMax, kinds, true).specialRows).toBe(4);
        expect(Array.from(kinds)).toEqual([
          RowKind.POSITIVE_INFINITY,
          RowKind.ALL_MASKED,
          RowKind.ZERO_TEMPERATURE,
          RowKind.INFINITE_TEMPERATURE,
        ]);
        expect(Array.from(rowMax)).toEqual([inf, -inf, -3, -3]);
      }
    }
  });
});
