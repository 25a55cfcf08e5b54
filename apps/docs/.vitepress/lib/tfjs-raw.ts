/**
 * Raw TensorFlow.js in the page, for the "what the peers return" table and the browser
 * benchmark: `tf.softmax` on a chosen device, with nothing of softmax-kit in between.
 * Browser only (called from onMounted / click handlers).
 */
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

export type TfjsDevice = 'cpu' | 'wasm' | 'webgl' | 'webgpu';
export const tfjsDevices: TfjsDevice[] = ['cpu', 'wasm', 'webgl', 'webgpu'];

/** URLs of the wasm binaries as Vite emitted them (the page cannot guess them). */
export const wasmPaths = {
  'tfjs-backend-wasm.wasm': new URL(wasmPlain, globalThis.location?.href ?? 'http://localhost/')
    .href,
  'tfjs-backend-wasm-simd.wasm': new URL(wasmSimd, globalThis.location?.href ?? 'http://localhost/')
    .href,
  'tfjs-backend-wasm-threaded-simd.wasm': new URL(
    wasmThreaded,
    globalThis.location?.href ?? 'http://localhost/',
  ).href,
};

type Tf = typeof import('@tensorflow/tfjs-core');
let tfPromise: Promise<Tf> | null = null;

/** tfjs-core, loaded once. */
export function loadTf(): Promise<Tf> {
  tfPromise ??= import('@tensorflow/tfjs-core');
  return tfPromise;
}

let queue: Promise<unknown> = Promise.resolve();
/** Runs raw tfjs work one task at a time (tfjs has one global engine and one active device). */
export function serially<T>(task: () => Promise<T>): Promise<T> {
  const result = queue.then(task, task);
  queue = result.catch(() => undefined);
  return result;
}

/** Registers the device's backend (once) and makes it the active one; rejects with the reason. */
export async function useDevice(device: TfjsDevice): Promise<Tf> {
  const tf = await loadTf();
  if (tf.findBackendFactory(device) === null) {
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
        wasm.setWasmPaths(wasmPaths);
        break;
      }
    }
  }
  const ok = await tf.setBackend(device);
  if (!ok) throw new Error(`tfjs could not initialise the ${device} backend in this browser`);
  await tf.ready();
  return tf;
}

/** Raw `tf.softmax` of one float32 row on a device: the peer's own answer. */
export function rawSoftmax(device: TfjsDevice, logits: Float32Array): Promise<Float32Array> {
  return serially(async () => {
    const tf = await useDevice(device);
    const input = tf.tensor1d(logits, 'float32');
    const output = tf.softmax(input);
    try {
      return (await output.data()) as Float32Array;
    } finally {
      input.dispose();
      output.dispose();
    }
  });
}
