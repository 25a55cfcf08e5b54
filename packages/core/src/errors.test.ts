import { describe, expect, it } from 'vitest';
import { referenceBackend } from '../test/reference-backend.js';
import { createSoftmax, ERROR_CODES, SoftmaxError } from './index.js';

async function errorOf(promise: Promise<unknown>): Promise<SoftmaxError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!SoftmaxError.isInstance(error))
    throw new Error(`expected a SoftmaxError, got ${String(error)}`);
  return error;
}

describe('SoftmaxError', () => {
  it('is recognised across copies by isInstance, not by instanceof alone', () => {
    const foreign = Object.assign(new Error('x'), {
      code: 'NAN_INPUT',
      [Symbol.for('@softmax-kit/core/SoftmaxError')]: true,
    });
    expect(SoftmaxError.isInstance(foreign)).toBe(true);
    expect(SoftmaxError.isInstance(new Error('x'))).toBe(false);
    expect(SoftmaxError.isInstance(null)).toBe(false);
  });

  it('is a RangeError, as SPEC asks for bad temperatures', () => {
    expect(new SoftmaxError('INVALID_TEMPERATURE', 'x')).toBeInstanceOf(RangeError);
  });

  it('lists every code SPEC names', () => {
    for (const code of [
      'INVALID_TEMPERATURE',
      'NAN_INPUT',
      'ALL_MASKED',
      'EMPTY_AXIS',
      'SHAPE_MISMATCH',
      'INVALID_AXIS',
      'INVALID_INPUT',
      'UNSUPPORTED_DTYPE',
      'BACKEND_UNAVAILABLE',
      'DISPOSED',
    ]) {
      expect(ERROR_CODES).toContain(code);
    }
  });
});

describe('errors raised by the public API', () => {
  it('INVALID_TEMPERATURE for negative, NaN and non-number temperatures, and per-row entries by index', async () => {
    const sm = await createSoftmax(referenceBackend());
    for (const temperature of [-1, Number.NaN, '1', null, Number.NEGATIVE_INFINITY]) {
      const error = await errorOf(sm.softmax([1, 2], { temperature: temperature as number }));
      expect(error.code).toBe('INVALID_TEMPERATURE');
      expect(error).toBeInstanceOf(RangeError);
    }
    const perRow = await errorOf(
      sm.softmax(
        [
          [1, 2],
          [3, 4],
        ],
        { temperature: [1, -2] },
      ),
    );
    expect(perRow.message).toContain('temperature[1]');
    const wrongLength = await errorOf(
      sm.softmax(
        [
          [1, 2],
          [3, 4],
        ],
        { temperature: [1, 2, 3] },
      ),
    );
    expect(wrongLength.message).toMatch(/3 entries.*2 rows/);
    expect((await errorOf(sm.logSumExp([1, 2], { temperature: 2 } as never))).code).toBe(
      'INVALID_TEMPERATURE',
    );
  });

  it('NAN_INPUT names the row and the column of the first NaN', async () => {
    const sm = await createSoftmax(referenceBackend());
    const error = await errorOf(
      sm.softmax([
        [1, 2, 3],
        [4, Number.NaN, 6],
      ]),
    );
    expect(error.code).toBe('NAN_INPUT');
    expect(error.message).toContain('row 1, column 1');
    expect(error.message).toContain('[1, 1]');
    // along axis 0 the rows are the columns of the matrix: position is reported in both forms
    const alongAxis0 = await errorOf(
      sm.logSumExp(
        [
          [1, 2, 3],
          [4, Number.NaN, 6],
        ],
        { axis: 0 },
      ),
    );
    expect(alongAxis0.message).toContain('row 1, column 1');
    expect(alongAxis0.message).toContain('index [1, 1]');
  });

  it('ALL_MASKED names the row, and logSumExp never raises it', async () => {
    const sm = await createSoftmax(referenceBackend());
    const ninf = Number.NEGATIVE_INFINITY;
    const error = await errorOf(
      sm.logSoftmax([
        [0, 1],
        [ninf, ninf],
      ]),
    );
    expect(error.code).toBe('ALL_MASKED');
    expect(error.message).toContain('row 1');
    expect(
      Array.from(
        await sm.logSumExp([
          [0, 0],
          [ninf, ninf],
        ]),
      ),
    ).toEqual([Math.LN2, ninf]);
  });

  it('EMPTY_AXIS for softmax over a length-0 axis; logSumExp gives -Infinity; zero rows give an empty result', async () => {
    const sm = await createSoftmax(referenceBackend());
    expect((await errorOf(sm.softmax([]))).code).toBe('EMPTY_AXIS');
    expect((await errorOf(sm.logSoftmax(new Float32Array(0), { shape: [3, 0] }))).code).toBe(
      'EMPTY_AXIS',
    );
    expect(Array.from(await sm.logSumExp(new Float64Array(0), { shape: [2, 0] }))).toEqual([
      Number.NEGATIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
    ]);
    expect((await sm.softmax(new Float32Array(0), { shape: [0, 5] })).length).toBe(0);
  });

  it('SHAPE_MISMATCH for a wrong shape product, ragged nesting, bad shape entries and a wrong out length', async () => {
    const sm = await createSoftmax(referenceBackend());
    expect((await errorOf(sm.softmax([1, 2, 3], { shape: [2, 2] }))).message).toMatch(
      /4 elements.*3/,
    );
    const ragged = await errorOf(sm.softmax([[1, 2], [3]]));
    expect(ragged.code).toBe('SHAPE_MISMATCH');
    expect(ragged.message).toContain('input[1]');
    expect((await errorOf(sm.softmax([1, 2], { shape: [2.5] }))).code).toBe('SHAPE_MISMATCH');
    expect((await errorOf(sm.softmax([1, 2], { out: new Float64Array(3) }))).code).toBe(
      'SHAPE_MISMATCH',
    );
  });

  it('INVALID_AXIS for an axis outside [-rank, rank - 1] or not an integer', async () => {
    const sm = await createSoftmax(referenceBackend());
    for (const axis of [2, -3, 0.5, Number.NaN]) {
      const error = await errorOf(sm.softmax([[1, 2]], { axis }));
      expect(error.code).toBe('INVALID_AXIS');
      expect(error.message).toContain('[-2, 1]');
    }
  });

  it('INVALID_INPUT for non-number entries (naming the index), wrong input kinds and bad policies', async () => {
    const sm = await createSoftmax(referenceBackend());
    const entry = await errorOf(sm.softmax([1, '2', 3] as unknown as number[]));
    expect(entry.code).toBe('INVALID_INPUT');
    expect(entry.message).toContain('input[1]');
    for (const input of [null, undefined, 'abc', 42, { length: 2 }]) {
      expect((await errorOf(sm.softmax(input as unknown as number[]))).code).toBe('INVALID_INPUT');
    }
    expect((await errorOf(sm.softmax([1], { nan: 'ignore' as 'error' }))).code).toBe(
      'INVALID_INPUT',
    );
    expect((await errorOf(sm.softmax([1], { allMasked: 'skip' as 'zeros' }))).message).toContain(
      "'zeros'",
    );
  });

  it('UNSUPPORTED_DTYPE for other typed arrays and for an out of the wrong dtype', async () => {
    const sm = await createSoftmax(referenceBackend());
    expect(
      (await errorOf(sm.softmax(new Int32Array([1, 2]) as unknown as Float32Array))).message,
    ).toContain('Int32Array');
    expect(
      (await errorOf(sm.softmax(new Float32Array([1, 2]), { out: new Float64Array(2) }))).code,
    ).toBe('UNSUPPORTED_DTYPE');
  });

  it('leaves the input and out untouched when it raises', async () => {
    const sm = await createSoftmax(referenceBackend());
    const input = new Float32Array([1, 2, Number.NaN, 4]);
    const out = new Float32Array(4).fill(7);
    await expect(sm.softmax(input, { out, shape: [2, 2] })).rejects.toMatchObject({
      code: 'NAN_INPUT',
    });
    expect(Array.from(out)).toEqual([7, 7, 7, 7]);
    expect(Array.from(input).slice(0, 2)).toEqual([1, 2]);
    expect(Number.isNaN(input[2])).toBe(true);
  });
});
