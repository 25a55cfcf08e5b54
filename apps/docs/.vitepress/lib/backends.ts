/**
 * The softmax-kit backends the playground and the browser benchmark can use: the built-in
 * backends (`@softmax-kit/conformance/backends`, one list) that run in a browser and whose
 * package this site bundles, created lazily and kept for the page's life. Browser only.
 */
import { BUILTIN_BACKENDS } from '@softmax-kit/conformance/backends';
import type { Backend, Softmax } from '@softmax-kit/core';
import { wasmPaths } from './tfjs-raw.js';

type Factory = (options?: Record<string, unknown>) => Backend;

/** The backend packages this site can load, and the options the browser adds to their factory. */
const loaders: Record<
  string,
  () => Promise<{ module: Record<string, unknown>; extra: Record<string, unknown> }>
> = {
  '@softmax-kit/backend-ts': async () => ({
    module: await import('@softmax-kit/backend-ts'),
    extra: {},
  }),
  '@softmax-kit/backend-wasm': async () => ({
    module: await import('@softmax-kit/backend-wasm'),
    extra: {},
  }),
  '@softmax-kit/backend-tfjs': async () => {
    const [module, tf] = await Promise.all([
      import('@softmax-kit/backend-tfjs'),
      import('@tensorflow/tfjs-core'),
    ]);
    return { module, extra: { tf, wasmPaths } };
  },
};

export type BackendId = string;
export const backendIds: BackendId[] = BUILTIN_BACKENDS.filter(
  (backend) => backend.runtimes.includes('browser') && backend.package in loaders,
).map((backend) => backend.name);

const created = new Map<BackendId, Promise<Softmax>>();

/** A new backend object (not yet initialised), e.g. for a conformance run of its own. */
export async function newBackend(id: BackendId): Promise<Backend> {
  const builtin = BUILTIN_BACKENDS.find((backend) => backend.name === id);
  const load = builtin ? loaders[builtin.package] : undefined;
  if (!builtin || !load) throw new Error(`backend ${id} is not available on this page`);
  const { module, extra } = await load();
  const factory = module[builtin.factory] as Factory;
  return factory({ ...builtin.options, ...extra });
}

async function create(id: BackendId): Promise<Softmax> {
  const [{ createSoftmax }, backend] = await Promise.all([
    import('@softmax-kit/core'),
    newBackend(id),
  ]);
  return createSoftmax(backend);
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
