import { createSoftmax, SoftmaxError } from '@softmax-kit/core';
import { describe, expect, it } from 'vitest';
import {
  EPS32,
  makeRequest,
  maxRelativeError,
  referenceSoftmax,
  seeded,
} from './test-support/reference.js';
import { tsBackend } from './ts-backend.js';

// Two float32 roundings plus the exp's 5.87e-10 and the float64 sum's n * 2^-53 (see softmax-rows.test.ts).
const bound32 = (n: number) => 2 * EPS32 + 5.9e-10 + (n + 8) * 2 ** -53;

describe('tsBackend through createSoftmax', () => {
  it('reports its name, device and measured capabilities', async () => {
    const sm = await createSoftmax(tsBackend());
    expect(sm.backend.name).toBe('ts');
    expect(sm.backend.capabilities).toMatchObject({
      dtypes: ['float32', 'float64'],
      computePrecision: { float32: 'float32', float64: 'float64' },
      sync: true,
      device: 'js',
    });
    await sm.dispose();
  });

  it('matches the worked examples of SPEC, synchronously and asynchronously', async () => {
    const sm = await createSoftmax(tsBackend());
    const expected = [0.659001, 0.242433, 0.098566];
    const sync = sm.softmaxSync([2, 1, 0.1]);
    const async = await sm.softmax(new Float32Array([2, 1, 0.1]));
    expect(sync).toBeInstanceOf(Float64Array);
    expect(async).toBeInstanceOf(Float32Array);
    for (let i = 0; i < 3; i++) {
      expect(sync[i]).toBeCloseTo(expected[i] as number, 6);
      expect(async[i]).toBeCloseTo(expected[i] as number, 6);
    }
    expect(Array.from(sm.softmaxSync([2, 5, 5], { temperature: 0 }))).toEqual([0, 0.5, 0.5]);
    expect(
      Array.from(
        sm.softmaxSync([1, Number.NEGATIVE_INFINITY, 1], { temperature: Number.POSITIVE_INFINITY }),
      ),
    ).toEqual([0.5, 0, 0.5]);
    await sm.dispose();
  });

  it('fills a caller buffer, also in place, for a 32 x 1000 float32 batch', async () => {
    const sm = await createSoftmax(tsBackend());
    const next = seeded(42);
    const input = Float32Array.from({ length: 32_000 }, () => (next() * 2 - 1) * 10);
    const out = new Float32Array(input.length);
    const result = sm.softmaxSync(input, { shape: [32, 1000], temperature: 0.7, out });
    expect(result).toBe(out);
    for (let r = 0; r < 32; r++) {
      const expected = referenceSoftmax(input.subarray(r * 1000, (r + 1) * 1000), 0.7);
      expect(
        maxRelativeError(out.subarray(r * 1000, (r + 1) * 1000), expected, 1e-30),
      ).toBeLessThan(bound32(1000));
    }
    const copy = input.slice();
    sm.softmaxSync(input, { shape: [32, 1000], temperature: 0.7, out: input });
    expect(Array.from(input)).toEqual(
      Array.from(sm.softmaxSync(copy, { shape: [32, 1000], temperature: 0.7 })),
    );
    await sm.dispose();
  });

  it('handles SPEC special values: masks, the largest finite values, tiny temperatures', async () => {
    const sm = await createSoftmax(tsBackend());
    expect(Array.from(sm.softmaxSync(new Float32Array([-3e38, 3e38])))).toEqual([0, 1]);
    expect(Array.from(sm.softmaxSync([-1.7976931348623157e308, 1.7976931348623157e308]))).toEqual([
      0, 1,
    ]);
    for (const temperature of [1e-30, 1e-45, 5e-324]) {
      expect(Array.from(sm.softmaxSync(new Float32Array([1, 3, 3]), { temperature }))).toEqual([
        0, 0.5, 0.5,
      ]);
    }
    const logp = sm.logSoftmaxSync([0, Number.NEGATIVE_INFINITY]);
    expect(Array.from(logp)).toEqual([0, Number.NEGATIVE_INFINITY]);
    expect(
      Array.from(
        sm.logSumExpSync([
          [0, 0],
          [Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY],
        ]),
      ),
    ).toEqual([Math.LN2, Number.NEGATIVE_INFINITY]);
    await sm.dispose();
  });

  it('rejects calls after dispose with code DISPOSED', async () => {
    const sm = await createSoftmax(tsBackend());
    await sm.dispose();
    expect(() => sm.softmaxSync([1, 2])).toThrow(SoftmaxError);
    await expect(sm.softmax([1, 2])).rejects.toMatchObject({ code: 'DISPOSED' });
  });

  it('computes the same bits through doCompute as through doComputeSync', async () => {
    const backend = tsBackend();
    await backend.doInit();
    for (const operation of ['softmax', 'logSoftmax', 'logSumExp'] as const) {
      const input = Float32Array.from({ length: 777 }, (_, i) => Math.sin(i) * 20);
      const viaSync = makeRequest(operation, input, 3, 259);
      const viaAsync = makeRequest(operation, input, 3, 259);
      backend.doComputeSync(viaSync);
      await backend.doCompute(viaAsync);
      expect(Array.from(viaAsync.output)).toEqual(Array.from(viaSync.output));
    }
    await backend.doDispose();
  });
});
