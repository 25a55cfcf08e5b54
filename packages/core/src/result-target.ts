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
  /** An `out` of another realm, filled from `result` at the end; else null. */
  readonly foreignOut: FloatArray | null;
}

/** What the caller gets: the result, copied into an `out` of another realm if there is one. */
export function deliver(target: ResultTarget): FloatArray {
  const foreign = target.foreignOut;
  if (foreign === null) return target.result;
  Float64Array.prototype.set.call(foreign, target.result as unknown as ArrayLike<number>);
  return foreign;
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
    return { result: allocate(dtype, length), callerOut: false, foreignOut: null };
  }
  // Built only for an error: a template string per call costs more than the checks.
  const expected = () =>
    `option out must be a ${dtype === 'float32' ? 'Float32Array' : 'Float64Array'} of length ${length} (${isLogSumExp ? 'one value per row' : 'the input length'})`;
  const outDtype = floatDtypeOf(out);
  if (outDtype !== dtype) {
    throw new SoftmaxError('UNSUPPORTED_DTYPE', `${expected()}; got ${describe(out)}.`);
  }
  const array = out as FloatArray;
  if (isUnusable(array)) {
    throw new SoftmaxError(
      'INVALID_INPUT',
      `${expected()}; its buffer was detached (a zero-copy array whose memory grew: read the backend's array again after allocating).`,
    );
  }
  const outLength = typedLength(array);
  if (outLength !== length) {
    throw new SoftmaxError('SHAPE_MISMATCH', `${expected()}; got one of length ${outLength}.`);
  }
  const local = dtype === 'float32' ? array instanceof Float32Array : array instanceof Float64Array;
  if (local) return { result: array, callerOut: true, foreignOut: null };
  // An `out` of another realm: computed here, copied in at the end.
  return { result: allocate(dtype, length), callerOut: false, foreignOut: array };
}
