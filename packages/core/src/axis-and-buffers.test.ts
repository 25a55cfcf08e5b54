import { describe, expect, it } from 'vitest';
import { referenceBackend } from '../test/reference-backend.js';
import { createSoftmax } from './index.js';

// The reference kernel computes in float64; results are compared with an independent float64
// computation, so 8 float64 roundoffs per entry cover exp, the sum and the division.
const TOLERANCE = 8 * 2 ** -53;

function softmaxOf(row: number[]): number[] {
  const m = Math.max(...row);
  const e = row.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

function expectClose(actual: ArrayLike<number>, expected: number[]): void {
  expect(actual.length).toBe(expected.length);
  expected.forEach((v, i) => {
    expect(Math.abs((actual[i] as number) - v)).toBeLessThanOrEqual(
      TOLERANCE * Math.max(1, Math.abs(v)),
    );
  });
}

describe('axis', () => {
  const matrix = [
    [1, 2, 3],
    [4, 0, -6],
  ];

  it('softmax along axis 0 equals softmax of the transposed rows', async () => {
    const sm = await createSoftmax(referenceBackend());
    const p = await sm.softmax(matrix, { axis: 0 });
    const columns = [0, 1, 2].map((c) =>
      softmaxOf([matrix[0]?.[c] as number, matrix[1]?.[c] as number]),
    );
    expectClose(p, [
      columns[0]?.[0],
      columns[1]?.[0],
      columns[2]?.[0],
      columns[0]?.[1],
      columns[1]?.[1],
      columns[2]?.[1],
    ] as number[]);
  });

  it('a negative axis counts from the end: -2 is axis 0 of a matrix', async () => {
    const sm = await createSoftmax(referenceBackend());
    expect(await sm.softmax(matrix, { axis: -2 })).toEqual(await sm.softmax(matrix, { axis: 0 }));
  });

  it('softmax along the middle axis of a 3-D flat input with shape', async () => {
    const sm = await createSoftmax(referenceBackend());
    const shape = [2, 3, 2];
    const x = Float64Array.from({ length: 12 }, (_, i) => (i * 7) % 5);
    const p = await sm.softmax(x, { shape, axis: 1 });
    for (let o = 0; o < 2; o++) {
      for (let i = 0; i < 2; i++) {
        const index = [0, 1, 2].map((c) => o * 6 + c * 2 + i);
        const expected = softmaxOf(index.map((k) => x[k] as number));
        expectClose(
          index.map((k) => p[k] as number),
          expected,
        );
      }
    }
  });

  it('logSumExp along axis 0 gives one value per column, in order', async () => {
    const sm = await createSoftmax(referenceBackend());
    const lse = await sm.logSumExp(matrix, { axis: 0 });
    expectClose(
      lse,
      [0, 1, 2].map((c) =>
        Math.log(Math.exp(1 * (matrix[0]?.[c] as number)) + Math.exp(matrix[1]?.[c] as number)),
      ),
    );
  });

  it('per-row temperatures follow the rows of the remaining axes', async () => {
    const sm = await createSoftmax(referenceBackend());
    const p = await sm.softmax(matrix, { axis: 0, temperature: [0, 1, Number.POSITIVE_INFINITY] });
    // column 0: T = 0, max is row 1; column 1: T = 1; column 2: T = Infinity, uniform
    expectClose([p[0], p[3]] as number[], [0, 1]);
    expectClose([p[1], p[4]] as number[], softmaxOf([2, 0]));
    expectClose([p[2], p[5]] as number[], [0.5, 0.5]);
  });
});

describe('temperature', () => {
  it('per-row temperatures apply to their own rows only', async () => {
    const sm = await createSoftmax(referenceBackend());
    const p = await sm.softmax(
      [
        [2, 1, 0.5],
        [2, 1, 0.5],
      ],
      { temperature: [0.5, 2] },
    );
    expectClose(p.slice(0, 3), softmaxOf([4, 2, 1]));
    expectClose(p.slice(3), softmaxOf([1, 0.5, 0.25]));
  });

  it('a subnormal temperature gives the argmax limit without NaN', async () => {
    const sm = await createSoftmax(referenceBackend());
    expect(Array.from(await sm.softmax([1, 3, 3 - 2 ** -40], { temperature: 5e-324 }))).toEqual([
      0, 1, 0,
    ]);
    expect(Array.from(await sm.logSoftmax([1, 3], { temperature: 5e-324 }))).toEqual([
      Number.NEGATIVE_INFINITY,
      0,
    ]);
  });

  it('T = 0 splits the mass among ties at the max; logSoftmax gives -log(k) there', async () => {
    const sm = await createSoftmax(referenceBackend());
    expect(Array.from(await sm.logSoftmax([2, 5, 5], { temperature: 0 }))).toEqual([
      Number.NEGATIVE_INFINITY,
      -Math.LN2,
      -Math.LN2,
    ]);
  });

  it('T = Infinity is uniform over unmasked entries', async () => {
    const sm = await createSoftmax(referenceBackend());
    const ninf = Number.NEGATIVE_INFINITY;
    expect(
      Array.from(
        await sm.logSoftmax([1, ninf, 1e308, -5], { temperature: Number.POSITIVE_INFINITY }),
      ),
    ).toEqual([-Math.log(3), ninf, -Math.log(3), -Math.log(3)]);
  });
});

describe('special rows', () => {
  const inf = Number.POSITIVE_INFINITY;
  const ninf = Number.NEGATIVE_INFINITY;

  it('+Infinity entries share the mass; logSumExp is +Infinity', async () => {
    const sm = await createSoftmax(referenceBackend());
    expect(Array.from(await sm.softmax([inf, 3, inf, ninf]))).toEqual([0.5, 0, 0.5, 0]);
    expect(Array.from(await sm.logSoftmax([inf, 3]))).toEqual([0, ninf]);
    expect(Array.from(await sm.logSumExp([inf, 3]))).toEqual([inf]);
  });

  it('all-masked rows follow the allMasked policy', async () => {
    const sm = await createSoftmax(referenceBackend());
    const x = [
      [ninf, ninf],
      [0, 0],
    ];
    expect(Array.from(await sm.softmax(x, { allMasked: 'zeros' }))).toEqual([0, 0, 0.5, 0.5]);
    expect(Array.from(await sm.logSoftmax(x, { allMasked: 'zeros' }))).toEqual([
      ninf,
      ninf,
      -Math.LN2,
      -Math.LN2,
    ]);
    const nan = await sm.softmax(x, { allMasked: 'nan' });
    expect([Number.isNaN(nan[0]), Number.isNaN(nan[1]), nan[2]]).toEqual([true, true, 0.5]);
  });

  it("nan: 'propagate' makes only the row with NaN NaN", async () => {
    const sm = await createSoftmax(referenceBackend());
    const p = await sm.softmax(
      [
        [1, Number.NaN],
        [0, 0],
      ],
      { nan: 'propagate' },
    );
    expect([Number.isNaN(p[0]), Number.isNaN(p[1]), p[2], p[3]]).toEqual([true, true, 0.5, 0.5]);
    expect(Number.isNaN((await sm.logSumExp([1, Number.NaN], { nan: 'propagate' }))[0])).toBe(true);
  });

  it('the largest finite values give [0, 1] even though x - max overflows', async () => {
    const sm = await createSoftmax(referenceBackend());
    expect(Array.from(await sm.softmax(new Float32Array([-3e38, 3e38])))).toEqual([0, 1]);
    expect(Array.from(await sm.softmax([-1.7e308, 1.7e308]))).toEqual([0, 1]);
    expect(Array.from(await sm.logSoftmax([-1.7e308, 1.7e308]))).toEqual([ninf, 0]);
  });
});

describe('out and in place', () => {
  it('fills and returns the caller buffer given as out', async () => {
    const sm = await createSoftmax(referenceBackend());
    const out = new Float32Array(3);
    const result = sm.softmaxSync(new Float32Array([2, 1, 0.1]), { out });
    expect(result).toBe(out);
    expectClose(Array.from(out), softmaxOf([2, 1, 0.1]).map(Math.fround));
  });

  it('computes in place when out is the input, also along another axis and with special rows', async () => {
    const sm = await createSoftmax(referenceBackend());
    const x = new Float64Array([1, 2, 3, 4]);
    expect(sm.softmaxSync(x, { out: x })).toBe(x);
    expectClose(x, softmaxOf([1, 2, 3, 4]));
    const m = new Float64Array([1, 5, Number.POSITIVE_INFINITY, 0]);
    sm.softmaxSync(m, { out: m, shape: [2, 2], axis: 0, temperature: 0 });
    expect(Array.from(m)).toEqual([0, 1, 1, 0]);
  });

  it('handles an out that partly overlaps the input', async () => {
    const sm = await createSoftmax(referenceBackend());
    const buffer = new Float64Array([0, 1, 2, 3, 0]);
    const input = buffer.subarray(0, 4);
    const out = buffer.subarray(1, 5);
    sm.softmaxSync(input, { out });
    expectClose(out, softmaxOf([0, 1, 2, 3]));
  });

  it('never modifies the input when out is another buffer', async () => {
    const sm = await createSoftmax(referenceBackend());
    const x = new Float32Array([3, 1, Number.NEGATIVE_INFINITY]);
    const copy = x.slice();
    sm.logSoftmaxSync(x, { temperature: 0.3 });
    sm.softmaxSync(x, { temperature: 0 });
    expect(x).toEqual(copy);
  });

  it('accepts nested rows of any depth and returns a flat row-major result', async () => {
    const sm = await createSoftmax(referenceBackend());
    const p = await sm.softmax([[[0, 0]], [[1, 1]]]);
    expect(Array.from(p)).toEqual([0.5, 0.5, 0.5, 0.5]);
  });
});
