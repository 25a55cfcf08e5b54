import type { Dtype, FloatArray } from './backend.js';
import { describe } from './describe.js';
import { SoftmaxError } from './errors.js';
import { allocate, floatDtypeOf, isUnusable, typedLength } from './typed-arrays.js';

/** Where a call's result goes. */
export interface ResultTarget {
  /** The buffer core and the kernel fill: the caller's `out`, or a new array. */
  readonly result: FloatArray;
  /** True when `result` is the caller's `out`. */
  readonly callerOut: boolean;
  /** Returns what the caller gets (copying into an `out` of another realm). */
  finish(): FloatArray;
}

/**
 * Step 3 of a call: checks `out` (dtype, length, a live buffer; any realm) or allocates the
 * result. Throws `UNSUPPORTED_DTYPE`, `SHAPE_MISMATCH` or `INVALID_INPUT`.
 */
export function resolveResult(
  out: unknown,
  dtype: Dtype,
  length: number,
  isLogSumExp: boolean,
): ResultTarget {
  if (out === undefined) {
    const result = allocate(dtype, length);
    return { result, callerOut: false, finish: () => result };
  }
  const wanted = dtype === 'float32' ? 'Float32Array' : 'Float64Array';
  const expected = `option out must be a ${wanted} of length ${length} (${isLogSumExp ? 'one value per row' : 'the input length'})`;
  const outDtype = floatDtypeOf(out);
  if (outDtype !== dtype) {
    throw new SoftmaxError('UNSUPPORTED_DTYPE', `${expected}; got ${describe(out)}.`);
  }
  const array = out as FloatArray;
  if (isUnusable(array)) {
    throw new SoftmaxError('INVALID_INPUT', `${expected}; its buffer was detached or shrunk.`);
  }
  const outLength = typedLength(array);
  if (outLength !== length) {
    throw new SoftmaxError('SHAPE_MISMATCH', `${expected}; got one of length ${outLength}.`);
  }
  const local = dtype === 'float32' ? array instanceof Float32Array : array instanceof Float64Array;
  if (local) return { result: array, callerOut: true, finish: () => array };
  // An `out` of another realm: computed here, copied in at the end.
  const result = allocate(dtype, length);
  return {
    result,
    callerOut: false,
    finish: () => {
      Float64Array.prototype.set.call(array, result as unknown as ArrayLike<number>);
      return array;
    },
  };
}
