import { describe, expect, it } from 'vitest';
import { naiveSoftmax } from './naive-js.js';

describe('naiveSoftmax', () => {
  it("gives SPEC's worked examples row by row", () => {
    const input = Float64Array.of(2, 1, 0.1, 2, 1, 0.5);
    const output = new Float64Array(6);
    naiveSoftmax(input, output, 2, 3);
    const expected = [0.659001, 0.242433, 0.098566, 0.628532, 0.231224, 0.140244];
    // SPEC rounds to 6 decimals: within half a unit in the 6th place.
    for (const [i, p] of expected.entries()) {
      expect(Math.abs((output[i] as number) - p)).toBeLessThanOrEqual(5e-7);
    }
    expect(input).toEqual(Float64Array.of(2, 1, 0.1, 2, 1, 0.5));
  });
});
