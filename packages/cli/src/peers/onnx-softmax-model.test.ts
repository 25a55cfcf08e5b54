import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { onnxSoftmaxModel } from './onnx-softmax-model.js';

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
