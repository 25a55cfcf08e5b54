import type { Backend, BackendCapabilities, KernelRequest, Operation } from '@softmax-kit/core';
import { SoftmaxError } from '@softmax-kit/core';
import { deviceDetails } from './device-details.js';
import { withEngineLock } from './engine-lock.js';
import {
  finishLogSoftmax,
  finishLogSumExp,
  type LogTerms,
  logTermSums,
  logTerms,
} from './kernels/log-terms.js';
import { softmaxKernel } from './kernels/softmax-kernel.js';
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
  finish: (request, values) => request.output.set(values),
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
      const kernel = KERNELS[request.operation] as TfjsKernel<unknown>;
      const state = kernel.prepare(request);
      await onDevice(loaded, async () => {
        const result = loaded.tidy(() => kernel.run(loaded, state, tfjsBackendName));
        try {
          // cpu, wasm and tensorflow hold their data in host memory: dataSync() returns it
          // without the extra promise round trips of data(). GPU devices read asynchronously
          // (a synchronous read stalls the GPU pipeline on webgl and is not offered on webgpu).
          const values = (syncRead ? result.dataSync() : await result.data()) as Float32Array;
          kernel.finish(state, values);
        } finally {
          result.dispose();
        }
      });
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
