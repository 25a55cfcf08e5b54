import type { KernelRequest, Operation, RowScan } from '@softmax-kit/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { CHUNK_ROWS } from './layout.js';
import { type WasmBackend, wasmBackend } from './wasm-backend.js';

// The kernel's own scan (capabilities.scansRows), driven with hand-built KernelRequests as core
// hands them over, following the RowScan contract of packages/core/src/backend.ts.

const SENTINEL = 12345;
// 37 = 2 * 16 + 4 + 1: the scan's 16-wide loop, its 4-wide loop and its scalar tail, and the
// exp loop's quads and 1-entry tail.
const COLS = 37;

let backend: WasmBackend;
beforeAll(async () => {
  backend = wasmBackend();
  await backend.doInit();
});

function request(
  operation: Operation,
  input: Float32Array,
  rows: number,
  cols: number,
  options: { scan?: Partial<RowScan> | null; skip?: Uint8Array | null; output?: Float32Array } = {},
): KernelRequest & { scan: RowScan } {
  const rowMax = new Float64Array(rows);
  const scan =
    options.scan === null
      ? null
      : { rowMax, flags: new Uint8Array(rows), haltOnFlag: false, ...options.scan };
  return {
    operation,
    input,
    output:
      options.output ??
      new Float32Array(operation === 'logSumExp' ? rows : rows * cols).fill(SENTINEL),
    rows,
    cols,
    temperature: new Float64Array(rows).fill(1),
    rowMax: scan?.rowMax ?? rowMax,
    skip: options.skip ?? null,
    // Typed as scanning for the tests' convenience; the scan: null test does not read it.
    scan: scan as RowScan,
  };
}

/** A regular row: values in [-4, 4], distinct enough to check a softmax against float64. */
function regularRow(cols: number, seed: number): number[] {
  return Array.from({ length: cols }, (_, i) => Math.fround(Math.sin(seed * 31 + i * 7) * 4));
}

function float64Softmax(row: ArrayLike<number>): number[] {
  const values = Array.from(row);
  const max = Math.max(...values);
  const exps = values.map((v) => Math.exp(v - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}

// The README's float32 bound: two exp errors (term and sum, 1.11e-7 each), two float32
// roundings (the reciprocal and the product), the float64 sum (n 2^-53).
const SOFTMAX_BOUND = 2 * 1.11e-7 + 2 * 2 ** -24 + COLS * 2 ** -53;

describe('the wasm kernel scan', () => {
  it('flags a NaN at every column (every SIMD lane and the tail) and keeps the max without it', () => {
    const rows = COLS;
    const input = new Float32Array(rows * COLS);
    for (let r = 0; r < rows; r++) {
      input.set(regularRow(COLS, r), r * COLS);
      input[r * COLS + r] = Number.NaN;
    }
    const req = request('softmax', input, rows, COLS);
    backend.doComputeSync(req);
    for (let r = 0; r < rows; r++) {
      expect(req.scan.flags[r], `row ${r}`).toBe(1);
      const row = Array.from(input.subarray(r * COLS, (r + 1) * COLS)).filter(
        (v) => !Number.isNaN(v),
      );
      expect(req.rowMax[r]).toBe(Math.max(...row));
    }
    // Flagged rows are left to core: not one output value written.
    expect(req.output.every((v) => v === SENTINEL)).toBe(true);
  });

  it('flags +Infinity at every column and rows of only -Infinity or NaN', () => {
    const rows = COLS + 2;
    const input = new Float32Array(rows * COLS);
    for (let r = 0; r < COLS; r++) {
      input.set(regularRow(COLS, r), r * COLS);
      input[r * COLS + r] = Number.POSITIVE_INFINITY;
    }
    input.fill(Number.NEGATIVE_INFINITY, COLS * COLS, (COLS + 1) * COLS);
    for (let c = 0; c < COLS; c++) {
      input[(COLS + 1) * COLS + c] = c % 2 === 0 ? Number.NaN : Number.NEGATIVE_INFINITY;
    }
    const req = request('logSoftmax', input, rows, COLS);
    backend.doComputeSync(req);
    expect(Array.from(req.scan.flags)).toEqual(new Array(rows).fill(1));
    expect(Array.from(req.rowMax.subarray(0, COLS))).toEqual(new Array(COLS).fill(Infinity));
    expect(req.rowMax[COLS]).toBe(Number.NEGATIVE_INFINITY);
    expect(req.rowMax[COLS + 1]).toBe(Number.NEGATIVE_INFINITY);
    expect(req.output.every((v) => v === SENTINEL)).toBe(true);
  });

  it('computes the regular rows and leaves flagged and skipped rows untouched', () => {
    const rows = 4;
    const input = new Float32Array(rows * COLS);
    for (let r = 0; r < rows; r++) input.set(regularRow(COLS, r), r * COLS);
    input[1 * COLS + 36] = Number.NaN; // the scalar tail
    const skip = Uint8Array.of(0, 0, 1, 0);
    const req = request('softmax', input, rows, COLS, { skip });
    backend.doComputeSync(req);
    expect(Array.from(req.scan.flags)).toEqual([0, 1, 0, 0]);
    // Skipped rows are scanned too.
    expect(req.rowMax[2]).toBe(Math.max(...regularRow(COLS, 2)));
    for (const r of [1, 2]) {
      expect(req.output.subarray(r * COLS, (r + 1) * COLS).every((v) => v === SENTINEL)).toBe(true);
    }
    for (const r of [0, 3]) {
      const expected = float64Softmax(input.subarray(r * COLS, (r + 1) * COLS));
      const got = req.output.subarray(r * COLS, (r + 1) * COLS);
      for (let c = 0; c < COLS; c++) {
        expect(Math.abs((got[c] as number) / (expected[c] as number) - 1)).toBeLessThan(
          SOFTMAX_BOUND,
        );
      }
    }
  });

  it('with haltOnFlag writes nothing when any row is flagged, even the rows before it', () => {
    for (const operation of ['softmax', 'logSoftmax', 'logSumExp'] as const) {
      const rows = 3;
      const input = new Float32Array(rows * COLS);
      for (let r = 0; r < rows; r++) input.set(regularRow(COLS, r), r * COLS);
      input[2 * COLS + 15] = Number.NaN; // the last lane of the first 16-wide iteration
      const copy = input.slice();
      // In place: a failed call must leave the input as it was.
      const req = request(operation, input, rows, COLS, {
        scan: { haltOnFlag: true },
        output: operation === 'logSumExp' ? new Float32Array(rows).fill(SENTINEL) : input,
      });
      backend.doComputeSync(req);
      expect(req.scan.flags[2]).toBe(1);
      expect(Array.from(req.output)).toEqual(
        operation === 'logSumExp' ? [SENTINEL, SENTINEL, SENTINEL] : Array.from(copy),
      );
    }
  });

  it('scans every chunk before writing: a flag in the last of more than CHUNK_ROWS rows halts all', () => {
    const rows = CHUNK_ROWS + 5;
    const cols = 3;
    const input = new Float32Array(rows * cols).map((_, i) => Math.fround(Math.cos(i)));
    input[rows * cols - 1] = Number.POSITIVE_INFINITY;
    const halted = request('softmax', input, rows, cols, { scan: { haltOnFlag: true } });
    backend.doComputeSync(halted);
    expect(halted.output.every((v) => v === SENTINEL)).toBe(true);
    const computed = request('softmax', input, rows, cols);
    backend.doComputeSync(computed);
    expect(computed.scan.flags.reduce((a, b) => a + b, 0)).toBe(1);
    for (const r of [0, CHUNK_ROWS - 1, CHUNK_ROWS, rows - 2]) {
      const got = computed.output.subarray(r * cols, (r + 1) * cols);
      const expected = float64Softmax(input.subarray(r * cols, (r + 1) * cols));
      for (let c = 0; c < cols; c++) {
        expect(Math.abs((got[c] as number) / (expected[c] as number) - 1)).toBeLessThan(
          SOFTMAX_BOUND,
        );
      }
    }
  });

  it('uses the rowMax core gives when scan is null, and computes skip-free rows', () => {
    const input = Float32Array.from(regularRow(COLS, 5));
    const req = request('logSumExp', input, 1, COLS, { scan: null });
    req.rowMax[0] = Math.max(...input);
    backend.doComputeSync(req);
    const max = Math.max(...input);
    const s = Array.from(input).reduce((a, v) => a + Math.exp(v - max), 0) - 1;
    const expected = max + Math.log1p(s);
    // logSumExp: exp errors (1.11e-7 of s), log1p and the float32 output rounding.
    expect(Math.abs((req.output[0] as number) - expected)).toBeLessThan(
      (1.11e-7 * s) / (1 + s) + 2 ** -24 * Math.abs(expected) + 2 ** -52 * 8,
    );
  });
});
