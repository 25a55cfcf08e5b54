import { createSoftmax, type Softmax, SoftmaxError } from '@softmax-kit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom, U32 } from './test-support/reference.js';
import { tfjsBackend } from './tfjs-backend.js';

/** `log1p(exp(-40))` = 4.248354e-18 from float64's Math.log1p and Math.exp (each within an ulp). */
const TINY = Math.log1p(Math.exp(-40));

/**
 * SPEC's logSumExp of one row, accurate relative to its terms: `m + log1p(s)`, `s` summed in
 * float64 over every entry but the first max (whose term is exactly 1).
 */
function referenceLogSum(
  row: ArrayLike<number>,
  temperature: number,
): { max: number; log: number } {
  let max = Number.NEGATIVE_INFINITY;
  for (let index = 0; index < row.length; index++) max = Math.max(max, row[index]!);
  let first = -1;
  let others = 0;
  for (let index = 0; index < row.length; index++) {
    if (first < 0 && row[index] === max) first = index;
    else others += Math.exp((row[index]! - max) / temperature);
  }
  return { max, log: Math.log1p(others) };
}

/** Bitwise equality of two float arrays (NaN, -0 included): the first index that differs, or -1. */
function firstDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return 0;
  for (let index = 0; index < a.length; index++) if (!Object.is(a[index], b[index])) return index;
  return -1;
}

describe('tfjsBackend() with no options', () => {
  it('runs on the cpu device, named tfjs-cpu', async () => {
    const sm = await createSoftmax(tfjsBackend());
    try {
      expect(sm.backend.name).toBe('tfjs-cpu');
      expect(sm.backend.capabilities.device).toBe('cpu');
      const result = await sm.softmax([0, 0]);
      expect(Array.from(result)).toEqual([0.5, 0.5]);
    } finally {
      await sm.dispose();
    }
  });

  it('refuses an unknown device, a non-object and a throwing getter with INVALID_INPUT', () => {
    const throwing = {
      get device(): 'cpu' {
        throw new Error('boom');
      },
    };
    for (const options of [{ device: 'gpu' }, 7, throwing, { device: 1n }, { numThreads: 0 }]) {
      let caught: unknown;
      try {
        tfjsBackend(options as never);
      } catch (error) {
        caught = error;
      }
      expect(SoftmaxError.isInstance(caught), String(caught)).toBe(true);
      expect((caught as SoftmaxError).code).toBe('INVALID_INPUT');
    }
  });
});

describe.each(['cpu', 'wasm'] as const)('tfjs-%s: logarithms and batches', (device) => {
  let sm: Softmax;
  beforeAll(async () => {
    sm = await createSoftmax(tfjsBackend({ device }));
  });
  afterAll(async () => {
    await sm.dispose();
  });

  // The device's float32 exp (allowed 2 ulps), the float32 sum of the other terms (n U32 for a
  // single accumulator), log1p and the arithmetic in float64, one rounding to float32.
  const logBound = (n: number) => (4 + n) * U32;

  it('logSumExp([0, -40]) is 4.248354e-18, not 0, for Float32Array and Float64Array', async () => {
    for (const input of [new Float32Array([0, -40]), new Float64Array([0, -40])]) {
      const value = (await sm.logSumExp(input))[0]!;
      expect(Math.abs(value - TINY) / TINY).toBeLessThanOrEqual(logBound(2));
    }
  });

  it('logSoftmax([0, -40]) is [-4.248354e-18, -40 - 4.248354e-18] for both dtypes', async () => {
    for (const input of [new Float32Array([0, -40]), new Float64Array([0, -40])]) {
      const out = await sm.logSoftmax(input);
      expect(Math.abs(out[0]! + TINY) / TINY).toBeLessThanOrEqual(logBound(2));
      expect(Math.abs(out[1]! + 40 + TINY) / (40 + TINY)).toBeLessThanOrEqual(logBound(2));
    }
  });

  it('logSoftmax and logSumExp are accurate relative to their terms on peaked rows', async () => {
    const random = seededRandom(41);
    for (const [n, temperature, offset] of [
      [3, 1, 0],
      [100, 0.5, 12.5],
      [1000, 3, -700],
      [70_000, 1, 0], // past FUSED_ROW_LENGTH: the blocked sums
    ] as const) {
      const input = new Float32Array(n);
      for (let index = 0; index < n; index++) {
        input[index] = offset - temperature * (20 + 40 * random());
      }
      input[Math.floor(random() * n)] = offset;
      const { max, log } = referenceLogSum(input, temperature);
      const logp = await sm.logSoftmax(input, { temperature });
      let worst = 0;
      for (let index = 0; index < n; index++) {
        const z = (input[index]! - max) / temperature;
        const error = Math.abs(logp[index]! - (z - log)) / (Math.abs(z) + log);
        if (!(error <= worst)) worst = error;
      }
      expect(worst, `logSoftmax n = ${n}`).toBeLessThanOrEqual(logBound(n));
      const lse = (await sm.logSumExp(input))[0]!;
      const atOne = referenceLogSum(input, 1);
      const expected = atOne.max + atOne.log;
      expect(
        Math.abs(lse - expected) / (Math.abs(atOne.max) + atOne.log),
        `logSumExp n = ${n}`,
      ).toBeLessThanOrEqual(logBound(n));
    }
  });

  it.each([
    [40, 'rows of the fused path'],
    [70_000, 'rows of the blocked-sum path'],
  ])(
    'a row gives the same bits alone and in a batch with other temperatures (%i: %s)',
    async (cols) => {
      const temperatures = [1, 0.7, 2.5, 1e-30, 1e300, 1, 5e-324, 40, 0, Number.POSITIVE_INFINITY];
      const rows = cols > 1000 ? 4 : temperatures.length;
      const random = seededRandom(cols);
      const batch = new Float32Array(rows * cols);
      for (let index = 0; index < batch.length; index++) batch[index] = (random() * 2 - 1) * 30;
      const rowTemperatures = temperatures.slice(0, rows);
      for (const operation of ['softmax', 'logSoftmax'] as const) {
        const together = await sm[operation](batch, {
          shape: [rows, cols],
          temperature: rowTemperatures,
        });
        for (let row = 0; row < rows; row++) {
          const alone = await sm[operation](batch.subarray(row * cols, (row + 1) * cols), {
            temperature: rowTemperatures[row]!,
          });
          const part = together.subarray(row * cols, (row + 1) * cols);
          expect(
            firstDifference(alone, part),
            `${operation} row ${row}, T = ${rowTemperatures[row]}`,
          ).toBe(-1);
        }
      }
      const sums = await sm.logSumExp(batch, { shape: [rows, cols] });
      for (let row = 0; row < rows; row++) {
        const alone = await sm.logSumExp(batch.subarray(row * cols, (row + 1) * cols));
        expect(Object.is(alone[0], sums[row]), `logSumExp row ${row}`).toBe(true);
      }
    },
  );

  it('two backend objects on the same device both work, and disposing one leaves the other working', async () => {
    const first = tfjsBackend({ device });
    const second = tfjsBackend({ device });
    const a = await createSoftmax(first);
    const b = await createSoftmax(second);
    const input = new Float32Array([2, 1, 0.1]);
    const expected = await sm.softmax(input);
    expect(firstDifference(await a.softmax(input), expected)).toBe(-1);
    expect(firstDifference(await b.softmax(input), expected)).toBe(-1);
    // One object belongs to one instance at a time (SPEC): a second createSoftmax is refused.
    await expect(createSoftmax(first)).rejects.toMatchObject({ code: 'BACKEND_IN_USE' });
    await a.dispose();
    await expect(a.softmax(input)).rejects.toMatchObject({ code: 'DISPOSED' });
    const before = second.doResourceCount?.();
    for (let call = 0; call < 20; call++) {
      expect(firstDifference(await b.logSoftmax(input), await sm.logSoftmax(input))).toBe(-1);
    }
    expect(second.doResourceCount?.()).toBe(before);
    await b.dispose();
  });
});
