/**
 * The softmax-kit backends the playground and the browser benchmark can use, created lazily
 * and kept for the page's life. Browser only.
 */
import type { Softmax } from '@softmax-kit/core';
import { wasmPaths } from './tfjs-raw.js';

export type BackendId = 'ts' | 'tfjs-cpu' | 'tfjs-wasm' | 'tfjs-webgl' | 'tfjs-webgpu';
export const backendIds: BackendId[] = ['ts', 'tfjs-cpu', 'tfjs-wasm', 'tfjs-webgl', 'tfjs-webgpu'];

const created = new Map<BackendId, Promise<Softmax>>();

async function create(id: BackendId): Promise<Softmax> {
  const { createSoftmax } = await import('@softmax-kit/core');
  if (id === 'ts') {
    const { tsBackend } = await import('@softmax-kit/backend-ts');
    return createSoftmax(tsBackend());
  }
  const [{ tfjsBackend }, tf] = await Promise.all([
    import('@softmax-kit/backend-tfjs'),
    import('@tensorflow/tfjs-core'),
  ]);
  const device = id.slice('tfjs-'.length) as 'cpu' | 'wasm' | 'webgl' | 'webgpu';
  return createSoftmax(tfjsBackend({ device, tf, wasmPaths }));
}

/** The backend's Softmax, created on first use; a failed creation is retried on the next call. */
export function getSoftmax(id: BackendId): Promise<Softmax> {
  let promise = created.get(id);
  if (!promise) {
    promise = create(id);
    created.set(id, promise);
    promise.catch(() => created.delete(id));
  }
  return promise;
}
