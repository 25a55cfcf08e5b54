import { beforeAll, describe, expect, it } from 'vitest';
import type { KernelInstance } from './kernel-instance.js';
import { DATA_AT } from './layout.js';
import { KERNEL_VARIANT, rawKernel, seeded } from './test-support/raw-kernel.js';

// The exp of the kernels (src/kernels/softmax.wat, $expSum, exported as `expSum`), the very loop
// the softmax and log kernels use, writing its terms: out = 2^((x - m) * scale), float32. The
// `node` project checks the plain SIMD128 module; the `node-relaxed` project (relaxed SIMD on)
// the relaxed-SIMD one, whose polynomial is the same steps as fused multiply-adds on this CPU
// (where a CPU has no FMA, relaxed_madd rounds twice: exactly the plain module's arithmetic).
//
// Error budget, relative to the exact 2^u:
// - the degree-6 polynomial of 2^f on [-1/2, 1/2] in exact arithmetic: below 1.9e-8 (checked
//   below on a dense grid, in float64, with the coefficients as the WAT stores them);
// - its float32 Horner roundings: checked below over EVERY float32 f with 2^-12 <= |f| <= 1/2
//   (1.8e8 values; below 2^-12 the result is 1 + f ln2 to within one rounding, sampled
//   densely), where the polynomial's error measures 9.1e-8 in the kernel's order of evaluation
//   (Estrin's inside, Horner's last two steps; all-Horner: 9.0e-8; the degree-7 Taylor
//   polynomial before it: 9.7e-8);
const POLYNOMIAL_BOUND = 1.0e-7;
// - the reduction f = u - round(u) rounded to float32 moves 2^f by at most ln2 * 2^-26;
const REDUCTION = Math.LN2 * 2 ** -26;
// - the reference Math.pow(2, u) is within an ulp of float64 (2^-52) and u itself is computed
//   in float64 exactly as the kernel does, so it adds nothing.
const REFERENCE = 2 ** -52;

const CHUNK = 1 << 20;
let kernel: KernelInstance;
let x: Float32Array;
let y: Float32Array;
const IN = DATA_AT;
const OUT = DATA_AT + CHUNK * 4;

beforeAll(async () => {
  kernel = await rawKernel();
  kernel.reserve(OUT + CHUNK * 4);
  x = new Float32Array(kernel.memory.buffer, IN, CHUNK);
  y = new Float32Array(kernel.memory.buffer, OUT, CHUNK);
});

/** The worst relative error of 2^((x - m) * scale) over the first n entries of x. */
function worstError(n: number, m: number, scale: number): { error: number; at: number } {
  kernel.exports.expSum(IN, OUT, n, m, scale, 1);
  let error = 0;
  let at = 0;
  for (let i = 0; i < n; i++) {
    const u = ((x[i] as number) - m) * scale;
    const exact = 2 ** u;
    const e = Math.abs((y[i] as number) - exact) / exact;
    if (e > error) {
      error = e;
      at = x[i] as number;
    }
  }
  return { error, at };
}

describe(`the kernels exp (${KERNEL_VARIANT} kernel)`, () => {
  it('is within its bound at every float32 f with 2^-12 <= |f| <= 1/2 (u = f: no reduction)', () => {
    const bits = new Uint32Array(kernel.memory.buffer, IN, CHUNK);
    const low = (127 - 12) << 23; // 2^-12
    const high = (126 << 23) + 1; // 1/2, included
    let worst = 0;
    let worstAt = 0;
    let count = 0;
    for (const sign of [0, 0x80000000]) {
      for (let b = low; b < high; b += CHUNK) {
        const n = Math.min(CHUNK, high - b);
        for (let i = 0; i < n; i++) bits[i] = (b + i) | sign;
        const { error, at } = worstError(n, 0, 1);
        count += n;
        if (error > worst) {
          worst = error;
          worstAt = at;
        }
      }
    }
    expect(count).toBe(2 * (11 * 2 ** 23 + 1));
    expect(worst, `worst at f = ${worstAt}`).toBeLessThan(POLYNOMIAL_BOUND + REFERENCE);
    // Not vacuous: float32 roundings are visible.
    expect(worst).toBeGreaterThan(POLYNOMIAL_BOUND / 4);
  });

  it('is within its bound for |f| < 2^-12, every binade sampled, and exactly 1 at 0', () => {
    const next = seeded(7);
    let n = 0;
    for (let e = -149; e < -12; e++) {
      for (let j = 0; j < 2048 && n < CHUNK; j++) {
        const value = Math.fround(2 ** e * (1 + next()));
        x[n++] = j % 2 === 0 ? value : -value;
      }
    }
    x[n++] = 0;
    expect(worstError(n, 0, 1).error).toBeLessThan(POLYNOMIAL_BOUND + REFERENCE);
    expect(y[n - 1]).toBe(1);
  });

  it('is within its bound over the whole domain, through the float64 reduction', () => {
    const next = seeded(11);
    for (let round = 0; round < 4; round++) {
      const m = Math.fround(next() * 200 - 100);
      const scale = 0.5 + next() * 40;
      // u = (x - m) * scale uniform over [-125, 0]: every k the kernel keeps.
      for (let i = 0; i < CHUNK; i++) x[i] = Math.min(m, Math.fround(m - (next() * 125) / scale));
      const { error, at } = worstError(CHUNK, m, scale);
      expect(error, `x = ${at}, m = ${m}, scale = ${scale}`).toBeLessThan(
        POLYNOMIAL_BOUND + REDUCTION + REFERENCE,
      );
    }
  });

  it('gives exactly 0 below 2^-126.5 and for -Infinity, and correctly rounded values (subnormals too) above', () => {
    x.set([-125, -125.6, -126, -126.4, -126.6, -149, Number.NEGATIVE_INFINITY, -3e38]);
    kernel.exports.expSum(IN, OUT, 8, 0, 1, 1);
    for (const i of [0, 1, 2]) {
      expect(Math.abs((y[i] as number) / 2 ** (x[i] as number) - 1)).toBeLessThan(POLYNOMIAL_BOUND);
    }
    // 2^x[3] (x[3] = float32(-126.4)) is subnormal: within the polynomial's bound plus half a
    // subnormal step (2^-150).
    const subnormal = 2 ** (x[3] as number);
    expect(Math.abs((y[3] as number) - subnormal)).toBeLessThanOrEqual(
      subnormal * POLYNOMIAL_BOUND + 2 ** -150,
    );
    expect(Array.from(y.subarray(4, 8))).toEqual([0, 0, 0, 0]);
  });

  it('has a degree-6 polynomial within 1.9e-8 of 2^f on [-1/2, 1/2] in exact arithmetic', async () => {
    const { readFileSync } = await import('node:fs');
    const wat = readFileSync(new URL('./kernels/softmax.wat', import.meta.url), 'utf8');
    const c = [1];
    for (let j = 1; j <= 6; j++) {
      const match = new RegExp(`\\(global \\$c${j} v128 \\(v128\\.const f32x4 (\\S+)`).exec(wat);
      const value = Number(match?.[1]);
      expect(Number.isFinite(value), `c${j}`).toBe(true);
      c.push(Math.fround(value)); // the float32 value the kernel computes with
    }
    expect(wat).not.toMatch(/\$c7/);
    // Horner in float64 (53 bits: its roundings, ~1e-16, are far below the bound), on a grid of
    // 2^20 + 1 points; the error curve of a degree-6 fit to 2^f has at most 8 extrema, each
    // spanning ~0.1 in f, so the grid resolves every one of them.
    let worst = 0;
    const steps = 1 << 20;
    for (let i = 0; i <= steps; i++) {
      const f = -0.5 + i / steps;
      let p = c[6] as number;
      for (let j = 5; j >= 0; j--) p = p * f + (c[j] as number);
      worst = Math.max(worst, Math.abs(p / 2 ** f - 1));
    }
    // 1.85e-8: the float32 coefficients as stored (the unrounded fit: 2.0e-9; nudging c2 and c3
    // by an ulp trades exact-arithmetic error for a lower float32 Horner error, swept above).
    expect(worst).toBeLessThan(1.9e-8);
  });
});
