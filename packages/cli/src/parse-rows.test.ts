import { describe, expect, it } from 'vitest';
import { parseRows } from './parse-rows.js';
import { UsageError } from './usage-error.js';

describe('parseRows', () => {
  it('reads one row per line, comma or whitespace separated, skipping blank and # lines', () => {
    expect(parseRows('2,1,0.1\n\n# comment\n 3 3\t3 \n1e-3, -2.5e2\n4 ; 5')).toEqual([
      [2, 1, 0.1],
      [3, 3, 3],
      [0.001, -250],
      [4, 5],
    ]);
  });

  it('reads infinities and NaN in any case, and the Unicode minus sign', () => {
    const [row] = parseRows('inf,-Infinity,NaN,\u22121');
    expect(row?.slice(0, 2)).toEqual([Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]);
    expect(Number.isNaN(row?.[2])).toBe(true);
    expect(row?.[3]).toBe(-1);
  });

  it('reads JSON arrays per line and one JSON array of arrays, with special values as strings', () => {
    expect(parseRows('[1, 2]\n[3, "-Infinity"]')).toEqual([
      [1, 2],
      [3, Number.NEGATIVE_INFINITY],
    ]);
    expect(parseRows('[[1, 2],\n [3, 4]]')).toEqual([
      [1, 2],
      [3, 4],
    ]);
  });

  it('names the line, row and column of an entry that is not a number', () => {
    expect(() => parseRows('1,2\n3,x')).toThrow(UsageError);
    expect(() => parseRows('1,2\n3,x')).toThrow(
      "stdin line 2, row 1, column 1: 'x' is not a number",
    );
    expect(() => parseRows('[1, true]')).toThrow("row 0, column 1: 'true' is not a number");
    expect(() => parseRows('[1, 2')).toThrow(/invalid JSON/);
  });

  it('rejects an empty field between, before or after separators instead of skipping it', () => {
    expect(() => parseRows('1,,2')).toThrow(
      'stdin, row 0, column 1: empty field (two separators with nothing between them)',
    );
    expect(() => parseRows('1, ,2')).toThrow('row 0, column 1: empty field');
    expect(() => parseRows(',1,2')).toThrow('row 0, column 0: empty field');
    expect(() => parseRows('1,2,')).toThrow('row 0, column 2: empty field');
    expect(() => parseRows('5 6\n1;;2', 'argument 3', 4)).toThrow(
      'argument 3 line 2, row 5, column 1: empty field',
    );
  });

  it('rejects a decimal beyond the float64 range instead of reading it as Infinity', () => {
    expect(() => parseRows('1e400')).toThrow(
      "stdin, row 0, column 0: '1e400' is beyond the float64 range",
    );
    expect(() => parseRows('1, -2e308')).toThrow("column 1: '-2e308' is beyond the float64 range");
    // JSON.parse reads 1e400 as Infinity; JSON has no Infinity literal, so it was an overflow.
    expect(() => parseRows('[1, 1e400]')).toThrow('row 0, column 1: a number beyond the float64');
    expect(() => parseRows('[[1], [2, -1e999]]')).toThrow('row 1, column 1: a number beyond');
    // The largest float64 is read as itself; a decimal under the smallest subnormal rounds to 0.
    expect(parseRows('1.7976931348623157e308 1e-400')).toEqual([[Number.MAX_VALUE, 0]]);
  });

  it('quotes at most 40 characters of a bad entry', () => {
    const long = 'x'.repeat(10_000);
    expect(() => parseRows(`1,${long}`)).toThrow(`'${'x'.repeat(39)}\u2026' is not a number`);
  });

  it('reads a row of 128,256 entries and a JSON line of 200,000 rows (no spread into a call)', () => {
    const values = Array.from({ length: 128_256 }, (_, index) => (index % 97) - 48.5);
    const [row] = parseRows(values.join(','));
    expect(row).toHaveLength(128_256);
    expect(row).toEqual(values);
    const many = parseRows(
      `[${Array.from({ length: 200_000 }, (_, index) => `[${index}]`).join(',')}]`,
    );
    expect(many).toHaveLength(200_000);
    expect(many[199_999]).toEqual([199_999]);
  });
});
