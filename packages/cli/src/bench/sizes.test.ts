import { describe, expect, it } from 'vitest';
import { UsageError } from '../usage-error.js';
import { DEFAULT_SIZES, parseSizes } from './sizes.js';

describe('parseSizes', () => {
  it('reads ROWSxCOLS with k = 1024 and M = 1024^2', () => {
    expect(parseSizes('1x10, 32x1k,1x1M,2X3')).toEqual([
      { label: '1x10', rows: 1, cols: 10 },
      { label: '32x1k', rows: 32, cols: 1024 },
      { label: '1x1M', rows: 1, cols: 1048576 },
      { label: '2X3', rows: 2, cols: 3 },
    ]);
  });

  it('parses every default size, including 32x32k where the tfjs goal is judged', () => {
    const labels = parseSizes(DEFAULT_SIZES).map((size) => size.label);
    expect(labels).toContain('32x32k');
    expect(labels).toContain('1x1M');
  });

  it.each(['', '10', '0x10', '1x', 'x10', '1x10x2', '1.5x10', '-1x10', '1x10g', '1024x1M'])(
    'rejects %j with a UsageError',
    (text) => {
      expect(() => parseSizes(text)).toThrow(UsageError);
    },
  );
});
