import type { Dtype, FloatArray } from './backend.js';
import { describe, messageOf } from './describe.js';
import { SoftmaxError } from './errors.js';
import { MAX_RANK } from './limits.js';
import {
  allocate,
  copyOf,
  floatDtypeOf,
  isUnusable,
  typedArrayName,
  typedLength,
} from './typed-arrays.js';

/** A user input read into flat row-major values and a shape. */
export interface ParsedInput {
  /**
   * The values, row-major in the input's own layout: the caller's typed array itself (not
   * copied) when it is a local Float32Array/Float64Array, else a core-owned array.
   */
  readonly data: FloatArray;
  /** The dtype of the result (and of `data`). */
  readonly dtype: Dtype;
  readonly shape: readonly number[];
  /** True when `data` is the caller's own buffer (it may be `out`, and it may change later). */
  readonly callerOwned: boolean;
}

const ACCEPTED =
  'accepted: number[], number[][] (any depth, not ragged), Float32Array or Float64Array';

function product(shape: readonly number[], what: string): number {
  let size = 1;
  for (let d = 0; d < shape.length; d++) size *= shape[d] as number;
  if (!Number.isSafeInteger(size)) {
    throw new SoftmaxError(
      'INVALID_INPUT',
      `${what} [${shape.join(', ')}] has more elements than can be counted exactly.`,
    );
  }
  return size;
}

function isArray(value: unknown): value is readonly unknown[] {
  try {
    return Array.isArray(value);
  } catch {
    return false; // a revoked proxy: described as such by the caller's message
  }
}

function notANumber(value: unknown, path: string): SoftmaxError {
  return new SoftmaxError(
    'INVALID_INPUT',
    `input${path} is ${describe(value)}; expected a number (${ACCEPTED}).`,
  );
}

/** A flat `number[]`: each element read once, straight into a Float64Array. */
function readFlat(input: readonly unknown[], length: number, first: unknown): Float64Array {
  if (typeof first !== 'number') throw notANumber(first, '[0]');
  const values = allocate('float64', length, 'the input') as Float64Array;
  values[0] = first;
  for (let i = 1; i < length; i++) {
    const value = input[i];
    if (typeof value !== 'number') {
      if (isArray(value)) {
        throw new SoftmaxError(
          'SHAPE_MISMATCH',
          `input[${i}] is an array but input[0] is a number (ragged input).`,
        );
      }
      throw notANumber(value, `[${i}]`);
    }
    values[i] = value;
  }
  return values;
}

/**
 * Nested arrays, walked depth first without recursion (no stack overflow at any depth), each
 * element read once. The leftmost path fixes the shape: the first array met at each depth sets
 * that axis's length, the first number sets the rank. Deeper than {@link MAX_RANK} levels, or an
 * array that contains itself, is refused.
 */
function readNested(
  input: readonly unknown[],
  length: number,
  first: readonly unknown[],
): { data: Float64Array; shape: number[] } {
  const shape: number[] = [length];
  let rank = -1;
  let data: Float64Array = new Float64Array(0);
  let offset = 0;
  const arrays: (readonly unknown[])[] = [input];
  const indices: number[] = [0];
  const onPath = new Set<unknown>([input]);
  const path = (last: number): string =>
    `${indices
      .slice(0, -1)
      .map((i) => `[${i - 1}]`)
      .join('')}[${last}]`;
  const pending: unknown = first;
  let hasPending = true;
  while (arrays.length > 0) {
    const depth = arrays.length - 1;
    const node = arrays[depth] as readonly unknown[];
    const index = indices[depth] as number;
    if (index === shape[depth]) {
      arrays.pop();
      indices.pop();
      onPath.delete(node);
      continue;
    }
    indices[depth] = index + 1;
    const value = hasPending ? pending : node[index];
    hasPending = false;
    if (isArray(value)) {
      const childDepth = depth + 1;
      if (rank !== -1 && childDepth >= rank) {
        throw new SoftmaxError(
          'SHAPE_MISMATCH',
          `input${path(index)} is an array; expected a number at depth ${rank} (ragged input).`,
        );
      }
      if (onPath.has(value)) {
        throw new SoftmaxError(
          'INVALID_INPUT',
          `input${path(index)} contains itself (a cyclic array).`,
        );
      }
      if (childDepth >= MAX_RANK) {
        throw new SoftmaxError(
          'INVALID_INPUT',
          `input is nested more than ${MAX_RANK} levels deep at input${path(index)}; at most ${MAX_RANK} axes are supported.`,
        );
      }
      const childLength = value.length;
      const expected = shape[childDepth];
      if (expected === undefined) {
        shape.push(childLength);
        if (childLength === 0) rank = childDepth + 1;
      } else if (childLength !== expected) {
        throw new SoftmaxError(
          'SHAPE_MISMATCH',
          `input${path(index)} has length ${childLength}; expected ${expected} (ragged input).`,
        );
      }
      arrays.push(value);
      indices.push(0);
      onPath.add(value);
      continue;
    }
    if (rank === -1) {
      rank = depth + 1;
      data = allocate('float64', product(shape, 'the input of shape'), 'the input') as Float64Array;
    } else if (depth + 1 !== rank) {
      throw new SoftmaxError(
        'SHAPE_MISMATCH',
        `input${path(index)} is ${describe(value)}; expected an array of length ${shape[depth + 1]} (ragged input).`,
      );
    }
    if (typeof value !== 'number') throw notANumber(value, path(index));
    data[offset++] = value;
  }
  return { data, shape };
}

function readArray(input: readonly unknown[]): { data: Float64Array; shape: number[] } {
  const length = input.length;
  if (length === 0) return { data: new Float64Array(0), shape: [0] };
  const first = input[0];
  if (isArray(first)) return readNested(input, length, first);
  return { data: readFlat(input, length, first), shape: [length] };
}

function readTyped(input: FloatArray, dtype: Dtype): { data: FloatArray; local: boolean } {
  if (isUnusable(input)) {
    throw new SoftmaxError(
      'INVALID_INPUT',
      `input is a ${typedArrayName(input)} whose buffer was detached (transferred, or a zero-copy array whose memory grew: read the backend's array again after allocating); pass a live array.`,
    );
  }
  const local = dtype === 'float32' ? input instanceof Float32Array : input instanceof Float64Array;
  // A typed array of another realm (an iframe, node:vm) is accepted: copied into this realm's
  // type so that every backend sees an ordinary local array.
  return local ? { data: input, local } : { data: copyOf(input, dtype), local };
}

function withShape(
  data: FloatArray,
  dtype: Dtype,
  callerOwned: boolean,
  length: number,
  shapeOption: readonly number[],
): ParsedInput {
  const size = product(shapeOption, 'option shape');
  if (size !== length) {
    throw new SoftmaxError(
      'SHAPE_MISMATCH',
      `option shape [${shapeOption.join(', ')}] has ${size} elements but the input has ${length}.`,
    );
  }
  return { data, dtype, shape: shapeOption, callerOwned };
}

/**
 * Step 2 of a call: turns any accepted input plus the `shape` option into flat values and a
 * shape. Reads each array element once; any exception from user code (a getter, a proxy trap)
 * becomes `INVALID_INPUT`. Throws `INVALID_INPUT`, `UNSUPPORTED_DTYPE` or `SHAPE_MISMATCH`.
 */
export function parseInput(
  input: unknown,
  shapeOption: readonly number[] | undefined,
): ParsedInput {
  let data: FloatArray;
  let dtype: Dtype;
  let shape: readonly number[];
  let callerOwned = false;
  const typedDtype = floatDtypeOf(input);
  if (typedDtype !== undefined) {
    const typed = readTyped(input as FloatArray, typedDtype);
    data = typed.data;
    callerOwned = typed.local;
    dtype = typedDtype;
    const length = typedLength(data);
    // With a shape option, check it against the length without building a shape of our own.
    if (shapeOption !== undefined) return withShape(data, dtype, callerOwned, length, shapeOption);
    shape = [length];
  } else if (typedArrayName(input) !== undefined) {
    throw new SoftmaxError(
      'UNSUPPORTED_DTYPE',
      `input is a ${typedArrayName(input)}; ${ACCEPTED}.`,
    );
  } else if (isArray(input)) {
    let read: { data: Float64Array; shape: number[] };
    try {
      read = readArray(input);
    } catch (error) {
      if (SoftmaxError.isInstance(error)) throw error;
      throw new SoftmaxError('INVALID_INPUT', `reading the input threw: ${messageOf(error)}`, {
        cause: error,
      });
    }
    data = read.data;
    shape = read.shape;
    dtype = 'float64';
  } else {
    throw new SoftmaxError('INVALID_INPUT', `input is ${describe(input)}; ${ACCEPTED}.`);
  }

  if (shapeOption !== undefined) {
    const size = product(shapeOption, 'option shape');
    const length = shape.reduce((a, b) => a * b, 1);
    if (size !== length) {
      throw new SoftmaxError(
        'SHAPE_MISMATCH',
        `option shape [${shapeOption.join(', ')}] has ${size} elements but the input has ${length}.`,
      );
    }
    if (shape.length > 1 && shapeOption.join(',') !== shape.join(',')) {
      throw new SoftmaxError(
        'SHAPE_MISMATCH',
        `option shape [${shapeOption.join(', ')}] differs from the input's shape [${shape.join(', ')}].`,
      );
    }
    shape = shapeOption;
  }
  return { data, dtype, shape, callerOwned };
}
