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
  it('stats: one special value at every position of the eight-a-step loop and its tail', () => {
    // The fast path skips a step only when all eight entries are below the running max and
    // their sum is above -Infinity: each special value, alone in an otherwise skipped step (the
    // max set in the first step), must still be seen, at every lane and in the tail.
    for (const n of [8, 16, 24, 31, 37])
      for (const special of [Number.NEGATIVE_INFINITY, Number.NaN, Number.POSITIVE_INFINITY, 9])
        for (let at = 1; at < n; at++)
          for (const single of [true, false]) {
            const values = Array.from({ length: n }, (_, i) => (i === 0 ? 9 : Math.sin(i) * 4));
            values[at] = special;
            const x = single ? Float32Array.from(values) : Float64Array.from(values);
            expect(tsRowPasses.stats(x, fresh()), `${special} at ${at} of ${n}`).toEqual(
              genericRowPasses.stats(x, fresh()),
            );
          }
  });

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

describe("backend-ts's split (top-p's one pass) gives core's JavaScript pass's results", () => {
  const fresh = () => ({ total: 0, head: 0, headCount: 0, headWeighted: 0, band: 0 });
  const compare = (x: Float32Array | Float64Array, lo: number, hi: number, t: number) => {
    let max = Number.NEGATIVE_INFINITY;
    for (const v of x) if (v > max) max = v;
    if (!Number.isFinite(max)) return;
    const n = x.length;
    const blocks = () => new Float64Array(Math.ceil(n / 4096));
    const [bandA, bandB] = [new Int32Array(n), new Int32Array(n)];
    const [blocksA, blocksB, headA, headB] = [blocks(), blocks(), blocks(), blocks()];
    const ask = { max, temperature: t, lo, hi, weighted: true };
    const a = tsRowPasses.split(
      x,
      { ...ask, band: bandA, blocks: blocksA, headBlocks: headA },
      fresh(),
    );
    const b = genericRowPasses.split(
      x,
      { ...ask, band: bandB, blocks: blocksB, headBlocks: headB },
      fresh(),
    );
    expect([a.band, a.headCount]).toEqual([b.band, b.headCount]);
    expect([...bandA.subarray(0, a.band)]).toEqual([...bandB.subarray(0, b.band)]);
    // float32 rows: the table exp, within 5.9e-10 relative (fast-exp.test.ts); float64 rows:
    // Math.exp, as the generic pass. Sums of n terms of one sign add n * 2^-53; z in the
    // weighted sum is -u / scale, a few roundings more per term.
    // Terms far below float32's range (z past the table's cut-off, ~-104.7) are the table's
    // last entry, not 0: an absolute 1e-40 per entry covers them and their weighted terms.
    const bound = (reference: number) =>
      (5.9e-10 + (n + 4) * 2 ** -52) * Math.abs(reference) + n * 1e-40;
    expect(Math.abs(a.total - b.total)).toBeLessThanOrEqual(bound(b.total));
    expect(Math.abs(a.head - b.head)).toBeLessThanOrEqual(bound(b.head));
    expect(Math.abs(a.headWeighted - b.headWeighted)).toBeLessThanOrEqual(bound(b.headWeighted));
    blocksB.forEach((sum, k) => {
      expect(Math.abs(blocksA[k]! - sum)).toBeLessThanOrEqual(bound(sum));
      expect(Math.abs(headA[k]! - headB[k]!)).toBeLessThanOrEqual(bound(headB[k]!));
    });
  };

  it('on rows with ties at both edges and -Infinity, both dtypes (fast-check)', () => {
    const edges = [-1, 2];
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.constantFrom(Number.NEGATIVE_INFINITY, ...edges),
            fc.double({ min: -50, max: 50, noNaN: true }),
          ),
          { minLength: 1, maxLength: 37 },
        ),
        fc.boolean(),
        fc.constantFrom(1, 0.3, 7),
        (values, single, t) => {
          const x = single ? Float32Array.from(values) : Float64Array.from(values);
          compare(x, edges[0]!, edges[1]!, t);
          compare(x, -60, Number.POSITIVE_INFINITY, t);
        },
      ),
    );
  });

  it('at vocabulary sizes (every block and tail)', () => {
    for (const n of [4095, 4096, 4097, 131_072 + 5]) {
      const x = Float32Array.from({ length: n }, (_, i) =>
        i % 97 === 3 ? Number.NEGATIVE_INFINITY : Math.fround(Math.sin(i * 0.37) * 12),
      );
      for (let i = 5; i < n; i += 13) x[i] = i % 2 === 0 ? 4.5 : 7.25;
      for (const t of [1, 0.3]) compare(x, 4.5, 7.25, t);
    }
  });
});
