import type { Dtype, FloatArray } from './backend.js';
import { SoftmaxError } from './errors.js';

/** A user input seen as `outer x axisLength x inner`, with the axis to reduce in the middle. */
export interface ParsedInput {
  /** The values, row-major in the input's own layout: the caller's typed array (not copied), or a Float64Array made from a number array. */
  readonly data: FloatArray;
  /** The dtype of the result (and of `data`). */
  readonly dtype: Dtype;
  readonly shape: readonly number[];
  readonly outer: number;
  readonly axisLength: number;
  readonly inner: number;
  /** True when `data` is a buffer the caller owns (and may be `out`). */
  readonly callerOwned: boolean;
}

const ACCEPTED =
  'accepted: number[], number[][] (any depth, not ragged), Float32Array or Float64Array';

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name}`;
  return `a ${typeof value}`;
}

/** Flattens a nested number array, checking that it is rectangular; returns its shape. */
function flattenNested(input: readonly unknown[]): { data: Float64Array; shape: number[] } {
  const shape: number[] = [];
  let level: unknown = input;
  while (Array.isArray(level)) {
    shape.push(level.length);
    if (level.length === 0) break;
    level = level[0];
  }
  const size = shape.reduce((a, b) => a * b, 1);
  const data = new Float64Array(size);
  let offset = 0;
  const visit = (node: unknown, depth: number, path: string): void => {
    const expected = shape[depth];
    if (expected === undefined) {
      if (typeof node !== 'number') {
        throw new SoftmaxError(
          'INVALID_INPUT',
          `input${path} is ${describe(node)}; expected a number at depth ${depth} (${ACCEPTED}).`,
        );
      }
      data[offset++] = node;
      return;
    }
    if (!Array.isArray(node)) {
      throw new SoftmaxError(
        'SHAPE_MISMATCH',
        `input${path} is ${describe(node)}; expected an array of length ${expected} (ragged input).`,
      );
    }
    if (node.length !== expected) {
      throw new SoftmaxError(
        'SHAPE_MISMATCH',
        `input${path} has length ${node.length}; expected ${expected} (ragged input).`,
      );
    }
    for (let i = 0; i < node.length; i++) visit(node[i], depth + 1, `${path}[${i}]`);
  };
  visit(input, 0, '');
  return { data, shape };
}

function checkShape(shape: unknown): number[] {
  if (!Array.isArray(shape)) {
    throw new SoftmaxError(
      'SHAPE_MISMATCH',
      `option shape is ${describe(shape)}; expected an array of non-negative integers.`,
    );
  }
  shape.forEach((size: unknown, index) => {
    if (typeof size !== 'number' || !Number.isInteger(size) || size < 0) {
      throw new SoftmaxError(
        'SHAPE_MISMATCH',
        `option shape[${index}] is ${String(size)}; expected a non-negative integer.`,
      );
    }
  });
  return shape as number[];
}

/**
 * Turns any accepted input plus `shape` and `axis` into a {@link ParsedInput}.
 * Throws `INVALID_INPUT`, `UNSUPPORTED_DTYPE`, `SHAPE_MISMATCH` or `INVALID_AXIS`.
 */
export function parseInput(input: unknown, shapeOption: unknown, axisOption: unknown): ParsedInput {
  let data: FloatArray;
  let dtype: Dtype;
  let shape: readonly number[];
  let callerOwned = false;
  if (input instanceof Float32Array) {
    data = input;
    dtype = 'float32';
    callerOwned = true;
    shape = [input.length];
  } else if (input instanceof Float64Array) {
    data = input;
    dtype = 'float64';
    callerOwned = true;
    shape = [input.length];
  } else if (ArrayBuffer.isView(input)) {
    throw new SoftmaxError(
      'UNSUPPORTED_DTYPE',
      `input is a ${input.constructor.name}; ${ACCEPTED}.`,
    );
  } else if (Array.isArray(input)) {
    if (input.length > 0 && Array.isArray(input[0])) {
      const nested = flattenNested(input);
      data = nested.data;
      shape = nested.shape;
    } else {
      const values = new Float64Array(input.length);
      for (let i = 0; i < input.length; i++) {
        const value: unknown = input[i];
        if (typeof value !== 'number') {
          throw new SoftmaxError(
            'INVALID_INPUT',
            `input[${i}] is ${describe(value)}; expected a number (${ACCEPTED}).`,
          );
        }
        values[i] = value;
      }
      data = values;
      shape = [input.length];
    }
    dtype = 'float64';
  } else {
    throw new SoftmaxError('INVALID_INPUT', `input is ${describe(input)}; ${ACCEPTED}.`);
  }

  if (shapeOption !== undefined) {
    const requested = checkShape(shapeOption);
    const size = requested.reduce((a, b) => a * b, 1);
    if (size !== data.length) {
      throw new SoftmaxError(
        'SHAPE_MISMATCH',
        `option shape [${requested.join(', ')}] has ${size} elements but the input has ${data.length}.`,
      );
    }
    if (shape.length > 1 && requested.join(',') !== shape.join(',')) {
      throw new SoftmaxError(
        'SHAPE_MISMATCH',
        `option shape [${requested.join(', ')}] differs from the input's shape [${shape.join(', ')}].`,
      );
    }
    shape = requested;
  }

  const rank = shape.length;
  const axis = axisOption === undefined ? -1 : axisOption;
  if (typeof axis !== 'number' || !Number.isInteger(axis) || axis < -rank || axis >= rank) {
    throw new SoftmaxError(
      'INVALID_AXIS',
      `option axis is ${String(axis)}; expected an integer in [${-rank}, ${rank - 1}].`,
    );
  }
  const resolved = axis < 0 ? axis + rank : axis;
  let outer = 1;
  let inner = 1;
  for (let d = 0; d < resolved; d++) outer *= shape[d] as number;
  for (let d = resolved + 1; d < rank; d++) inner *= shape[d] as number;
  return {
    data,
    dtype,
    shape,
    outer,
    axisLength: shape[resolved] as number,
    inner,
    callerOwned,
  };
}
