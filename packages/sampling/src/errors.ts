import { SoftmaxError, type SoftmaxErrorCode } from '@softmax-kit/core';

/** Throws a `SoftmaxError` with the sampling prefix in its message. */
export function fail(code: SoftmaxErrorCode, message: string): never {
  throw new SoftmaxError(code, `sample: ${message}`);
}
