import type { KernelRequest } from '@softmax-kit/core';
import type { Tf, TfTensor } from '../tfjs-types.js';

/**
 * The longest row handed to tfjs's own `tf.softmax` / `tf.logSoftmax` / `tf.logSumExp`.
 *
 * Those ops are one fused native kernel on tfjs-wasm (several times faster than the composed
 * ops of the long-row path) and fewer ops elsewhere, but they sum a row with one float32
 * accumulator. Its error grows with n: about 1e-5 relative at n = 65,536 on cpu and wasm, 2e-4
 * at n = 1e6; the conformance bound (`gamma_{n-1}`, about n eps) holds at every n either way,
 * but longer rows keep the blocked sums of `rowSum` so the error stays near eps, as the README
 * promises for n = 1e6.
 */
export const FUSED_ROW_LENGTH = 65_536;

/**
 * Whether every row core asks for (rows flagged in `skip` are ignored) has temperature exactly 1.
 *
 * @example
 * ```ts
 * if (unitTemperature(request)) return tf.softmax(inputTensor(tf, request));
 * ```
 */
export function unitTemperature(request: KernelRequest): boolean {
  const { rows, temperature, skip } = request;
  for (let row = 0; row < rows; row++) {
    if (temperature[row] !== 1 && (skip === null || skip[row] !== 1)) return false;
  }
  return true;
}

/**
 * tfjs backends whose own `softmax`, `logSoftmax` and `logSumExp` conform to SPEC on the inputs
 * core hands over (checked by the conformance suite): cpu and wasm. Not webgl and webgpu, which
 * keep the composed path with core's row max: in the conformance suite (SwiftShader) webgl's
 * `tf.softmax` gave 1 for every entry of a row of 1000 x -1e30 (row sum 1000), and webgpu's gave
 * NaN for the one-entry row [-3.4e38].
 */
export const FUSED_DEVICES: ReadonlySet<string> = new Set(['cpu', 'wasm']);

/**
 * Whether the request takes the fused path: a device in {@link FUSED_DEVICES} and rows no
 * longer than {@link FUSED_ROW_LENGTH}.
 *
 * @example
 * ```ts
 * const fused = usesFusedPath(request, 'wasm');
 * ```
 */
export function usesFusedPath(request: KernelRequest, device: string): boolean {
  return request.cols <= FUSED_ROW_LENGTH && FUSED_DEVICES.has(device);
}

/**
 * The request's input as a `[rows, cols]` float32 tensor (call inside `tf.tidy`). Core converts
 * other dtypes to float32 first (the backend declares only float32).
 *
 * @example
 * ```ts
 * const logits = inputTensor(tf, request);
 * ```
 */
export function inputTensor(tf: Tf, request: KernelRequest): TfTensor {
  return tf.tensor2d(request.input as Float32Array, [request.rows, request.cols], 'float32');
}
