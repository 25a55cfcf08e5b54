import type { Tf } from './tfjs-types.js';
import { unavailable } from './unavailable.js';
import { defaultWasmPaths, type WasmPaths } from './wasm-paths.js';

/** The TensorFlow.js devices this package drives. */
export type TfjsDevice = 'cpu' | 'wasm' | 'webgl' | 'webgpu';

const DEVICE_PACKAGES: Record<TfjsDevice, string> = {
  cpu: '@tensorflow/tfjs-backend-cpu',
  wasm: '@tensorflow/tfjs-backend-wasm',
  webgl: '@tensorflow/tfjs-backend-webgl',
  webgpu: '@tensorflow/tfjs-backend-webgpu',
};

/** The install command for the packages a device needs. */
export function installHint(device: TfjsDevice): string {
  return `Install it with \`pnpm add @tensorflow/tfjs-core@^4.22.0 ${DEVICE_PACKAGES[device]}@^4.22.0\` (or npm/yarn), or pass your own \`tf\`.`;
}

/**
 * Imports `@tensorflow/tfjs-core` lazily (the package is an optional peer).
 *
 * @example
 * ```ts
 * const tf = await loadTfCore('tfjs-cpu', 'cpu');
 * ```
 */
export async function loadTfCore(name: string, device: TfjsDevice): Promise<Tf> {
  try {
    return (await import('@tensorflow/tfjs-core')) as Tf;
  } catch (error) {
    throw unavailable(
      name,
      '@tensorflow/tfjs-core could not be loaded',
      installHint(device),
      error,
    );
  }
}

/** The engine's table of initialised backends (an internal field of tfjs-core's Engine). */
export function isInitialised(tf: Tf, device: string): boolean {
  const registry = (tf.engine() as unknown as { registry?: Record<string, unknown> }).registry;
  return registry?.[device] !== undefined;
}

/**
 * Makes sure the device's backend is registered with `tf`'s engine: it imports the device
 * package (each import registers its backend once per process; the module cache makes a second
 * import a no-op) unless a backend of that name is already registered, for example by a
 * `@tensorflow/tfjs` bundle the user passed. For wasm it also points the loader at the binaries
 * before the backend is first initialised.
 *
 * The four imports are written out (not built from a variable) so that bundlers can see them and
 * emit each device as its own lazily loaded chunk.
 *
 * @example
 * ```ts
 * await registerDevice(tf, 'tfjs-wasm', 'wasm', { wasmPaths: '/assets/' });
 * ```
 */
export async function registerDevice(
  tf: Tf,
  name: string,
  device: TfjsDevice,
  options: { wasmPaths?: WasmPaths; numThreads?: number },
): Promise<void> {
  const registered = tf.findBackendFactory(device) !== null;
  // Registered by someone else and not yet initialised: only our own import can set wasm paths.
  const wantsWasmPaths =
    device === 'wasm' && options.wasmPaths !== undefined && !isInitialised(tf, 'wasm');
  if (registered && !wantsWasmPaths) return;
  try {
    switch (device) {
      case 'cpu':
        await import('@tensorflow/tfjs-backend-cpu');
        break;
      case 'webgl':
        await import('@tensorflow/tfjs-backend-webgl');
        break;
      case 'webgpu':
        await import('@tensorflow/tfjs-backend-webgpu');
        break;
      case 'wasm': {
        const wasm = await import('@tensorflow/tfjs-backend-wasm');
        const paths = options.wasmPaths ?? defaultWasmPaths();
        if (paths !== undefined) wasm.setWasmPaths(paths as string);
        if (options.numThreads !== undefined) wasm.setThreadsCount(options.numThreads);
        break;
      }
    }
  } catch (error) {
    throw unavailable(
      name,
      `${DEVICE_PACKAGES[device]} could not be loaded`,
      installHint(device),
      error,
    );
  }
}
