import { describe, expect, it } from 'vitest';
import { maxOpError, referenceRow } from './reference.js';

describe('referenceRow', () => {
  it("gives SPEC's accuracy example: logSumExp([0, -40]) is 4.248354e-18, not 0", () => {
    expect(referenceRow('logSumExp', [0, -40])[0]).toBeCloseTo(4.248354e-18, 23);
    expect(referenceRow('logSoftmax', [0, -40])[0]).toBeCloseTo(-4.248354e-18, 23);
  });

  it("gives SPEC's worked softmax example", () => {
    const p = referenceRow('softmax', [2, 1, 0.1]);
    for (const [i, want] of [0.659001, 0.242433, 0.098566].entries()) {
      expect(Math.abs((p[i] as number) - want)).toBeLessThanOrEqual(5e-7);
    }
  });
});

describe('maxOpError', () => {
  it('is 0 for the reference itself and grows with a wrong entry, for each op', () => {
    const row = Float32Array.of(0, Math.log(3), -2);
    for (const op of ['softmax', 'logSoftmax', 'logSumExp'] as const) {
      const exact = referenceRow(op, row);
      expect(maxOpError(op, row, exact)).toBe(0);
      const wrong = Float64Array.from(exact);
      wrong[0] = (wrong[0] as number) * (1 + 1e-3);
      expect(maxOpError(op, row, wrong)).toBeGreaterThan(1e-4);
    }
  });

  it('measures logSumExp relative to its terms: 0 is a total error at [0, -40]', () => {
    expect(maxOpError('logSumExp', [0, -40], [0])).toBeCloseTo(1, 12);
    expect(Number.isNaN(maxOpError('logSoftmax', [1, 2], [Number.NaN, 0]))).toBe(true);
  });
});
