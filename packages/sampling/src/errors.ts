import { SoftmaxError, type SoftmaxErrorCode } from '@softmax-kit/core';

/** Throws a `SoftmaxError` with the sampling prefix in its message. */
export function fail(code: SoftmaxErrorCode, message: string): never {
  throw new SoftmaxError(code, `sample: ${message}`);
}

/** A short printable form of any value, for error messages (never throws). */
export function show(value: unknown): string {
  try {
    if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
    if (typeof value === 'bigint') return `${String(value)}n`;
    if (typeof value === 'string') return JSON.stringify(value.slice(0, 40));
    if (value === null || value === undefined) return String(value);
    if (Array.isArray(value)) return `an array of length ${value.length}`;
    return typeof value;
  } catch {
    return 'an unreadable value';
  }
}

/** True for a `Float32Array` of any realm. */
export const isFloat32Array = (value: unknown): value is Float32Array =>
  Object.prototype.toString.call(value) === '[object Float32Array]';

/** True for a `Float64Array` of any realm. */
export const isFloat64Array = (value: unknown): value is Float64Array =>
  Object.prototype.toString.call(value) === '[object Float64Array]';

/** True for a `Uint8Array` of any realm. */
export const isUint8Array = (value: unknown): value is Uint8Array =>
  Object.prototype.toString.call(value) === '[object Uint8Array]';

/** True for an array or typed array (of any realm). */
export const isListLike = (value: unknown): value is ArrayLike<unknown> =>
  Array.isArray(value) || ArrayBuffer.isView(value);
