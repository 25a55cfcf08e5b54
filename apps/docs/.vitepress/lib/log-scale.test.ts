import { describe, expect, it } from 'vitest';
import { logScale, tickLabel } from './log-scale.js';

describe('the log scale of the charts', () => {
  it('spans whole decades around the data and maps them linearly in log10', () => {
    const scale = logScale([3, 250], 0, 300);
    expect(scale.domain).toEqual([1, 1000]);
    expect(scale(1)).toBe(0);
    expect(scale(10)).toBeCloseTo(100, 9);
    expect(scale(1000)).toBeCloseTo(300, 9);
    expect(scale.ticks).toEqual([1, 10, 100, 1000]);
  });

  it('ignores zeros and non-finite values and still has a range for a single value', () => {
    expect(logScale([0, Number.NaN, 5], 0, 100).domain).toEqual([1, 10]);
    // A value on a decade would give an empty domain: it is widened by a decade each way.
    expect(logScale([10], 0, 100).domain).toEqual([1, 100]);
  });

  it('labels ticks plainly in the middle range and as powers of ten outside it', () => {
    expect(tickLabel(0.01)).toBe('0.01');
    expect(tickLabel(1000)).toBe('1k');
    expect(tickLabel(1e7)).toBe('1e7');
  });
});
