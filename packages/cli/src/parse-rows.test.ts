import { describe, expect, it } from 'vitest';
import { parseRows } from './parse-rows.js';
import { UsageError } from './usage-error.js';

describe('parseRows', () => {
  it('reads one row per line, comma or whitespace separated, skipping blank and # lines', () => {
    expect(parseRows('2,1,0.1\n\n# comment\n 3 3\t3 \n1e-3, -2.5e2')).toEqual([
      [2, 1, 0.1],
      [3, 3, 3],
      [0.001, -250],
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

  it('names the line and column of an entry that is not a number', () => {
    expect(() => parseRows('1,2\n3,x')).toThrow(UsageError);
    expect(() => parseRows('1,2\n3,x')).toThrow("stdin line 2, column 1: 'x' is not a number");
    expect(() => parseRows('[1, true]')).toThrow("column 1: 'true' is not a number");
    expect(() => parseRows('[1, 2')).toThrow(/invalid JSON/);
  });
});
