import { describe, expect, it } from 'vitest';
import { quantile } from './bench/measure.js';
import { firstLine, formatNumber, formatTable } from './format.js';

describe('formatNumber', () => {
  it('rounds to 6 significant digits and drops trailing zeros', () => {
    expect(formatNumber(0.22722003)).toBe('0.22722');
    expect(formatNumber(0.48102361)).toBe('0.481024');
    expect(formatNumber(1 / 3)).toBe('0.333333');
    expect(formatNumber(Number.NEGATIVE_INFINITY)).toBe('-Infinity');
    expect(formatNumber(0)).toBe('0');
  });
});

describe('formatTable', () => {
  it('left-aligns the first column and right-aligns the others under a rule', () => {
    expect(
      formatTable(
        ['a', 'value'],
        [
          ['xy', '1'],
          ['z', '22'],
        ],
      ),
    ).toBe(['a   value', '--  -----', 'xy      1', 'z      22'].join('\n'));
  });
});

describe('firstLine and quantile', () => {
  it('cuts a message to its first line and a maximum length', () => {
    expect(firstLine('abc\ndef')).toBe('abc');
    expect(firstLine('abcdefgh', 5)).toBe('abcd\u2026');
  });

  it('interpolates quantiles linearly between sorted samples', () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([1, 2, 3, 4, 5], 0.1)).toBeCloseTo(1.4, 12);
    expect(quantile([7], 0.9)).toBe(7);
  });
});
