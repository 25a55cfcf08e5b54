import { SoftmaxError } from '@softmax-kit/core';

/**
 * A `BACKEND_UNAVAILABLE` error for backend `name`, with what is missing and how to fix it.
 *
 * @example
 * ```ts
 * throw unavailable('tfjs-webgpu', 'no WebGPU adapter', 'run in a browser with WebGPU enabled');
 * ```
 */
export function unavailable(
  name: string,
  reason: string,
  fix: string,
  cause?: unknown,
): SoftmaxError {
  const causeText =
    cause === undefined ? '' : ` (${cause instanceof Error ? cause.message : String(cause)})`;
  return new SoftmaxError(
    'BACKEND_UNAVAILABLE',
    `Backend '${name}' is unavailable: ${reason}${causeText}. ${fix}`,
    cause === undefined ? undefined : { cause },
  );
}
