import { typedArrayName } from '@softmax-kit/core/internal';

/** True for an array or a typed array (of any realm). */
export const isListLike = (value: unknown): value is ArrayLike<unknown> =>
  Array.isArray(value) || typedArrayName(value) !== undefined;

/** True for a Float32Array of any realm. */
export const isFloat32Array = (value: unknown): value is Float32Array =>
  typedArrayName(value) === 'Float32Array';
