import { fail, isFloat32Array, isFloat64Array, isListLike, show } from './errors.js';
import type { Floats } from './process-logits.js';
import type { SamplerInput } from './types.js';

/** The logits as rows: where they are and their dtype. */
export interface LogitRows {
  readonly rows: number;
  readonly n: number;
  /** A flat row-major view of the logits (the caller's typed array, or a float64 copy of arrays). */
  readonly flat: Floats;
  readonly dtype: 'float32' | 'float64';
}

/**
 * Reads the logits once: a typed array as it is (with `shape`), `number[]` and `number[][]` into
 * a float64 copy. Anything else is `INVALID_INPUT`; a ragged batch is `SHAPE_MISMATCH`.
 */
export function readLogits(input: SamplerInput, shape: readonly number[] | undefined): LogitRows {
  if (isFloat32Array(input) || isFloat64Array(input)) {
    const dtype = isFloat32Array(input) ? 'float32' : 'float64';
    const [rows, n] = readShape(shape, input.length);
    return { rows, n, flat: input, dtype };
  }
  if (ArrayBuffer.isView(input))
    fail(
      'UNSUPPORTED_DTYPE',
      `logits are a ${Object.prototype.toString.call(input).slice(8, -1)}; accepted: Float32Array, Float64Array, number[], number[][]`,
    );
  if (!Array.isArray(input))
    fail(
      'INVALID_INPUT',
      `logits are ${show(input)}; accepted: Float32Array, Float64Array, number[], number[][]`,
    );
  const list = input as readonly unknown[];
  if (list.length > 0 && isListLike(list[0])) {
    if (shape !== undefined)
      fail('INVALID_INPUT', 'shape is given for nested logits; give one or the other');
    const rows = list.length;
    const n = (list[0] as ArrayLike<unknown>).length;
    const flat = new Float64Array(rows * n);
    for (let row = 0; row < rows; row++) {
      const values = list[row];
      if (!isListLike(values))
        fail(
          'INVALID_INPUT',
          `logits row ${row} is ${show(values)}; accepted: an array of numbers`,
        );
      if (values.length !== n)
        fail(
          'SHAPE_MISMATCH',
          `logits row ${row} has length ${values.length}, row 0 has ${n}; rows must have equal lengths`,
        );
      copyNumbers(values, flat, row * n, row);
    }
    return { rows, n, flat, dtype: 'float64' };
  }
  const [rows, n] = readShape(shape, list.length);
  const flat = new Float64Array(list.length);
  for (let row = 0; row < rows; row++)
    copyNumbers(list.slice(row * n, row * n + n), flat, row * n, row);
  return { rows, n, flat, dtype: 'float64' };
}

function copyNumbers(
  values: ArrayLike<unknown>,
  into: Float64Array,
  offset: number,
  row: number,
): void {
  for (let column = 0; column < values.length; column++) {
    const value = values[column];
    if (typeof value !== 'number')
      fail(
        'INVALID_INPUT',
        `logits row ${row} has ${show(value)} at column ${column}; accepted: numbers`,
      );
    into[offset + column] = value;
  }
}

function readShape(shape: readonly number[] | undefined, length: number): [number, number] {
  if (shape === undefined) {
    if (length === 0) fail('EMPTY_AXIS', 'the logits row is empty; a row needs at least one token');
    return [1, length];
  }
  if (!Array.isArray(shape) || shape.length !== 2)
    fail('INVALID_INPUT', `shape is ${show(shape)}; accepted: [rows, n]`);
  const [rows, n] = shape as [unknown, unknown];
  if (typeof rows !== 'number' || !Number.isSafeInteger(rows) || rows < 0)
    fail('INVALID_INPUT', `shape[0] (rows) is ${show(rows)}; accepted: an integer >= 0`);
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0)
    fail('INVALID_INPUT', `shape[1] (n) is ${show(n)}; accepted: an integer >= 0`);
  if (rows * n !== length)
    fail(
      'SHAPE_MISMATCH',
      `shape [${rows}, ${n}] has ${rows * n} entries but the logits have ${length}`,
    );
  if (n === 0 && rows > 0) fail('EMPTY_AXIS', 'rows of length 0; a row needs at least one token');
  return [rows, n];
}
