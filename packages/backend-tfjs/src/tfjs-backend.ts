import type { Backend } from '@softmax-kit/core';
import { SoftmaxError } from '@softmax-kit/core';
import { deviceUnavailableReason } from './device-check.js';
import { tfjsEngineBackend } from './engine-backend.js';
import { installHint, loadTfCore, registerDevice, type TfjsDevice } from './load-device.js';
import { asTf, type TfjsModule } from './tfjs-types.js';
import type { WasmPaths } from './wasm-paths.js';

/** Options of {@link tfjsBackend}. */
export interface TfjsBackendOptions {
  /**
   * The TensorFlow.js device: `'cpu'` (the default: it runs wherever TensorFlow.js does),
   * `'wasm'` (Node and browsers, much faster), `'webgl'`, `'webgpu'` (browsers).
   */
  device?: TfjsDevice;
  /**
   * Your own TensorFlow.js module (`@tensorflow/tfjs`, `@tensorflow/tfjs-core`). Default: a lazy
   * `import('@tensorflow/tfjs-core')`. The device package is imported only when `tf` has no
   * backend of that name registered yet.
   */
  tf?: TfjsModule;
  /**
   * wasm only: where the `.wasm` binaries are, a folder prefix ending in `/` or one URL per file
   * name. Default in Node: the installed package's `dist/` folder; in browsers TensorFlow.js's
   * own default (next to its script). See the README for Vite. Used only before the wasm
   * backend is first initialised in the page or process.
   */
  wasmPaths?: WasmPaths;
  /** wasm only: the number of threads where threads are available (cross-origin isolated pages). */
  numThreads?: number;
}

const DEVICES: readonly TfjsDevice[] = ['cpu', 'wasm', 'webgl', 'webgpu'];

/**
 * The devices that declare core's `scansRows` (the kernel finds row maxima and non-regular rows
 * itself, `kernels/row-scan.ts`: `tf.max` in the same program as `tf.softmax`). None, measured:
 *
 * - On wasm it does not pay: tfjs-wasm's `Max` costs about 0.8 ns/element at 32x32k, what
 *   core's JavaScript scan costs (bench, three full runs: kernel alone 1.66-1.70 ns/element
 *   without the max, 2.44-2.51 with it; core's share 1.4-1.6 with its scan, 0.65-1.7 without).
 *   On cpu tfjs's max is a JavaScript loop slower than core's scan; webgl and webgpu would need
 *   the maxima read back before the output.
 * - It is not yet safe for an asynchronous kernel: core asks a kernel to halt on a flagged row
 *   only when the kernel's input is the caller's buffer, but an asynchronous kernel gets a
 *   snapshot while `out` may still be the caller's input, so a failing in-place call
 *   (`nan: 'error'`) would come back with its regular rows overwritten (conformance
 *   `stability.every-lane.*`, "NaN in place").
 */
export const SCANNING_DEVICES: ReadonlySet<TfjsDevice> = new Set<TfjsDevice>([]);

/** The options as read once, when `tfjsBackend` is called (a getter is not read again later). */
interface ReadOptions {
  device: TfjsDevice;
  tf: TfjsModule | undefined;
  wasmPaths: WasmPaths | undefined;
  numThreads: number | undefined;
}

function invalid(message: string, cause?: unknown): SoftmaxError {
  return new SoftmaxError(
    'INVALID_INPUT',
    `tfjsBackend: ${message}`,
    cause === undefined ? undefined : { cause },
  );
}

/** Reads each option once; anything unusable is an `INVALID_INPUT` `SoftmaxError`. */
function readOptions(options: unknown): ReadOptions {
  if (options === undefined || options === null) return readOptions({});
  if (typeof options !== 'object') {
    throw invalid(`options must be an object such as { device: 'wasm' }, not a ${typeof options}.`);
  }
  let device: unknown;
  let tf: unknown;
  let wasmPaths: unknown;
  let numThreads: unknown;
  try {
    const record = options as Record<string, unknown>;
    device = record.device;
    tf = record.tf;
    wasmPaths = record.wasmPaths;
    numThreads = record.numThreads;
  } catch (error) {
    throw invalid('reading the options threw.', error);
  }
  const accepted = DEVICES.map((d) => `'${d}'`).join(', ');
  if (device === undefined) device = 'cpu';
  if (typeof device !== 'string' || !DEVICES.includes(device as TfjsDevice)) {
    const shown = typeof device === 'string' ? JSON.stringify(device) : `a ${typeof device}`;
    throw invalid(`option 'device' is ${shown}; accepted: ${accepted} (default 'cpu').`);
  }
  if (tf !== undefined && (typeof tf !== 'object' || tf === null)) {
    throw invalid(
      `option 'tf' must be a TensorFlow.js module, not ${tf === null ? 'null' : `a ${typeof tf}`}.`,
    );
  }
  if (
    numThreads !== undefined &&
    !(typeof numThreads === 'number' && Number.isInteger(numThreads) && numThreads >= 1)
  ) {
    throw invalid(`option 'numThreads' must be an integer >= 1.`);
  }
  return {
    device: device as TfjsDevice,
    tf: tf as TfjsModule | undefined,
    wasmPaths: wasmPaths as WasmPaths | undefined,
    numThreads: numThreads as number | undefined,
  };
}

/**
 * A softmax-kit backend running its kernels in TensorFlow.js 4.22 on the chosen device, named
 * `tfjs-<device>`.
 *
 * The TensorFlow.js packages are optional peer dependencies, loaded when `createSoftmax` calls
 * `doInit`: `@tensorflow/tfjs-core` plus `@tensorflow/tfjs-backend-<device>`. Computation is in
 * float32 (float64 input is shifted by its row max in float64 and rounded by core, and returned
 * as Float64Array); the precision is measured on the device at init and reported in
 * `capabilities.computePrecision` and `capabilities.details`. Several instances on different
 * devices may live in one page or process: calls are serialised on tfjs's global engine.
 *
 * Numerical stability: the row max is subtracted before the temperature is applied, temperatures
 * too small for float32 are applied in float64 on the host. On cpu and wasm, rows of up to
 * 65,536 entries run tfjs's own fused `tf.softmax` (speed); longer rows, and every row on webgl
 * and webgpu, have their sums blocked so the error does not grow linearly with the row length
 * (see `src/kernels`).
 *
 * An unusable device (no WebGPU adapter, no WebGL, a missing package) makes `createSoftmax`
 * reject with a `SoftmaxError` of code `BACKEND_UNAVAILABLE` that gives the reason and the fix.
 *
 * @example
 * ```ts
 * import { createSoftmax } from '@softmax-kit/core';
 * import { tfjsBackend } from '@softmax-kit/backend-tfjs';
 *
 * const sm = await createSoftmax(tfjsBackend({ device: 'wasm' }));
 * await sm.softmax(new Float32Array([2, 1, 0.1])); // Float32Array [0.659001, 0.242433, 0.098566]
 * await sm.dispose();
 * ```
 */
export function tfjsBackend(options: TfjsBackendOptions = {}): Backend {
  const { device, tf: userTf, wasmPaths, numThreads } = readOptions(options);
  const name = `tfjs-${device}`;
  return tfjsEngineBackend({
    name,
    tfjsBackendName: device,
    unavailableReason: () => deviceUnavailableReason(device),
    async load() {
      const tf = userTf === undefined ? await loadTfCore(name, device) : asTf(userTf);
      const registration: { wasmPaths?: WasmPaths; numThreads?: number } = {};
      if (wasmPaths !== undefined) registration.wasmPaths = wasmPaths;
      if (numThreads !== undefined) registration.numThreads = numThreads;
      await registerDevice(tf, name, device, registration);
      return tf;
    },
    scansRows: SCANNING_DEVICES.has(device),
    fix:
      device === 'wasm'
        ? `Check that the .wasm files are reachable (option wasmPaths; see the README for bundlers). ${installHint(device)}`
        : `Choose another device, e.g. tfjsBackend({ device: 'wasm' }). ${installHint(device)}`,
  });
}
