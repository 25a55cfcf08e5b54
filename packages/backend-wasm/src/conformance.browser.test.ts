import { describeConformance } from '@softmax-kit/conformance/vitest';
import { createSoftmax } from '@softmax-kit/core';
import { describe, expect, it } from 'vitest';
import { commands } from 'vitest/browser';
import { wasmBackend } from './index.js';

// The whole suite in headless Chromium (Debian's, cross-origin isolated so that threads have
// shared memory), accuracy up to n = 10^6; each report is written through a vitest browser
// command to reports/conformance/<name>.json.
const onReport = (report: unknown, name: string) =>
  commands.writeConformanceReport(name, JSON.stringify(report, null, 2));
const sizes = [1, 10, 1000, 32_768, 1_000_000];

describeConformance('wasm-browser', () => wasmBackend(), { sizes, onReport });
describeConformance('wasm-threads-browser', () => wasmBackend({ threads: 2 }), {
  sizes,
  onReport,
});

// Chromium validates relaxed SIMD (114+): the suites above ran the relaxed-SIMD kernel. The
// plain one runs there too with relaxedSimd: false.
describe('the kernel in Chromium', () => {
  it('is the relaxed-SIMD one by default, the plain one with relaxedSimd: false', async () => {
    const relaxed = await createSoftmax(wasmBackend());
    const plain = await createSoftmax(wasmBackend({ relaxedSimd: false }));
    expect(String(relaxed.backend.capabilities.details?.simd)).toMatch(/^relaxed SIMD/);
    expect(plain.backend.capabilities.details?.simd).toBe('SIMD128 (relaxedSimd: false)');
    const n = 4099;
    const x = Float32Array.from({ length: n }, (_, i) => Math.fround(Math.sin(i * 0.37) * 20));
    const p = relaxed.softmaxSync(x);
    const q = plain.softmaxSync(x);
    // Each within 2 E + 2 u + n 2^-53 of the exact p (src/accuracy.test.ts): twice that apart.
    const bound = 2 * (2 * 1.11e-7 + 2 * 2 ** -24 + n * 2 ** -53);
    for (let i = 0; i < n; i++) {
      const r = q[i] as number;
      if (r >= 1e-30) expect(Math.abs((p[i] as number) - r) / r).toBeLessThanOrEqual(bound);
    }
    await relaxed.dispose();
    await plain.dispose();
  });
});
