import { createSoftmax, SoftmaxError } from '@softmax-kit/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { wasmBackend } from './index.js';

afterEach(() => {
  vi.restoreAllMocks();
});

function logits(n: number): Float32Array {
  return new Float32Array(n).map((_, i) => Math.fround(Math.sin(i * 0.37) * 6));
}

describe('arrays from backend.allocate', () => {
  it('give the same bits as the caller-array path, in place, with no memory growth in the call', async () => {
    const backend = wasmBackend();
    const sm = await createSoftmax(backend);
    const n = 300_001;
    const values = logits(n);
    const reference = sm.softmaxSync(values);
    const handle = backend.allocate(n);
    handle.array.set(values);
    // The staging memory starts at two pages: a copy of 1.2 MB would have to grow it.
    const grow = vi.spyOn(WebAssembly.Memory.prototype, 'grow');
    const view = handle.array;
    const result = sm.softmaxSync(view, { out: view });
    expect(grow).not.toHaveBeenCalled();
    expect(result).toBe(view);
    expect(
      Buffer.from(view.buffer, view.byteOffset, n * 4).equals(Buffer.from(reference.buffer)),
    ).toBe(true);
    await sm.dispose();
  });

  it('work for all three operations, sync and async, into another arena array or a caller array', async () => {
    const backend = wasmBackend();
    const sm = await createSoftmax(backend);
    const values = logits(1001);
    const input = backend.allocate(1001);
    const out = backend.allocate(1001);
    input.array.set(values);
    for (const operation of ['softmaxSync', 'logSoftmaxSync'] as const) {
      const expected = sm[operation](values);
      expect(Array.from(sm[operation](input.array, { out: out.array }))).toEqual(
        Array.from(expected),
      );
      expect(
        Array.from(await sm[operation === 'softmaxSync' ? 'softmax' : 'logSoftmax'](input.array)),
      ).toEqual(Array.from(expected));
    }
    expect(sm.logSumExpSync(input.array, { shape: [7, 143] })).toEqual(
      sm.logSumExpSync(values, { shape: [7, 143] }),
    );
    // The input is unchanged when it is not `out`.
    expect(Array.from(input.array)).toEqual(Array.from(values));
    await sm.dispose();
  });

  it('detach older views when the memory grows: a stale view is an INVALID_INPUT error, never garbage', async () => {
    const backend = wasmBackend();
    const sm = await createSoftmax(backend);
    const handle = backend.allocate(16);
    const view = handle.array;
    view.set(logits(16));
    expect(handle.isStale(view)).toBe(false);
    backend.allocate(1 << 20); // grows the memory
    expect(handle.isStale(view)).toBe(true);
    expect(view.length).toBe(0);
    expect(() => sm.softmaxSync(view, { out: view })).toThrow(
      expect.objectContaining({
        code: 'INVALID_INPUT',
        message: expect.stringMatching(/detached/),
      }),
    );
    // The handle gives a live view of the same values.
    expect(Array.from(handle.array)).toEqual(Array.from(logits(16)));
    expect(handle.isStale(handle.array)).toBe(false);
    await sm.dispose();
  });

  it('are counted as resources until released, and released space is reused', async () => {
    const backend = wasmBackend();
    const sm = await createSoftmax(backend);
    expect(backend.doResourceCount?.()).toBe(0);
    const a = backend.allocate(100);
    const b = backend.allocate(100);
    expect(backend.doResourceCount?.()).toBe(2);
    const offset = a.array.byteOffset;
    a.release();
    a.release(); // twice is harmless
    expect(a.released).toBe(true);
    expect(() => a.array).toThrow(SoftmaxError);
    expect(backend.allocate(50).array.byteOffset).toBe(offset);
    b.release();
    expect(backend.doResourceCount?.()).toBe(1);
    await sm.dispose();
    expect(() => backend.allocate(1)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });

  it('reject lengths that are not positive integers', async () => {
    const backend = wasmBackend();
    const sm = await createSoftmax(backend);
    for (const length of [0, -1, 1.5, Number.NaN]) {
      expect(() => backend.allocate(length)).toThrow(
        expect.objectContaining({ code: 'INVALID_INPUT' }),
      );
    }
    await sm.dispose();
  });
});
