import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { onnxOpModel, onnxSoftmaxModel } from './onnx-softmax-model.js';
import { maxOpError } from './reference.js';

function reference(row: readonly number[]): number[] {
  const max = Math.max(...row);
  const exps = row.map((x) => Math.exp(x - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}

describe('onnxSoftmaxModel', () => {
  it("encodes axis = -1 as a ten-byte two's-complement varint", () => {
    const bytes = [...onnxSoftmaxModel()];
    // AttributeProto.i is field 3, wire type 0 (key 0x18); -1 as uint64 is nine 0xff and 0x01.
    const needle = [0x18, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01];
    const found = bytes.some((_, i) => needle.every((byte, j) => bytes[i + j] === byte));
    expect(found).toBe(true);
  });

  it.each(['float32', 'float64'] as const)(
    'loads in onnxruntime-node and computes softmax over the last axis of any shape (%s)',
    async (dtype) => {
      const session = await ort.InferenceSession.create(onnxSoftmaxModel(dtype));
      expect(session.inputNames).toEqual(['x']);
      expect(session.outputNames).toEqual(['y']);
      const ArrayType = dtype === 'float32' ? Float32Array : Float64Array;
      // float32: a few unit roundoffs (2^-24) per entry for exp, sum of 3 and divide.
      const bound = dtype === 'float32' ? 8 * 2 ** -24 : 8 * 2 ** -53;
      for (const rows of [
        [[2, 1, 0.5]],
        [
          [2, 1, 0.1, 4],
          [3, 3, 3, 3],
        ],
      ]) {
        const flat = ArrayType.from(rows.flat());
        const cols = rows[0]?.length ?? 0;
        const result = await session.run({ x: new ort.Tensor(dtype, flat, [rows.length, cols]) });
        const y = result.y?.data as Float32Array | Float64Array;
        expect(result.y?.dims).toEqual([rows.length, cols]);
        rows.forEach((row, r) => {
          reference(row).forEach((p, c) => {
            const got = y[r * cols + c] as number;
            expect(Math.abs(got - p) / p).toBeLessThanOrEqual(bound);
          });
        });
      }
      await session.release();
    },
  );
});

describe('onnxOpModel', () => {
  it('encodes ReduceLogSumExp with axes = [-1] as a repeated int and keepdims = 0', () => {
    const bytes = [...onnxOpModel('logSumExp')];
    // AttributeProto.ints is field 8, wire type 0 (key 0x40), -1 as ten varint bytes; then type INTS (7).
    const axes = [
      0x40, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 0xa0, 0x01, 0x07,
    ];
    const contains = (needle: number[]) =>
      bytes.some((_, i) => needle.every((byte, j) => bytes[i + j] === byte));
    expect(contains(axes)).toBe(true);
    expect(contains([...new TextEncoder().encode('ReduceLogSumExp')])).toBe(true);
    expect(contains([...new TextEncoder().encode('keepdims')])).toBe(true);
  });

  it.each([
    ['logSoftmax', 'float32'],
    ['logSoftmax', 'float64'],
    ['logSumExp', 'float32'],
    ['logSumExp', 'float64'],
  ] as const)(
    'loads in onnxruntime-node and computes %s over the last axis (%s), against the float64 reference',
    async (op, dtype) => {
      const session = await ort.InferenceSession.create(onnxOpModel(op, dtype));
      const ArrayType = dtype === 'float32' ? Float32Array : Float64Array;
      // Relative to the terms (SPEC's measure for the log ops): a few unit roundoffs for the
      // exp, the sum of 4 and the log; onnxruntime computes log(sum), not log1p.
      const bound = dtype === 'float32' ? 16 * 2 ** -24 : 16 * 2 ** -53;
      const rows = [
        [2, 1, 0.1, 4],
        [3, 3, 3, 3],
        [100, 99, 98.5, -7],
      ];
      const cols = 4;
      const flat = ArrayType.from(rows.flat());
      const result = await session.run({ x: new ort.Tensor(dtype, flat, [rows.length, cols]) });
      const y = result.y?.data as Float32Array | Float64Array;
      expect(result.y?.dims).toEqual(op === 'logSumExp' ? [rows.length] : [rows.length, cols]);
      rows.forEach((row, r) => {
        const width = op === 'logSumExp' ? 1 : cols;
        const got = y.subarray(r * width, (r + 1) * width);
        // The float32 input rows are exact in float32 except 0.1: reference from what onnx saw.
        expect(maxOpError(op, ArrayType.from(row), got)).toBeLessThanOrEqual(bound);
      });
      // A wrong op would be far off: logSoftmax values are <= 0, logSumExp >= the row max.
      if (op === 'logSoftmax') expect(Math.max(...y)).toBeLessThan(0);
      else expect(y[2]).toBeGreaterThan(100);
      await session.release();
    },
  );
});
