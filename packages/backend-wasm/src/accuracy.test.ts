import { createSoftmax, type SyncSoftmax } from '@softmax-kit/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { wasmBackend } from './index.js';
import { KERNEL_VARIANT, seeded } from './test-support/raw-kernel.js';

// float32 accuracy against a float64 reference, for n up to 10^6, through the public API.
//
// Per entry: the term exp(z_i) within E = 1.11e-7 (src/exp.test.ts), the row sum within E too
// (a sum of terms each within E) plus n 2^-53 of float64 summation, then two float32 roundings
// (1 / sum, and the product). The requirement is 4e-7.
const E = 1.11e-7;
const softmaxBound = (n: number) => 2 * E + 2 * 2 ** -24 + n * 2 ** -53;

let sm: SyncSoftmax;
beforeAll(async () => {
  sm = await createSoftmax(wasmBackend());
});

/** Logits spread so p spans ~1e-30 to ~1: uniform in [-69, 0] (e^-69 ~ 1e-30). */
function logits(n: number, seed: number): Float32Array {
  const next = seeded(seed);
  const spread = 69; // e^-69 ~ 1e-30
  return new Float32Array(n).map(() => Math.fround(-next() * spread));
}

/** float64 reference: exp(x - m) with Math.exp, summed with Neumaier compensation. */
function reference(x: Float32Array): { p: Float64Array; logSum: number; max: number; s: number } {
  let max = Number.NEGATIVE_INFINITY;
  let first = -1;
  for (let i = 0; i < x.length; i++) {
    if ((x[i] as number) > max) {
      max = x[i] as number;
      first = i;
    }
  }
  const p = new Float64Array(x.length);
  let sum = 0;
  let compensation = 0;
  for (let i = 0; i < x.length; i++) {
    const e = Math.exp((x[i] as number) - max);
    p[i] = e;
    if (i === first) continue;
    const next = sum + e;
    compensation += Math.abs(sum) >= e ? sum - next + e : e - next + sum;
    sum = next;
  }
  const s = sum + compensation;
  for (let i = 0; i < x.length; i++) p[i] = (p[i] as number) / (1 + s);
  return { p, logSum: Math.log1p(s), max, s };
}

describe(`wasm float32 accuracy (${KERNEL_VARIANT} kernel)`, () => {
  it(`runs the ${KERNEL_VARIANT} kernel`, () => {
    // The relaxed project must not pass on the plain kernel (a runtime without relaxed SIMD).
    const simd = String(sm.backend.capabilities.details?.simd);
    expect(simd.startsWith('relaxed')).toBe(KERNEL_VARIANT === 'relaxed');
  });

  for (const n of [10, 1000, 32_768, 1_000_000]) {
    it(`softmax is within ${softmaxBound(n).toExponential(2)} relative for every p >= 1e-30 at n = ${n}`, () => {
      const x = logits(n, n);
      const ref = reference(x);
      const p = sm.softmaxSync(x);
      let worst = 0;
      for (let i = 0; i < n; i++) {
        const r = ref.p[i] as number;
        if (r < 1e-30) continue;
        worst = Math.max(worst, Math.abs((p[i] as number) - r) / r);
      }
      expect(worst).toBeLessThan(softmaxBound(n));
      expect(softmaxBound(n)).toBeLessThan(4e-7);
    });
  }

  it('logSoftmax and logSumExp are accurate relative to their terms at n = 10^6', () => {
    const x = logits(1_000_000, 3);
    const ref = reference(x);
    const logp = sm.logSoftmaxSync(x);
    let worst = 0;
    for (let i = 0; i < x.length; i++) {
      const exact = (x[i] as number) - ref.max - ref.logSum;
      // (x - m) exact in float64; log1p(s) within E relative (s within E); one float32 rounding.
      const bound = E * ref.logSum + 2 ** -24 * Math.abs(exact) + 2 ** -52 * Math.abs(exact);
      worst = Math.max(worst, Math.abs((logp[i] as number) - exact) / bound);
    }
    expect(worst).toBeLessThan(1);
    const lse = sm.logSumExpSync(x)[0] as number;
    const exact = ref.max + ref.logSum;
    expect(Math.abs(lse - exact)).toBeLessThan(E * ref.logSum + 2 ** -24 * Math.abs(exact));
  });

  it('keeps tiny sums: logSumExp([0, -40]) = 4.248354e-18 and logSoftmax([0, -40])[0] its negative', () => {
    const x = Float32Array.of(0, -40);
    const exact = Math.log1p(Math.exp(-40));
    expect(Math.abs((sm.logSumExpSync(x)[0] as number) / exact - 1)).toBeLessThan(2 * E);
    expect(Math.abs((sm.logSoftmaxSync(x)[0] as number) / -exact - 1)).toBeLessThan(2 * E);
    expect((sm.logSumExpSync(x)[0] as number).toPrecision(7)).toBe('4.248354e-18');
  });

  it('does not drift with n: the worst error at 10^6 is within 1.5x of the one at 10^3', () => {
    const worstAt = (n: number) => {
      const x = logits(n, 99);
      const ref = reference(x);
      const p = sm.softmaxSync(x);
      let worst = 0;
      for (let i = 0; i < n; i++) {
        const r = ref.p[i] as number;
        if (r >= 1e-30) worst = Math.max(worst, Math.abs((p[i] as number) - r) / r);
      }
      return worst;
    };
    expect(worstAt(1_000_000)).toBeLessThan(1.5 * worstAt(1000));
  });
});
