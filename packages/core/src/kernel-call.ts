import type { Backend, KernelRequest } from './backend.js';
import { messageOf } from './describe.js';
import { SoftmaxError } from './errors.js';

/** A kernel failure as `BACKEND_ERROR` (a backend's own SoftmaxError passes through). */
export function kernelError(backend: Backend, error: unknown): SoftmaxError {
  if (SoftmaxError.isInstance(error)) return error;
  return new SoftmaxError(
    'BACKEND_ERROR',
    `backend '${backend.name}' failed while computing: ${messageOf(error)}`,
    { cause: error },
  );
}

/**
 * Runs the synchronous kernel `compute` (the backend's `doComputeSync`, read once when the
 * instance was created); any exception becomes `BACKEND_ERROR`.
 */
export function runKernelSync(
  backend: Backend,
  compute: (request: KernelRequest) => void,
  request: KernelRequest,
): void {
  try {
    compute.call(backend, request);
  } catch (error) {
    throw kernelError(backend, error);
  }
}

/**
 * Runs the asynchronous kernel. A kernel that throws synchronously, or returns something that
 * is not a promise, is a `BACKEND_ERROR` like one that rejects.
 */
export function runKernelAsync(backend: Backend, request: KernelRequest): Promise<void> {
  let pending: unknown;
  try {
    pending = backend.doCompute(request);
  } catch (error) {
    return Promise.reject(kernelError(backend, error));
  }
  if (
    typeof pending !== 'object' ||
    pending === null ||
    typeof (pending as { then?: unknown }).then !== 'function'
  ) {
    return Promise.reject(
      new SoftmaxError(
        'BACKEND_ERROR',
        `backend '${backend.name}' broke the contract: doCompute returned ${pending === undefined ? 'undefined' : `a ${typeof pending}`}, not a promise.`,
      ),
    );
  }
  return Promise.resolve(pending as PromiseLike<void>).then(
    () => undefined,
    (error: unknown) => {
      throw kernelError(backend, error);
    },
  );
}
