import type { Dtype, FloatArray } from './backend.js';
import { SoftmaxError } from './errors.js';

/**
 * Typed-array facts read through the intrinsic getters of `%TypedArray%.prototype`, never through
 * the object's own properties: an own `length`, a Proxy or a getter cannot change what core
 * reads, and arrays from another realm (an iframe, `node:vm`) are recognised like local ones.
 */
const TypedArrayPrototype = Object.getPrototypeOf(Int8Array.prototype) as object;

function intrinsicGetter(name: PropertyKey): (this: unknown) => unknown {
  const descriptor = Object.getOwnPropertyDescriptor(TypedArrayPrototype, name);
  return descriptor?.get as (this: unknown) => unknown;
}

const tagOf = intrinsicGetter(Symbol.toStringTag);
const lengthOf = intrinsicGetter('length');
const bufferOf = intrinsicGetter('buffer');
const byteOffsetOf = intrinsicGetter('byteOffset');
const byteLengthOf = intrinsicGetter('byteLength');
const setInto = Float64Array.prototype.set;

/** The element type name of a real typed array (`'Float32Array'`, ...), any realm; else undefined. */
export function typedArrayName(value: unknown): string | undefined {
  return tagOf.call(value) as string | undefined;
}

/** The dtype of a Float32Array or Float64Array of any realm; undefined for anything else. */
export function floatDtypeOf(value: unknown): Dtype | undefined {
  const name = tagOf.call(value);
  return name === 'Float32Array' ? 'float32' : name === 'Float64Array' ? 'float64' : undefined;
}

/** The length of a real typed array (its own `length` property, if any, is ignored). */
export function typedLength(array: FloatArray): number {
  return lengthOf.call(array) as number;
}

/** The array's buffer, read through the intrinsic getter. */
export function typedBuffer(array: FloatArray): ArrayBufferLike {
  return bufferOf.call(array) as ArrayBufferLike;
}

/**
 * True when the view's buffer was detached (transferred, or a zero-copy view whose memory grew):
 * such a view reads as length 0, which would otherwise pass for an empty input.
 */
export function isUnusable(array: FloatArray): boolean {
  if ((lengthOf.call(array) as number) > 0) return false;
  try {
    // Constructing on a detached buffer throws; a length-0 view of a live buffer does not.
    new Uint8Array(bufferOf.call(array) as ArrayBuffer, 0, 0);
    return false;
  } catch {
    return true;
  }
}

/** True when two views share bytes. */
export function overlaps(a: FloatArray, b: FloatArray): boolean {
  if (bufferOf.call(a) !== bufferOf.call(b)) return false;
  const aStart = byteOffsetOf.call(a) as number;
  const bStart = byteOffsetOf.call(b) as number;
  return (
    aStart < bStart + (byteLengthOf.call(b) as number) &&
    bStart < aStart + (byteLengthOf.call(a) as number)
  );
}

const arrayBufferMaxByteLength = Object.getOwnPropertyDescriptor(
  ArrayBuffer.prototype,
  'maxByteLength',
)?.get;
const arrayBufferByteLength = Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, 'byteLength')
  ?.get as (this: unknown) => number;

/** The most bytes an ArrayBuffer can ever hold (resizable ones included); null for others. */
function bufferCapacity(buffer: unknown): number | null {
  try {
    return (arrayBufferMaxByteLength ?? arrayBufferByteLength).call(buffer) as number;
  } catch {
    return null; // a SharedArrayBuffer (or anything else): not remembered
  }
}

/** Buffers at most this large (together) may be held by {@link SeparateViews} between calls. */
const REMEMBERED_BYTES = 16 * 1024;

/**
 * {@link overlaps} with a memory of the last pair found on two different buffers. A view's
 * buffer never changes, so such a pair never overlaps, whatever happens to the buffers later
 * (detached, resized): a caller who passes the same input and `out` call after call pays the two
 * intrinsic `buffer` getter calls (about 20 ns, an eighth of a 10-entry call) once. Only small
 * ArrayBuffers are remembered (at most {@link REMEMBERED_BYTES} together, counting what a
 * resizable one may grow to), since the memory keeps them alive until the next pair.
 */
export class SeparateViews {
  private first: FloatArray | null = null;
  private second: FloatArray | null = null;

  /** True when `a` and `b` share bytes (as {@link overlaps}). */
  overlaps(a: FloatArray, b: FloatArray): boolean {
    if (a === this.first && b === this.second) return false;
    const bufferA = bufferOf.call(a);
    const bufferB = bufferOf.call(b);
    if (bufferA === bufferB) return overlaps(a, b);
    const capacityA = bufferCapacity(bufferA);
    const capacityB = capacityA === null ? null : bufferCapacity(bufferB);
    if (capacityA !== null && capacityB !== null && capacityA + capacityB <= REMEMBERED_BYTES) {
      this.first = a;
      this.second = b;
    }
    return false;
  }
}

/** True when two views cover exactly the same elements of the same dtype. */
export function sameView(a: FloatArray, b: FloatArray): boolean {
  return (
    a === b ||
    (bufferOf.call(a) === bufferOf.call(b) &&
      byteOffsetOf.call(a) === byteOffsetOf.call(b) &&
      lengthOf.call(a) === lengthOf.call(b) &&
      tagOf.call(a) === tagOf.call(b))
  );
}

/**
 * A new local array of `dtype` and `length`, or `INVALID_INPUT` when it cannot be allocated
 * (a shape whose product exceeds what this platform can hold).
 */
export function allocate(dtype: Dtype, length: number, what = 'the result'): FloatArray {
  try {
    return dtype === 'float32' ? new Float32Array(length) : new Float64Array(length);
  } catch (error) {
    throw new SoftmaxError(
      'INVALID_INPUT',
      `${what} needs ${length} ${dtype} values, more than can be allocated here.`,
      { cause: error },
    );
  }
}

/** A core-owned copy of `source` (any realm), made without running user code (no species lookup). */
export function copyOf(source: FloatArray, dtype: Dtype): FloatArray {
  const copy = allocate(dtype, typedLength(source), 'a copy of the input');
  setInto.call(copy, source as unknown as ArrayLike<number>);
  return copy;
}
