import { createSoftmax } from '@softmax-kit/core';
import { genericRowPasses, internalsOf } from '@softmax-kit/core/internal';
import { describe, expect, it } from 'vitest';
import { wasmBackend } from './index.js';

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
