import { createSoftmax, type RowPasses } from '@softmax-kit/core';
import { genericRowPasses, internalsOf } from '@softmax-kit/core/internal';
import { describe, expect, it } from 'vitest';
import { wasmBackend } from './index.js';
import { ceilFloat32 } from './row-passes.js';

describe("wasm row passes: the kernel's exp sums", () => {
  it('match the float64 sums within the kernel exp bound, per block, at real sizes', async () => {
    const sm = await createSoftmax(wasmBackend());
    const passes = internalsOf(sm).rowPasses;
    for (const n of [1, 3, 4095, 4096, 4097, 131_072 + 5]) {
      const x = Float32Array.from({ length: n }, (_, i) =>
        i % 97 === 3 ? Number.NEGATIVE_INFINITY : Math.fround(Math.sin(i * 0.37) * 12),
      );
      let max = Number.NEGATIVE_INFINITY;
      for (const v of x) if (v > max) max = v;
      for (const t of [1, 0.3, 7, 5e-324]) {
        const blocks = new Float64Array(Math.ceil(n / 4096));
        const sum = passes.expSum(x, max, t, blocks);
        const reference = genericRowPasses.expSum(x, max, t);
        // Each term within the kernel exp's bound, 1.0e-7 relative (POLYNOMIAL_BOUND of
        // exp.test.ts, which proves it: the float32 polynomial and its roundings), below
        // float32's 2^-24 * 2; float64 sums of n positive terms add n * 2^-53.
        expect(Math.abs(sum - reference)).toBeLessThanOrEqual((1.0e-7 + n * 2 ** -53) * reference);
        let total = 0;
        for (const b of blocks) total += b;
        expect(total).toBe(sum);
      }
    }
    await sm.dispose();
  });
});

describe("wasm row passes: the kernel's scans equal core's JavaScript passes", () => {
  // Thresholds: float32 values of the row, float64 values between two float32 neighbours (the
  // rounding of the threshold to float32 must go up), zeros, subnormals, infinities, NaN.
  const between = (v: number): number => v + Math.abs(v) * 2 ** -30 + 2 ** -160;
  const thresholds = (x: Float32Array): number[] => {
    const some = [x[0]!, x[x.length >> 1]!, x[x.length - 1]!];
    return [
      ...some,
      ...some.map(between),
      ...some.map((v) => -between(-v)),
      0,
      -0,
      2 ** -160,
      -(2 ** -160),
      2 ** -149,
      1e39,
      -1e39,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      Number.NaN,
      1.5,
    ];
  };
  const specials = [
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    3, // the max of the rows below, so a tie with lane 0
    1.5,
    Math.fround(1.5 + 2 ** -22),
  ];
  const blank = () => ({ max: 0, argmax: 0, firstNaN: 0, masked: 0, positive: 0 });
  const compare = (passes: RowPasses, x: Float32Array) => {
    expect(passes.stats(x, blank())).toEqual(genericRowPasses.stats(x, blank()));
    for (const t of thresholds(x)) {
      expect(passes.countAtLeast(x, t)).toBe(genericRowPasses.countAtLeast(x, t));
      const got = new Int32Array(x.length);
      const want = new Int32Array(x.length);
      const count = passes.gatherAtLeast(x, t, got);
      expect(count).toBe(genericRowPasses.gatherAtLeast(x, t, want));
      // First differing index (toEqual on 100k-entry arrays takes seconds): -1 for none.
      let differ = -1;
      for (let k = 0; k < count && differ < 0; k++) if (got[k] !== want[k]) differ = k;
      expect(differ).toBe(-1);
      // With the values: the same indices, and each value the row's entry (NaN as NaN).
      const gotValues = new Float64Array(x.length);
      const wantValues = new Float64Array(x.length);
      expect(passes.gatherAtLeast(x, t, got, gotValues)).toBe(count);
      expect(genericRowPasses.gatherAtLeast(x, t, want, wantValues)).toBe(count);
      for (let k = 0; k < count && differ < 0; k++)
        if (got[k] !== want[k] || !Object.is(gotValues[k], wantValues[k])) differ = k;
      expect(differ).toBe(-1);
    }
    // The weights of every entry but NaN (gathered at -Infinity): each the term the kernel's exp
    // sum adds for it (its 1.0e-7 bound against Math.exp, POLYNOMIAL_BOUND of exp.test.ts; terms
    // below 2^-126.5 may be 0), and their sum within that bound plus n * 2^-53.
    const stats = genericRowPasses.stats(x, blank());
    if (!Number.isFinite(stats.max)) return;
    const ids = new Int32Array(x.length);
    const values = new Float64Array(x.length);
    let count = 0;
    for (let i = 0; i < x.length; i++)
      if (!Number.isNaN(x[i]!)) {
        ids[count] = i;
        values[count++] = x[i]!;
      }
    for (const t of [1, 0.3, 5e-324]) {
      const got = new Float64Array(x.length);
      const want = new Float64Array(x.length);
      const sum = passes.weigh(x, values, count, stats.max, t, got);
      const reference = genericRowPasses.weigh(x, values, count, stats.max, t, want);
      expect(Math.abs(sum - reference)).toBeLessThanOrEqual(
        (1.0e-7 + count * 2 ** -53) * reference + count * 2 ** -126,
      );
      let worst = -1;
      for (let k = 0; k < count && worst < 0; k++)
        if (!(Math.abs(got[k]! - want[k]!) <= 1.0e-7 * want[k]! + 2 ** -126)) worst = k;
      expect(worst).toBe(-1);
    }
  };

  it('with each special value in every lane and tail position (n = 1..41), and pairs of them', async () => {
    const sm = await createSoftmax(wasmBackend());
    const passes = internalsOf(sm).rowPasses;
    for (let n = 1; n <= 41; n++) {
      const base = Float32Array.from({ length: n }, (_, i) => Math.fround(Math.cos(i * 1.7)));
      base[0] = 3;
      compare(passes, base);
      for (const s of specials)
        for (let p = 0; p < n; p++) {
          const x = base.slice();
          x[p] = s;
          compare(passes, x);
          // A second special value after it (ties of the max, NaN after NaN, +Infinity twice).
          if (p + 3 < n) {
            x[p + 3] = s;
            compare(passes, x);
          }
        }
      // Every entry -Infinity, every entry NaN, a mix of both: argmax -1.
      for (const fill of [
        [Number.NEGATIVE_INFINITY],
        [Number.NaN],
        [Number.NaN, Number.NEGATIVE_INFINITY],
      ])
        compare(
          passes,
          Float32Array.from({ length: n }, (_, i) => fill[i % fill.length]!),
        );
    }
    await sm.dispose();
  });

  it('at vocabulary sizes, with the special values near the end and the cut-offs of top-p', async () => {
    const sm = await createSoftmax(wasmBackend());
    const passes = internalsOf(sm).rowPasses;
    for (const n of [32_000, 32_768 + 3, 131_072, 256_000 + 7]) {
      const x = Float32Array.from({ length: n }, (_, i) => Math.fround(Math.sin(i * 0.37) * 12));
      compare(passes, x);
      for (const at of [n - 1, n - 2, n - 5, 4096]) {
        for (const s of specials) {
          const y = x.slice();
          y[at] = s;
          compare(passes, y);
        }
      }
    }
    await sm.dispose();
  });

  it('float64 rows take core JavaScript passes (same answers)', async () => {
    const sm = await createSoftmax(wasmBackend());
    const passes = internalsOf(sm).rowPasses;
    const x = Float64Array.from({ length: 37 }, (_, i) => (i === 9 ? Number.NaN : Math.sin(i)));
    const blank = () => ({ max: 0, argmax: 0, firstNaN: 0, masked: 0, positive: 0 });
    expect(passes.stats(x, blank())).toEqual(genericRowPasses.stats(x, blank()));
    expect(passes.countAtLeast(x, 0.1)).toBe(genericRowPasses.countAtLeast(x, 0.1));
    await sm.dispose();
  });
});

describe('ceilFloat32', () => {
  it('is the smallest float32 not below t', () => {
    for (const t of [
      1.5,
      1.5 + 2 ** -40,
      -1.5 - 2 ** -40,
      2 ** -160,
      -(2 ** -160),
      1e39,
      -1e39,
      0,
      -0,
    ]) {
      const c = ceilFloat32(t);
      expect(c).toBe(Math.fround(c));
      expect(c >= t).toBe(true);
      // The float32 just below c (through a DataView on its bits) is below t.
      const view = new DataView(new ArrayBuffer(4));
      view.setFloat32(0, c);
      const u = view.getUint32(0);
      if (c === 0) view.setFloat32(0, -(2 ** -149));
      else view.setUint32(0, c > 0 ? u - 1 : u + 1);
      expect(view.getFloat32(0) < t).toBe(true);
    }
    expect(ceilFloat32(Number.NaN)).toBeNaN();
  });
});

describe("wasm row passes: the split (top-p's one pass) against core's JavaScript pass", () => {
  const fresh = () => ({ total: 0, head: 0, headCount: 0, headWeighted: 0, band: 0 });
  /** One split on both paths: the band and counts exactly, the sums within the exp's bound. */
  const compare = (
    passes: RowPasses,
    x: Float32Array,
    lo: number,
    hi: number,
    temperature: number,
  ) => {
    let max = Number.NEGATIVE_INFINITY;
    for (const v of x) if (v > max) max = v;
    const n = x.length;
    const blocks = (): Float64Array => new Float64Array(Math.ceil(n / 4096));
    const [bandA, bandB] = [new Int32Array(n), new Int32Array(n)];
    const [blocksA, blocksB, headA, headB] = [blocks(), blocks(), blocks(), blocks()];
    const ask = { max, temperature, lo, hi, weighted: true };
    // The wasm pass asked for the band's values, core's not (both ways of the request).
    const values = new Float64Array(n).fill(Number.NaN);
    const a = passes.split!(
      x,
      { ...ask, band: bandA, blocks: blocksA, headBlocks: headA, values },
      fresh(),
    );
    const b = genericRowPasses.split(
      x,
      { ...ask, band: bandB, blocks: blocksB, headBlocks: headB },
      fresh(),
    );
    expect(b.valued).toBe(false);
    expect(a.band).toBe(b.band);
    expect(a.valued).toBe(true);
    for (let k = 0; k < a.band; k++) expect(values[k]).toBe(x[bandA[k]!]);
    if (a.band < n) expect(values[a.band]).toBeNaN(); // nothing past the band
    expect(a.headCount).toBe(b.headCount);
    expect([...bandA.subarray(0, a.band)]).toEqual([...bandB.subarray(0, b.band)]);
    // Terms within the kernel exp's 1.0e-7 (exp.test.ts proves it), float64 sums of n
    // non-negative terms add n * 2^-53; the weighted sum's z = u ln 2 adds a few 2^-53 per
    // term. Every such sum is of terms of one sign, so the bound is relative to the sum.
    const bound = (reference: number) => (1.0e-7 + (n + 4) * 2 ** -53) * Math.abs(reference);
    expect(Math.abs(a.total - b.total)).toBeLessThanOrEqual(bound(b.total));
    expect(Math.abs(a.head - b.head)).toBeLessThanOrEqual(bound(b.head));
    expect(Math.abs(a.headWeighted - b.headWeighted)).toBeLessThanOrEqual(bound(b.headWeighted));
    blocksB.forEach((sum, k) => {
      expect(Math.abs(blocksA[k]! - sum)).toBeLessThanOrEqual(bound(sum));
      expect(Math.abs(headA[k]! - headB[k]!)).toBeLessThanOrEqual(bound(headB[k]!));
    });
    // The blocks add up to the totals (in order), as the draw reads them.
    expect(blocksA.reduce((s, v) => s + v, 0)).toBe(a.total);
  };

  it('at vocabulary sizes and every tail length, with ties at both edges and -Infinity', async () => {
    const sm = await createSoftmax(wasmBackend());
    const passes = internalsOf(sm).rowPasses;
    for (const n of [1, 2, 3, 4, 5, 7, 4095, 4096, 4097, 32_768 + 3, 131_072 + 5]) {
      const x = Float32Array.from({ length: n }, (_, i) =>
        i % 97 === 3 ? Number.NEGATIVE_INFINITY : Math.fround(Math.sin(i * 0.37) * 12),
      );
      // Entries exactly at the edges, in every lane.
      const lo = Math.fround(4.5);
      const hi = Math.fround(7.25);
      for (let i = 5; i < n; i += 13) x[i] = i % 2 === 0 ? lo : hi;
      for (const t of [1, 0.3, 7]) {
        compare(passes, x, lo, hi, t);
        // Edges between two float32 values: the kernel's float32 comparisons must round them up.
        compare(passes, x, lo + 2 ** -30, hi - 2 ** -30, t);
        compare(passes, x, -11.5, Number.POSITIVE_INFINITY, t);
      }
    }
    await sm.dispose();
  });

  it('holds a row: one copy serves every pass, and a compute in between does not break it', async () => {
    const sm = await createSoftmax(wasmBackend());
    const passes = internalsOf(sm).rowPasses;
    const n = 40_000;
    const x = Float32Array.from({ length: n }, (_, i) => Math.fround(Math.cos(i * 0.11) * 9));
    const other = Float32Array.from({ length: n }, (_, i) => Math.fround(-Math.cos(i * 0.11) * 9));
    const stats = () => ({ max: 0, argmax: 0, firstNaN: 0, masked: 0, positive: 0 });
    const expected = genericRowPasses.stats(x, stats());
    const sums: number[] = [];
    passes.holding!(x, () => {
      expect(passes.stats(x, stats())).toEqual(expected);
      sums.push(passes.expSum(x, expected.max, 1));
      // Another row staged where the held copy lives, then the held row again.
      expect(passes.stats(other, stats())).toEqual(genericRowPasses.stats(other, stats()));
      expect(passes.stats(x, stats())).toEqual(expected);
      // A softmax computes in the same memory.
      (sm as import('@softmax-kit/core').SyncSoftmax).softmaxSync(other);
      sums.push(passes.expSum(x, expected.max, 1));
      // A weigh places its values after the held copy, not on it.
      const values = Float64Array.of(x[0]!, x[1]!);
      passes.weigh(x, values, 2, expected.max, 1, new Float64Array(2));
      sums.push(passes.expSum(x, expected.max, 1));
    });
    expect(new Set(sums).size).toBe(1);
    // The same sum as a pass on a fresh copy, outside the hold.
    expect(sums[0]).toBe(passes.expSum(x, expected.max, 1));
    await sm.dispose();
  });
});
