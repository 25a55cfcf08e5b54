import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

type Tf = typeof import('@tensorflow/tfjs-core');

let loading: Promise<Tf> | undefined;

/**
 * Imports TensorFlow.js core with its cpu and wasm backends once per process. The wasm
 * backend's binaries are read from its own `dist` folder (single-threaded in Node).
 *
 * @example
 * ```ts
 * const tf = await loadTf();
 * ```
 */
export function loadTf(): Promise<Tf> {
  loading ??= (async () => {
    const coreSpecifier = '@tensorflow/tfjs-core';
    const tf = (await import(coreSpecifier)) as Tf;
    // Production mode, as a speed-minded user runs tfjs: no debug checks (and no console banner).
    // The engine is shared, so the backend-tfjs subjects run in the same mode.
    tf.enableProdMode();
    await import('@tensorflow/tfjs-backend-cpu');
    const wasm = (await import('@tensorflow/tfjs-backend-wasm')) as {
      setWasmPaths(prefix: string): void;
    };
    const require = createRequire(import.meta.url);
    const wasmDist = join(
      dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')),
      'dist',
    );
    try {
      wasm.setWasmPaths(`${wasmDist}/`);
    } catch {
      // Already initialised by another user of the shared engine (e.g. backend-tfjs): keep it.
    }
    return tf;
  })();
  return loading;
}

/**
 * Makes a tfjs device current in the process-wide engine; a no-op when tfjs is not installed
 * next to the CLI (the backend then manages its own engine).
 *
 * @example
 * ```ts
 * await activateTf('wasm');
 * ```
 */
export async function activateTf(device: 'cpu' | 'wasm'): Promise<void> {
  let tf: Tf;
  try {
    tf = await loadTf();
  } catch {
    return;
  }
  if (tf.getBackend() !== device) {
    if (!(await tf.setBackend(device))) throw new Error(`tfjs could not switch to ${device}`);
  }
  await tf.ready();
}
