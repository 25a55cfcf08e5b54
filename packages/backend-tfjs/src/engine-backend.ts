import type { Backend, BackendCapabilities, KernelRequest, Operation } from '@softmax-kit/core';
import { SoftmaxError } from '@softmax-kit/core';
import { deviceDetails } from './device-details.js';
import { withEngineLock } from './engine-lock.js';
import { FUSED_DEVICES, FUSED_ROW_LENGTH } from './kernels/fused-path.js';
import {
  finishLogSoftmax,
  finishLogSumExp,
  type LogTerms,
  logTermSums,
  logTerms,
} from './kernels/log-terms.js';
import { afterHostScan, flagsFromDevice, scanOnHost, usesDeviceScan } from './kernels/row-scan.js';
import { softmaxKernel, softmaxWithScan, writeProbabilities } from './kernels/softmax-kernel.js';
import { isInitialised } from './load-device.js';
import { precisionFromBits, probeMantissaBits } from './probe-precision.js';
import { asTf, type Tf, type TfjsModule, type TfTensor } from './tfjs-types.js';
import { unavailable } from './unavailable.js';

/** How {@link tfjsEngineBackend} finds and names one TensorFlow.js backend. */
export interface TfjsEngineBackendOptions {
  /** The softmax-kit backend name, e.g. `'tfjs-wasm'`. */
  name: string;
  /** The name tfjs registers the backend under, e.g. `'wasm'`, `'tensorflow'`. */
  tfjsBackendName: string;
  /**
   * Loads TensorFlow.js and registers the backend with its engine (not yet initialised).
   * Rejects with a `BACKEND_UNAVAILABLE` `SoftmaxError` saying what is missing.
   */
  load(): Promise<TfjsModule>;
  /** Why the backend cannot run in this runtime, checked before tfjs initialises it. */
  unavailableReason?(): Promise<string | undefined>;
  /** The fix to print when tfjs fails to initialise the backend. */
  fix: string;
  /**
   * Declare `scansRows` (core's optional capability): the kernel finds each row's max and
   * non-regular rows itself instead of core's JavaScript pass, on the device in the same program
   * as `tf.softmax` where the request allows (`kernels/row-scan.ts`). Worth it where tfjs's
   * reductions are fast native code (wasm); default false. Not yet for asynchronous kernels
   * called in place: see `SCANNING_DEVICES` in `tfjs-backend.ts` and the README.
   */
  scansRows?: boolean;
}

/**
 * One operation on the device in three steps: `prepare` on the host when the call is made,
 * `run` inside `tf.tidy` under the engine lock (returns the one tensor to read back), `finish`
 * with the values read back.
 */
interface TfjsKernel<State> {
  prepare(request: KernelRequest): State;
  run(tf: Tf, state: State, device: string): TfTensor;
  finish(state: State, values: Float32Array): void;
}

/** softmax: the device computes the whole result (see `kernels/softmax-kernel.ts`). */
const softmax: TfjsKernel<KernelRequest> = {
  // A copy of the request's fields, taken when the call is made: nothing reads the request
  // object itself after the engine lock's wait.
  prepare: (request) => ({ ...request }),
  run: (tf, request, device) => softmaxKernel(tf, request, device),
  finish: (request, values) => writeProbabilities(request, values, null, 0),
};

/** logSoftmax and logSumExp: the device sums `s`, the host takes `log1p(s)` (`kernels/log-terms.ts`). */
const logKernel = (
  finish: (terms: LogTerms, sums: Float32Array) => void,
): TfjsKernel<LogTerms> => ({
  prepare: logTerms,
  run: logTermSums,
  finish,
});

const KERNELS: Record<Operation, TfjsKernel<KernelRequest> | TfjsKernel<LogTerms>> = {
  softmax,
  logSoftmax: logKernel(finishLogSoftmax),
  logSumExp: logKernel(finishLogSumExp),
};

/** The one method of tfjs-backend-wasm's backend object read here: a view of a tensor's values on the wasm heap. */
interface WasmHeapReader {
  typedArrayFromHeap(tensor: TfTensor): ArrayLike<number>;
}

/** tfjs backends whose tensors live in host memory, so `dataSync()` reads them without a stall. */
const SYNC_READ_BACKENDS: ReadonlySet<string> = new Set(['cpu', 'wasm', 'tensorflow']);

/**
 * A softmax-kit backend on any TensorFlow.js backend: the building block of `tfjsBackend` and
 * `@softmax-kit/backend-tfjs-node`.
 *
 * TensorFlow.js has one global engine with one active backend, so every call here runs under a
 * per-engine lock ({@link withEngineLock}) that switches the engine to this backend, computes,
 * reads the result back, frees every tensor, and switches back to whatever backend was active
 * before. Several instances on different devices in one page or process thus give correct
 * results, one call at a time. Disposing an instance never removes a tfjs backend (another
 * instance or the user may be using it).
 *
 * @example
 * ```ts
 * const backend = tfjsEngineBackend({
 *   name: 'tfjs-cpu',
 *   tfjsBackendName: 'cpu',
 *   load: async () => { const tf = await import('@tensorflow/tfjs-core'); await import('@tensorflow/tfjs-backend-cpu'); return tf; },
 *   fix: 'Install @tensorflow/tfjs-backend-cpu.',
 * });
 * const sm = await createSoftmax(backend);
 * ```
 */
export function tfjsEngineBackend(options: TfjsEngineBackendOptions): Backend {
  const { name, tfjsBackendName } = options;
  const syncRead = SYNC_READ_BACKENDS.has(tfjsBackendName);
  let tf: Tf | undefined;

  /** Runs `task` with the engine switched to this backend, under the engine's lock. */
  const onDevice = <T>(loaded: Tf, task: () => Promise<T>): Promise<T> =>
    withEngineLock(loaded.engine(), async () => {
      const previous = loaded.getBackend();
      if (previous !== tfjsBackendName) await activate(loaded);
      try {
        return await task();
      } finally {
        // Leave the engine as we found it, for the user's own tfjs code and other instances.
        if (previous && previous !== tfjsBackendName && isInitialised(loaded, previous)) {
          await loaded.setBackend(previous);
        }
      }
    });

  /** `tf.setBackend`, turning its `false` (tfjs only logs the cause) into an error with it. */
  const activate = async (loaded: Tf): Promise<void> => {
    const warnings: string[] = [];
    const originalWarn = console.warn;
    const firstTime = !isInitialised(loaded, tfjsBackendName);
    if (firstTime) {
      console.warn = (...parts: unknown[]) => {
        warnings.push(
          parts.map((part) => (part instanceof Error ? part.message : String(part))).join(' '),
        );
        originalWarn(...parts);
      };
    }
    let succeeded: boolean;
    try {
      succeeded = await loaded.setBackend(tfjsBackendName);
    } catch (error) {
      throw unavailable(
        name,
        `TensorFlow.js failed to initialise its '${tfjsBackendName}' backend`,
        options.fix,
        error,
      );
    } finally {
      if (firstTime) console.warn = originalWarn;
    }
    if (!succeeded) {
      const cause = warnings.length > 0 ? `: ${warnings.join('; ')}` : '';
      throw unavailable(
        name,
        `TensorFlow.js failed to initialise its '${tfjsBackendName}' backend${cause}`,
        options.fix,
      );
    }
  };

  // cpu, wasm and tensorflow hold their data in host memory: dataSync() returns it without the
  // extra promise round trips of data(). GPU devices read asynchronously (a synchronous read
  // stalls the GPU pipeline on webgl and is not offered on webgpu).
  // On wasm the values are read in place, from a view on the wasm heap (tfjs-backend-wasm's
  // `typedArrayFromHeap`, what its own kernels use), instead of dataSync()'s copy: the caller
  // copies them once into the output before the tensor is disposed, and no tfjs op runs in between
  // (the heap could otherwise grow and detach the view).
  const read = async (loaded: Tf, tensor: TfTensor): Promise<Float32Array> => {
    if (tfjsBackendName === 'wasm') {
      const heap = (loaded.backend() as Partial<WasmHeapReader>).typedArrayFromHeap;
      if (typeof heap === 'function') return heap.call(loaded.backend(), tensor) as Float32Array;
    }
    return (syncRead ? tensor.dataSync() : await tensor.data()) as Float32Array;
  };

  /** A request whose rows core has scanned (or the kernel has, on the host): the kernels as they are. */
  const computeRows = async (loaded: Tf, request: KernelRequest): Promise<void> => {
    const kernel = KERNELS[request.operation] as TfjsKernel<unknown>;
    const state = kernel.prepare(request);
    await onDevice(loaded, async () => {
      const result = loaded.tidy(() => kernel.run(loaded, state, tfjsBackendName));
      try {
        kernel.finish(state, await read(loaded, result));
      } finally {
        result.dispose();
      }
    });
  };

  /**
   * A request core did not scan (`scansRows`). Softmax at T = 1 on the fused path takes the max
   * and the flags from the device, with the softmax; other requests are scanned on the host
   * first. Either way the output is written only after every row's flag is known, so under
   * `haltOnFlag` a flagged row means nothing is written (tfjs computes into tensors of its own,
   * never into the caller's buffer).
   */
  const computeScanning = async (loaded: Tf, request: KernelRequest): Promise<void> => {
    const scan = request.scan!;
    if (!usesDeviceScan(request, tfjsBackendName)) {
      const flagged = scanOnHost(request);
      if (flagged > 0 && scan.haltOnFlag) return;
      const computed = afterHostScan(request, flagged);
      if (computed.skip?.every((mark) => mark === 1) === true) return;
      return computeRows(loaded, computed);
    }
    // A copy of the request's fields, taken when the call is made (as in the kernels).
    const state: KernelRequest = { ...request };
    await onDevice(loaded, async () => {
      const [probabilities, maxima] = loaded.tidy(() => softmaxWithScan(loaded, state));
      try {
        const values = await read(loaded, probabilities);
        const flagged = flagsFromDevice(state, await read(loaded, maxima), values);
        if (flagged > 0 && scan.haltOnFlag) return;
        writeProbabilities(state, values, scan.flags, flagged);
      } finally {
        probabilities.dispose();
        maxima.dispose();
      }
    });
  };

  return {
    specificationVersion: 'v1',
    name,

    async doInit(): Promise<BackendCapabilities> {
      const reason = await options.unavailableReason?.();
      if (reason !== undefined) throw unavailable(name, reason, options.fix);
      const loaded = asTf(await options.load());
      const { bits, details } = await onDevice(loaded, async () => ({
        bits: await probeMantissaBits(loaded),
        details: await deviceDetails(loaded, tfjsBackendName),
      }));
      const precision = precisionFromBits(bits);
      if (precision === undefined) {
        throw unavailable(
          name,
          `the device keeps only ${bits} fraction bits through one operation (float16 keeps 10)`,
          options.fix,
        );
      }
      tf = loaded;
      return {
        // float64 input is shifted by its row max in float64 by core, then rounded to float32.
        dtypes: ['float32'],
        computePrecision: { float32: precision, float64: precision },
        sync: false,
        device: tfjsBackendName,
        ...(options.scansRows === true ? { scansRows: true } : {}),
        // where rows leave tfjs's fused op for the composed one (the conformance suite runs both)
        ...(FUSED_DEVICES.has(tfjsBackendName)
          ? {
              splitsAt: [
                {
                  count: 'cols',
                  at: FUSED_ROW_LENGTH + 1,
                  what: "rows leave tfjs's fused softmax for blocked sums",
                },
              ],
            }
          : {}),
        details: {
          tfjsVersion: loaded.version_core,
          tfjsBackend: tfjsBackendName,
          probedMantissaBits: bits,
          probedPrecision: precision,
          ...details,
        },
      };
    },

    async doCompute(request: KernelRequest): Promise<void> {
      const loaded = tf;
      if (loaded === undefined) {
        throw new SoftmaxError('DISPOSED', `Backend '${name}' is not initialised or was disposed.`);
      }
      if (request.rows === 0 || request.cols === 0) return;
      if (request.scan !== null) return computeScanning(loaded, request);
      return computeRows(loaded, request);
    },

    async doDispose(): Promise<void> {
      const loaded = tf;
      tf = undefined;
      // Wait for calls already queued on the engine; every tensor is freed per call.
      if (loaded !== undefined) await withEngineLock(loaded.engine(), async () => undefined);
    },

    doResourceCount(): number {
      return tf?.memory().numTensors ?? 0;
    },
  };
}
