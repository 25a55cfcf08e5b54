import type { Operation } from './backend.js';
import { describe, messageOf } from './describe.js';
import { SoftmaxError } from './errors.js';
import { MAX_RANK } from './limits.js';
import { readTemperatureOption } from './temperature.js';
import type { SoftmaxOptions } from './types.js';

/** What `allMasked` asks for a row whose entries are all -Infinity. */
export type MaskedPolicy = 'error' | 'zeros' | 'nan';

/**
 * The options of one call, read once and checked: after this step no user code (getters,
 * proxies) runs again for the options, so nothing a getter does later can change the call.
 */
export interface CallOptions {
  readonly operation: Operation;
  /** The `shape` option copied, or undefined. */
  readonly shape: readonly number[] | undefined;
  /** The `axis` option, a number (checked against the rank later), or undefined. */
  readonly axis: number | undefined;
  /** The `out` option as passed (checked once the result's dtype and length are known). */
  readonly out: unknown;
  readonly nanIsError: boolean;
  readonly allMasked: MaskedPolicy;
  /** One temperature for every row, or one per row (checked entries, in a core-owned copy). */
  readonly temperature: number | Float64Array;
}

const NAN_POLICIES = ['error', 'propagate'] as const;
const MASKED_POLICIES = ['error', 'zeros', 'nan'] as const;

const DEFAULTS: Record<Operation, CallOptions> = {
  softmax: defaults('softmax'),
  logSoftmax: defaults('logSoftmax'),
  logSumExp: defaults('logSumExp'),
};

function defaults(operation: Operation): CallOptions {
  return Object.freeze({
    operation,
    shape: undefined,
    axis: undefined,
    out: undefined,
    nanIsError: true,
    allMasked: 'error',
    temperature: 1,
  });
}

function policy<P extends string>(value: unknown, option: string, accepted: readonly P[]): P {
  if (value === undefined) return accepted[0] as P;
  if (typeof value === 'string' && (accepted as readonly string[]).includes(value))
    return value as P;
  throw new SoftmaxError(
    'INVALID_INPUT',
    `option ${option} is ${describe(value)}; accepted: ${accepted.map((a) => `'${a}'`).join(', ')} (default '${accepted[0]}').`,
  );
}

function readShape(value: unknown): number[] | undefined {
  if (value === undefined) return undefined;
  let length: unknown;
  try {
    length = Array.isArray(value) ? (value as unknown[]).length : undefined;
  } catch (error) {
    throw new SoftmaxError('SHAPE_MISMATCH', `option shape cannot be read: ${messageOf(error)}`, {
      cause: error,
    });
  }
  if (typeof length !== 'number') {
    throw new SoftmaxError(
      'SHAPE_MISMATCH',
      `option shape is ${describe(value)}; expected an array of non-negative integers.`,
    );
  }
  if (length > MAX_RANK) {
    throw new SoftmaxError(
      'SHAPE_MISMATCH',
      `option shape has ${length} entries; at most ${MAX_RANK} axes are supported.`,
    );
  }
  // Sized once (a push-grown array starts with room for 17 entries: garbage on every call).
  const shape = new Array<number>(length);
  for (let index = 0; index < length; index++) {
    let size: unknown;
    try {
      size = (value as unknown[])[index];
    } catch (error) {
      throw new SoftmaxError(
        'SHAPE_MISMATCH',
        `reading option shape[${index}] threw: ${messageOf(error)}`,
        { cause: error },
      );
    }
    if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
      throw new SoftmaxError(
        'SHAPE_MISMATCH',
        `option shape[${index}] is ${describe(size)}; expected a non-negative integer.`,
      );
    }
    shape[index] = size;
  }
  return shape;
}

function readAxis(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number') {
    throw new SoftmaxError(
      'INVALID_AXIS',
      `option axis is ${describe(value)}; expected an integer (default -1, the last axis).`,
    );
  }
  return value;
}

/**
 * Step 1 of a call: reads every option exactly once (in a fixed order) and checks what can be
 * checked without the input. Throws `INVALID_INPUT`, `INVALID_TEMPERATURE`, `SHAPE_MISMATCH` or
 * `INVALID_AXIS`.
 */
export function readCallOptions(operation: Operation, options: unknown): CallOptions {
  if (options === undefined) return DEFAULTS[operation];
  if (typeof options !== 'object' || options === null) {
    throw new SoftmaxError(
      'INVALID_INPUT',
      `options is ${describe(options)}; expected an object or undefined.`,
    );
  }
  const isLogSumExp = operation === 'logSumExp';
  // Each option read exactly once, by name (a keyed read in a helper would be megamorphic).
  const source = options as SoftmaxOptions;
  let name = 'shape';
  let rawShape: unknown;
  let rawAxis: unknown;
  let out: unknown;
  let rawNan: unknown;
  let rawMasked: unknown;
  let temperatureOption: unknown;
  try {
    rawShape = source.shape;
    name = 'axis';
    rawAxis = source.axis;
    name = 'out';
    out = source.out;
    name = 'nan';
    rawNan = source.nan;
    name = 'allMasked';
    rawMasked = source.allMasked;
    name = 'temperature';
    temperatureOption = source.temperature;
  } catch (error) {
    throw new SoftmaxError('INVALID_INPUT', `reading option ${name} threw: ${messageOf(error)}`, {
      cause: error,
    });
  }
  const shape = readShape(rawShape);
  const axis = readAxis(rawAxis);
  const nanIsError = rawNan === undefined || policy(rawNan, 'nan', NAN_POLICIES) === 'error';
  const allMasked =
    isLogSumExp || rawMasked === undefined
      ? 'error'
      : policy(rawMasked, 'allMasked', MASKED_POLICIES);
  if (isLogSumExp && temperatureOption !== undefined) {
    throw new SoftmaxError(
      'INVALID_TEMPERATURE',
      'logSumExp takes no temperature option; divide the logits by T first for logSumExp(x / T).',
    );
  }
  return {
    operation,
    shape,
    axis,
    out,
    nanIsError,
    allMasked,
    temperature: readTemperatureOption(temperatureOption),
  };
}
