import type { Backend, KernelRequest, Operation } from '@softmax-kit/core';
import { createSoftmax } from '@softmax-kit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCANNING_DEVICES, tfjsBackend } from './tfjs-backend.js';

/**
 * The kernel's own row scan on tfjs-wasm (capabilities `scansRows`), called directly with a
 * `RowScan` so the flags and maxima themselves are checked, not only what core makes of them
 * (the conformance suite's `stability.every-lane.*` checks that through the public API once
 * wasm is in `SCANNING_DEVICES`). The kernel takes a `RowScan` whether or not it is declared.
 */

/** A row of `n` ordinary logits in [-5, 5], different per `shift`. */
function regularRow(n: number, shift: number): number[] {
  return Array.from({ length: n }, (_, i) => ((i * 7 + shift) % 11) - 5);
}

interface Scanned {
  rowMax: Float64Array;
  flags: Uint8Array;
  output: Float32Array;
}

/** Runs one scanning request; the output starts as 7s so untouched entries can be seen. */
async function scanned(
  backend: Backend,
  operation: Operation,
  rowValues: number[][],
  options: { temperature?: number; haltOnFlag?: boolean; skip?: Uint8Array } = {},
): Promise<Scanned> {
  const rows = rowValues.length;
  const cols = rowValues[0]!.length;
  const input = Float32Array.from(rowValues.flat());
  const output = new Float32Array(operation === 'logSumExp' ? rows : rows * cols).fill(7);
  const rowMax = new Float64Array(rows);
  const flags = new Uint8Array(rows);
  const request: KernelRequest = {
    operation,
    input,
    output,
    rows,
    cols,
    temperature: new Float64Array(rows).fill(options.temperature ?? 1),
    rowMax,
    skip: options.skip ?? null,
    scan: { rowMax, flags, haltOnFlag: options.haltOnFlag ?? false },
  };
  await backend.doCompute(request);
  return { rowMax, flags, output };
}

/** The largest entry of a row, as RowScan defines it (NaN ignored). */
function maxOf(row: number[]): number {
  return Math.max(...row.filter((v) => !Number.isNaN(v)));
}

describe('tfjs-wasm scans its own rows', () => {
  let backend: Backend;
  beforeAll(async () => {
    backend = tfjsBackend({ device: 'wasm' });
    const capabilities = await backend.doInit();
    expect(capabilities.scansRows === true).toBe(SCANNING_DEVICES.has('wasm'));
  });
  afterAll(() => backend.doDispose());

  it('never declares scansRows on cpu (its max is slower than core scan)', async () => {
    expect(SCANNING_DEVICES.has('cpu')).toBe(false);
    const sm = await createSoftmax(tfjsBackend({ device: 'cpu' }));
    try {
      expect(sm.backend.capabilities.scansRows).not.toBe(true);
    } finally {
      await sm.dispose();
    }
  });

  // Device scan (softmax, T = 1) and host scan (T = 2, logSoftmax, logSumExp): every position
  // of rows up to 17 and the edges of 1,025, for NaN, +Infinity, and an all -Infinity row.
  const paths: { label: string; operation: Operation; temperature: number }[] = [
    { label: 'softmax at T = 1 (device)', operation: 'softmax', temperature: 1 },
    { label: 'softmax at T = 2 (host)', operation: 'softmax', temperature: 2 },
    { label: 'logSoftmax (host)', operation: 'logSoftmax', temperature: 1 },
    { label: 'logSumExp (host)', operation: 'logSumExp', temperature: 1 },
  ];
  for (const { label, operation, temperature } of paths) {
    it(`${label}: flags exactly the non-regular row, at every position, and leaves it untouched`, async () => {
      const lengths = [...Array.from({ length: 17 }, (_, i) => i + 1), 1025];
      for (const n of lengths) {
        const at = n <= 17 ? Array.from({ length: n }, (_, i) => i) : [0, 1, 511, 1023, 1024];
        for (const position of at) {
          for (const value of [Number.NaN, Number.POSITIVE_INFINITY]) {
            const special = regularRow(n, 3);
            special[position] = value;
            const rows = [regularRow(n, 0), special, regularRow(n, 5)];
            const result = await scanned(backend, operation, rows, { temperature });
            const where = `n = ${n}, ${value} at ${position}`;
            expect(Array.from(result.flags), where).toEqual([0, 1, 0]);
            expect(result.rowMax[0], where).toBe(maxOf(rows[0]!));
            expect(result.rowMax[1], where).toBe(maxOf(special));
            expect(result.rowMax[2], where).toBe(maxOf(rows[2]!));
            const width = operation === 'logSumExp' ? 1 : n;
            const flaggedRow = result.output.subarray(width, 2 * width);
            expect(
              flaggedRow.every((v) => v === 7),
              `${where}: flagged row written`,
            ).toBe(true);
            expect(result.output[0], `${where}: regular row not written`).not.toBe(7);
          }
        }
        const masked = new Array<number>(n).fill(Number.NEGATIVE_INFINITY);
        const result = await scanned(backend, operation, [regularRow(n, 1), masked], {
          temperature,
        });
        expect(Array.from(result.flags), `n = ${n} all -Infinity`).toEqual([0, 1]);
        expect(result.rowMax[1]).toBe(Number.NEGATIVE_INFINITY);
      }
    });
  }

  it('does not flag a regular row with masked entries or extreme finite values', async () => {
    const inf = Number.NEGATIVE_INFINITY;
    for (const operation of ['softmax', 'logSoftmax'] as const) {
      const result = await scanned(backend, operation, [
        [inf, 1, inf, 2],
        [-3e38, 3e38, inf, 3e38],
        [0, 0, 0, 0],
      ]);
      expect(Array.from(result.flags), operation).toEqual([0, 0, 0]);
      expect(Array.from(result.rowMax)).toEqual([2, 3e38 as number, 0].map(Math.fround));
      // float32 softmax of [x, 1, x, 2] with x = -Infinity: e^-1 / (1 + e^-1) and its complement,
      // each within a few float32 roundings (2^-22 relative); exact zeros at the masks.
      if (operation === 'softmax') {
        expect(result.output[0]).toBe(0);
        expect(Math.abs(result.output[3]! - 1 / (1 + Math.exp(-1)))).toBeLessThan(2 ** -22);
        expect(Array.from(result.output.subarray(4, 8))).toEqual([0, 0.5, 0, 0.5]);
      }
    }
  });

  it('with haltOnFlag writes no output at all when a row is flagged, and all of it otherwise', async () => {
    for (const temperature of [1, 2]) {
      const halted = await scanned(
        backend,
        'softmax',
        [regularRow(9, 0), [...regularRow(8, 1), Number.NaN]],
        { temperature, haltOnFlag: true },
      );
      expect(Array.from(halted.flags)).toEqual([0, 1]);
      expect(
        halted.output.every((v) => v === 7),
        `T = ${temperature}`,
      ).toBe(true);
      const clean = await scanned(backend, 'softmax', [regularRow(9, 0), regularRow(9, 1)], {
        temperature,
        haltOnFlag: true,
      });
      expect(Array.from(clean.flags)).toEqual([0, 0]);
      expect(clean.output.some((v) => v === 7)).toBe(false);
    }
  });

  it('scans rows marked in skip but does not write them', async () => {
    const result = await scanned(
      backend,
      'softmax',
      [regularRow(5, 0), [1, Number.NaN, 2, 3, 4], regularRow(5, 2)],
      { skip: Uint8Array.from([0, 0, 1]) },
    );
    expect(Array.from(result.flags)).toEqual([0, 1, 0]);
    expect(result.rowMax[1]).toBe(4);
    expect(result.rowMax[2]).toBe(maxOf(regularRow(5, 2)));
    expect(result.output.subarray(5).every((v) => v === 7)).toBe(true);
    expect(result.output[0]).not.toBe(7);
  });

  it('leaves no tensor behind, halted calls included', async () => {
    const before = backend.doResourceCount!();
    await scanned(backend, 'softmax', [[1, Number.NaN]], { haltOnFlag: true });
    await scanned(backend, 'softmax', [[1, 2]]);
    await scanned(backend, 'logSoftmax', [[1, Number.NaN]], { haltOnFlag: true });
    expect(backend.doResourceCount!()).toBe(before);
  });
});
