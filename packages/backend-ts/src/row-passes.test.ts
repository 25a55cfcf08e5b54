import { genericRowPasses } from '@softmax-kit/core/internal';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tsRowPasses } from './row-passes.js';

const specials = [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY, Number.NaN, 0, -0, 3, 3];
/** Rows with specials and ties at every lane of the unrolled loops (lengths 1..37). */
const rows = fc
  .array(
    fc.oneof(
      fc.constantFrom(...specials),
      fc.double({ min: -50, max: 50, noNaN: true }),
      fc.integer({ min: -3, max: 3 }),
    ),
    { minLength: 1, maxLength: 37 },
  )
  .chain((values) =>
    fc.tuple(fc.constant(values), fc.boolean(), fc.double({ min: -60, max: 60, noNaN: true })),
  );

const fresh = () => ({ max: 0, argmax: 0, firstNaN: 0, masked: 0, positive: 0 });

describe("backend-ts row passes give the generic passes' results", () => {
  it('stats, count and gather exactly; exp sums and weights within the table exp bound', () => {
    fc.assert(
      fc.property(rows, ([values, single, threshold]) => {
        const x = single ? Float32Array.from(values) : Float64Array.from(values);
        expect(tsRowPasses.stats(x, fresh())).toEqual(genericRowPasses.stats(x, fresh()));
        expect(tsRowPasses.countAtLeast(x, threshold)).toBe(
          genericRowPasses.countAtLeast(x, threshold),
        );
        const a = new Int32Array(x.length);
        const b = new Int32Array(x.length);
        const count = tsRowPasses.gatherAtLeast(x, threshold, a);
        expect(count).toBe(genericRowPasses.gatherAtLeast(x, threshold, b));
        expect([...a.subarray(0, count)]).toEqual([...b.subarray(0, count)]);
        // With the values: the same indices, each value the row's entry (NaN as NaN).
        const va = new Float64Array(x.length);
        const vb = new Float64Array(x.length);
        expect(tsRowPasses.gatherAtLeast(x, threshold, a, va)).toBe(count);
        expect(genericRowPasses.gatherAtLeast(x, threshold, b, vb)).toBe(count);
        expect([...a.subarray(0, count)]).toEqual([...b.subarray(0, count)]);
        expect([...va.subarray(0, count)]).toEqual([...vb.subarray(0, count)]);
        for (let k = 0; k < count; k++) expect(Object.is(va[k], x[a[k]!])).toBe(true);
        const stats = genericRowPasses.stats(x, fresh());
        if (!Number.isFinite(stats.max) || stats.firstNaN >= 0) return;
        for (const t of [1, 0.37, 9]) {
          // float32 rows: the table exp's relative error is below 5.87e-10 per term (fast-exp.ts),
          // and terms below 2^-150 may be 0; float64 rows: Math.exp on both sides, a compensated
          // sum against a plain one: n * 2^-53 relative.
          const bound = single ? 6e-10 + x.length * 2 ** -53 : x.length * 2 ** -52;
          const blocks = new Float64Array(1);
          const sum = tsRowPasses.expSum(x, stats.max, t, blocks);
          const reference = genericRowPasses.expSum(x, stats.max, t);
          expect(Math.abs(sum - reference)).toBeLessThanOrEqual(bound * reference + 2 ** -150);
          expect(blocks[0]).toBe(sum);
          const values = Float64Array.from(x);
          const w1 = new Float64Array(x.length);
          const w2 = new Float64Array(x.length);
          const s1 = tsRowPasses.weigh(x, values, x.length, stats.max, t, w1);
          const s2 = genericRowPasses.weigh(x, values, x.length, stats.max, t, w2);
          expect(Math.abs(s1 - s2)).toBeLessThanOrEqual(bound * s2 + 2 ** -150);
          for (let k = 0; k < x.length; k++)
            expect(Math.abs(w1[k]! - w2[k]!)).toBeLessThanOrEqual(6e-10 * w2[k]! + 2 ** -150);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('block sums cover the row in blocks of 4096 (the contract) at real sizes', () => {
    const n = 3 * 4096 + 17;
    const x = Float32Array.from({ length: n }, (_, i) => Math.sin(i) * 8);
    const blocks = new Float64Array(4);
    const sum = tsRowPasses.expSum(x, 8, 1, blocks);
    const expected = [0, 1, 2, 3].map((b) =>
      genericRowPasses.expSum(x.subarray(b * 4096, Math.min(n, (b + 1) * 4096)), 8, 1),
    );
    for (let b = 0; b < 4; b++)
      expect(Math.abs(blocks[b]! - expected[b]!)).toBeLessThanOrEqual(1e-9 * expected[b]!);
    expect(sum).toBe(blocks[0]! + blocks[1]! + blocks[2]! + blocks[3]!);
  });
});
