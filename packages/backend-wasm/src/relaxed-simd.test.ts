import { createSoftmax } from '@softmax-kit/core';
import { describe, expect, it } from 'vitest';
import { wasmBackend } from './index.js';
import { kernelBytes } from './wasm-backend.js';

// The `relaxedSimd` option: read once, checked, and it picks the kernel (the relaxed one only
// where the runtime validates it). The relaxed kernel's own accuracy is checked by the
// `node-relaxed` project (src/exp.test.ts, src/accuracy.test.ts) and in Chromium.
const hasRelaxed = WebAssembly.validate(kernelBytes('relaxed'));

describe('wasmBackend({ relaxedSimd })', () => {
  it('reads the option once, and only from an options object', async () => {
    let reads = 0;
    const options = {
      get relaxedSimd() {
        reads++;
        return reads === 1 ? false : 'not a boolean';
      },
    };
    const sm = await createSoftmax(wasmBackend(options as never));
    expect(reads).toBe(1);
    expect(sm.backend.capabilities.details?.simd).toBe('SIMD128 (relaxedSimd: false)');
    await sm.dispose();
  });

  it('rejects a value that is not a boolean, and a getter that throws, as INVALID_INPUT', () => {
    for (const relaxedSimd of [1, 'true', 0, Number.NaN]) {
      expect(() => wasmBackend({ relaxedSimd } as never)).toThrow(
        expect.objectContaining({
          code: 'INVALID_INPUT',
          message: expect.stringMatching(/relaxedSimd/),
        }),
      );
    }
    const throwing = {
      get relaxedSimd(): boolean {
        throw new Error('no');
      },
    };
    expect(() => wasmBackend(throwing)).toThrow(
      expect.objectContaining({
        code: 'INVALID_INPUT',
        message: expect.stringMatching(/getter that threw/),
      }),
    );
  });

  it('says which kernel runs: the relaxed one exactly where the runtime validates it', async () => {
    const sm = await createSoftmax(wasmBackend());
    const simd = String(sm.backend.capabilities.details?.simd);
    expect(simd.startsWith('relaxed')).toBe(hasRelaxed);
    if (!hasRelaxed) expect(simd).toBe('SIMD128 (this runtime has no relaxed SIMD)');
    await sm.dispose();
  });

  it('gives results within the bound of each other with either kernel (threads too)', async () => {
    const a = await createSoftmax(wasmBackend());
    const b = await createSoftmax(wasmBackend({ relaxedSimd: false, threads: 2 }));
    const n = 300_001; // splits over the two threads (from 256k entries), a 1-3 entry tail
    const x = Float32Array.from({ length: n }, (_, i) => Math.fround(Math.sin(i * 0.37) * 20));
    const p = a.softmaxSync(x);
    const q = b.softmaxSync(x);
    // Each within 2 E + 2 u + n 2^-53 of the exact p (E = 1.11e-7, the exp's bound; u = 2^-24:
    // src/accuracy.test.ts), so within twice that of each other.
    const bound = 2 * (2 * 1.11e-7 + 2 * 2 ** -24 + n * 2 ** -53);
    let worst = 0;
    for (let i = 0; i < n; i++) {
      const r = q[i] as number;
      if (r < 1e-30) continue;
      worst = Math.max(worst, Math.abs((p[i] as number) - r) / r);
    }
    expect(worst).toBeLessThanOrEqual(bound);
    await a.dispose();
    await b.dispose();
  });
});
