import { createSoftmax, type SyncSoftmax } from '@softmax-kit/core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { wasmBackend } from './index.js';
import { THREADS_FROM } from './threaded-compute.js';

// wasmBackend({ threads: 2 }) in Node: worker_threads on a shared memory. Results are compared
// with the one-thread backend: the same kernels on the same entries, only the row sums of a
// long row are added in another order (float64 partial sums: a relative change of a few 2^-53,
// far below float32's 2^-24, so at most one float32 rounding apart).
const ONE_ROUNDING = 2 ** -23;

let one: SyncSoftmax;
let two: SyncSoftmax;
beforeAll(async () => {
  one = await createSoftmax(wasmBackend());
  two = await createSoftmax(wasmBackend({ threads: 2 }));
});
afterAll(async () => {
  await one.dispose();
  await two.dispose();
});

function logits(n: number): Float32Array {
  return new Float32Array(n).map((_, i) => Math.fround(Math.sin(i * 0.37) * 9));
}

function worstRelative(a: Float32Array | Float64Array, b: Float32Array | Float64Array): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    if (x === y) continue;
    worst = Math.max(worst, Math.abs(x - y) / Math.max(Math.abs(x), 2 ** -126));
  }
  return worst;
}

describe('wasmBackend({ threads: 2 })', () => {
  it('says in capabilities.details that it splits calls over two threads', () => {
    expect(two.backend.capabilities.details).toMatchObject({ threads: 2 });
    expect(String(two.backend.capabilities.details?.threadsNote)).toMatch(/2 threads/);
  });

  for (const [rows, cols] of [
    [1, 1 << 20],
    [1, 300_003],
    [32, 32_768],
    [3, 100_001],
  ] as const) {
    it(`gives the one-thread results for all three operations at ${rows}x${cols}`, () => {
      expect(rows * cols).toBeGreaterThanOrEqual(THREADS_FROM);
      const x = logits(rows * cols);
      for (const op of ['softmaxSync', 'logSoftmaxSync', 'logSumExpSync'] as const) {
        const options = { shape: [rows, cols], temperature: 0.8 };
        const reference =
          op === 'logSumExpSync' ? one[op](x, { shape: [rows, cols] }) : one[op](x, options);
        const threaded =
          op === 'logSumExpSync' ? two[op](x, { shape: [rows, cols] }) : two[op](x, options);
        expect(worstRelative(reference, threaded), op).toBeLessThanOrEqual(ONE_ROUNDING);
      }
    });
  }

  it('flags a NaN in the second thread of a split row: an error, the in-place input unchanged', () => {
    const x = logits(1 << 19);
    x[(1 << 19) - 3] = Number.NaN; // the last chunk's tail
    const copy = x.slice();
    expect(() => two.softmaxSync(x, { out: x })).toThrow(
      expect.objectContaining({
        code: 'NAN_INPUT',
        message: expect.stringMatching(/column 524285/),
      }),
    );
    expect(Array.from(x.subarray(-8))).toEqual(Array.from(copy.subarray(-8)));
    expect(x.every((v, i) => Object.is(v, copy[i]))).toBe(true);
    // nan: 'propagate' gives the NaN row, as on one thread.
    expect(two.softmaxSync(x, { nan: 'propagate' }).every(Number.isNaN)).toBe(true);
  });

  it('handles flagged rows of a split batch as one thread does', () => {
    const rows = 8;
    const cols = 65_536;
    const x = logits(rows * cols);
    x[5 * cols + 7] = Number.POSITIVE_INFINITY;
    x.fill(Number.NEGATIVE_INFINITY, 6 * cols, 7 * cols);
    const options = { shape: [rows, cols], allMasked: 'zeros' } as const;
    expect(
      worstRelative(one.softmaxSync(x, options), two.softmaxSync(x, options)),
    ).toBeLessThanOrEqual(ONE_ROUNDING);
  });

  it('computes on one thread and says why where shared memory is missing', async () => {
    vi.stubGlobal('SharedArrayBuffer', undefined);
    try {
      const sm = await createSoftmax(wasmBackend({ threads: 2 }));
      expect(sm.backend.capabilities.details).toMatchObject({ threads: 1 });
      expect(String(sm.backend.capabilities.details?.threadsNote)).toMatch(/SharedArrayBuffer/);
      expect(sm.softmaxSync(Float32Array.of(2, 1, 0.1))[0]).toBeCloseTo(0.659001, 6);
      await sm.dispose();
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('rejects thread counts that are not integers from 1 to 64', () => {
    for (const threads of [0, 1.5, 65, Number.NaN]) {
      expect(() => wasmBackend({ threads })).toThrow(
        expect.objectContaining({ code: 'INVALID_INPUT' }),
      );
    }
  });
});
