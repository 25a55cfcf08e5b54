import {
  createSoftmax,
  ROW_BLOCK,
  type RowAheadRequest,
  type RowPasses,
  type RowSplit,
  type RowStats,
  type SyncSoftmax,
} from '@softmax-kit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// The sampler by path, as sampling-fuzz.test.ts loads it (no package dependency for tests).
import { createSampler, type SampleOptions } from '../../sampling/src/index.js';
import { type WasmBackend, wasmBackend } from './index.js';
import { poolOfBackend } from './wasm-backend.js';

// The sampler's rows on the worker threads (rows-ahead.ts): whichever thread takes a row runs
// the same function on the same copy, so every result must equal the one-thread passes' to the
// bit (no tolerance), and a sampled batch the one-thread sampler's, field for field. Sizes are
// the ones users run: batches of 64 rows of 32k, rows of 128k.

let oneBackend: WasmBackend;
let one: SyncSoftmax;
let twoBackend: WasmBackend;
let two: SyncSoftmax;
beforeAll(async () => {
  oneBackend = wasmBackend();
  one = await createSoftmax(oneBackend);
  twoBackend = wasmBackend({ threads: 2 });
  two = await createSoftmax(twoBackend);
});
afterAll(async () => {
  await one.dispose();
  await two.dispose();
});

/** Seeded logits in [-8, 8) (mulberry32), float32. */
function logits(length: number, seed: number): Float32Array {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return Float32Array.from({ length }, () => next() * 16 - 8);
}

const stats = (): RowStats => ({ max: 0, argmax: 0, firstNaN: 0, masked: 0, positive: 0 });
const split = (): RowSplit => ({
  total: 0,
  head: 0,
  headCount: 0,
  headWeighted: 0,
  band: 0,
  valued: false,
});

/** A split's request and room for a row of n. */
function room(n: number, max: number, request: RowAheadRequest) {
  const blocks = Math.ceil(n / ROW_BLOCK);
  return {
    ...request,
    max,
    band: new Int32Array(n),
    blocks: new Float64Array(blocks),
    headBlocks: new Float64Array(blocks),
    values: new Float64Array(n),
  };
}

/** The row passes of a backend object as core reads them (no core in between: the raw ones). */
const passesOf = (backend: WasmBackend) => backend.rowPasses as Required<RowPasses>;

describe('RowPasses.ahead on wasmBackend({ threads: 2 })', () => {
  const rows = 64;
  const n = 32_768;
  const x = logits(rows * n, 11);
  // Bands a few percent wide, around where top-p 0.9 cuts a flat row; every third row asks the
  // entropy's weighted sum; every fifth row asks nothing (stats only).
  const requests = Array.from({ length: rows }, (_, r): RowAheadRequest | null =>
    r % 5 === 4
      ? null
      : {
          temperature: r % 2 === 0 ? 1 : 0.7,
          lo: 5.2 + (r % 3) * 0.01,
          hi: 6,
          weighted: r % 3 === 0,
        },
  );

  it('gives each row the one-thread stats and split, to the bit, band values included', () => {
    const started = passesOf(twoBackend).ahead(x, n, requests);
    expect(started).not.toBeNull();
    try {
      for (let r = 0; r < rows; r++) {
        const row = x.subarray(r * n, r * n + n);
        const passes = started!.row(r);
        const got = passes.stats(row, stats());
        const want = passesOf(oneBackend).stats(row, stats());
        expect(got, `row ${r}`).toEqual(want);
        const request = requests[r]!;
        if (request === null) continue;
        const a = room(n, got.max, request);
        const b = room(n, want.max, request);
        const found = passes.split(row, a, split());
        const expected = passesOf(oneBackend).split(row, b, split());
        expect(found, `row ${r}`).toEqual(expected);
        expect(found.valued).toBe(true);
        expect(a.band.subarray(0, found.band)).toEqual(b.band.subarray(0, found.band));
        expect(a.blocks).toEqual(b.blocks);
        expect(a.headBlocks).toEqual(b.headBlocks);
        // The band's values are its entries of the row.
        for (let k = 0; k < found.band; k++) expect(a.values[k]).toBe(row[a.band[k]!]);
      }
    } finally {
      started!.end();
    }
  });

  it('answers other requests, other rows and a band past its room with the usual passes', () => {
    // lo far down: the band is most of the row, past the room kept for it ahead (n / 4).
    const wide: RowAheadRequest = { temperature: 1, lo: -7, hi: 7.5, weighted: false };
    const started = passesOf(twoBackend).ahead(x, n, [wide, ...requests.slice(1)]);
    expect(started).not.toBeNull();
    try {
      const row = x.subarray(0, n);
      const passes = started!.row(0);
      const max = passes.stats(row, stats()).max;
      for (const request of [wide, { ...wide, lo: -6.5 }, { ...wide, temperature: 0.5 }]) {
        const a = room(n, max, request);
        const b = room(n, max, request);
        expect(passes.split(row, a, split())).toEqual(passesOf(oneBackend).split(row, b, split()));
        expect(a.band).toEqual(b.band);
      }
      // Row 1's passes asked about row 2's entries: the usual pass on those entries.
      const other = x.subarray(2 * n, 3 * n);
      expect(started!.row(1).stats(other, stats())).toEqual(
        passesOf(oneBackend).stats(other, stats()),
      );
    } finally {
      started!.end();
    }
  });

  it('runs one batch at a time, and none for one row, small batches or float64 rows', () => {
    const first = passesOf(twoBackend).ahead(x, n, requests);
    expect(first).not.toBeNull();
    try {
      // The pool is busy with the first batch.
      expect(passesOf(twoBackend).ahead(x, n, requests)).toBeNull();
    } finally {
      first!.end();
      first!.end(); // a second end() does nothing
    }
    expect(passesOf(twoBackend).ahead(x.subarray(0, n), n, [requests[0]!])).toBeNull();
    expect(
      passesOf(twoBackend).ahead(x.subarray(0, 4 * 1024), 1024, requests.slice(0, 4)),
    ).toBeNull();
    expect(passesOf(twoBackend).ahead(Float64Array.from(x), n, requests)).toBeNull();
    expect(passesOf(wasmBackend()).ahead(x, n, requests)).toBeNull(); // one thread
    // After the batches, the pool splits a softmax again, with the one-thread results.
    const y = logits(8 * n, 5);
    const options = { shape: [8, n] };
    expect(two.softmaxSync(y, options)).toEqual(one.softmaxSync(y, options));
  });

  it('samples a batch as the one-thread sampler does, field for field', () => {
    const s1 = createSampler(one);
    const s2 = createSampler(two);
    const y = logits(rows * n, 3);
    // Peaked rows too: a few tokens far above the rest, where a band guess misses.
    for (let r = 0; r < rows; r += 7) y.fill(-30, r * n + 100, r * n + n - 100);
    const cases: SampleOptions[] = [
      { topP: 0.9 },
      { topP: 0.9, entropy: true, rawLogprobs: true, topN: 5, draws: 2 },
      { topP: 0.5, temperature: 0.6, minKeep: 3 },
      { temperature: 0 },
      { topP: 0.95, temperature: Array.from({ length: rows }, (_, r) => (r % 4 === 0 ? 0 : 1.2)) },
      { topK: 40 },
    ];
    for (const options of cases) {
      const request: SampleOptions = { ...options, shape: [rows, n], seed: 99, step: 4 };
      expect(s2.sampleSync(y, request), JSON.stringify(options)).toEqual(s1.sampleSync(y, request));
    }
  });

  it('reports a NaN row as the one-thread sampler does and leaves the pool usable', () => {
    const y = logits(8 * n, 8);
    y[5 * n + 77] = Number.NaN;
    const options: SampleOptions = { topP: 0.9, shape: [8, n], seed: 1 };
    expect(() => createSampler(two).sampleSync(y, options)).toThrow(/row 5 has NaN at column 77/);
    expect(() => createSampler(one).sampleSync(y, options)).toThrow(/row 5 has NaN at column 77/);
    expect(passesOf(twoBackend).ahead(x, n, requests)?.end()).toBeUndefined();
    expect(passesOf(twoBackend).ahead(x, n, requests)).not.toBeNull();
  });
});

describe('a worker that dies during a batch', () => {
  it('costs only time: every row still gets the one-thread results, and the pool retires', async () => {
    const backend = wasmBackend({ threads: 2 });
    const softmax = await createSoftmax(backend);
    const rows = 16;
    const n = 32_768;
    const x = logits(rows * n, 21);
    const requests = Array.from(
      { length: rows },
      (): RowAheadRequest => ({ temperature: 1, lo: 5.2, hi: 6, weighted: false }),
    );
    const started = passesOf(backend).ahead(x, n, requests);
    expect(started).not.toBeNull();
    await poolOfBackend.get(backend)!()!.killWorker(1);
    try {
      for (let r = 0; r < rows; r++) {
        const row = x.subarray(r * n, r * n + n);
        const got = started!.row(r).stats(row, stats());
        expect(got, `row ${r}`).toEqual(passesOf(oneBackend).stats(row, stats()));
        const a = room(n, got.max, requests[r]!);
        const b = room(n, got.max, requests[r]!);
        expect(started!.row(r).split(row, a, split())).toEqual(
          passesOf(oneBackend).split(row, b, split()),
        );
      }
    } finally {
      started!.end();
    }
    expect(backend.threadState().threads).toBe(1);
    expect(passesOf(backend).ahead(x, n, requests)).toBeNull();
    await softmax.dispose();
  });
});
