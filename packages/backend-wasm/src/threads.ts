/**
 * The worker-thread half of the backend, loaded by `wasmBackend({ threads })` only when more
 * than one thread is asked for (a chunk of its own in `dist`, not in the one-thread bundle).
 *
 * @packageDocumentation
 */

export { rowsAhead } from './rows-ahead.js';
export { ThreadPool } from './thread-pool.js';
export { computeThreaded, THREADS_FROM } from './threaded-compute.js';

/**
 * The kernel module's bytes with its memory import marked `shared`: the same code, for a
 * `WebAssembly.Memory({ shared: true })`. The import's limits flag goes from 0x01 (a maximum) to
 * 0x03 (a maximum, shared).
 */
export function sharedVariant(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  const name = [0x06, 0x6d, 0x65, 0x6d, 0x6f, 0x72, 0x79, 0x02]; // "memory", kind memory
  for (let i = 0; i + name.length < bytes.length; i++) {
    if (name.every((byte, j) => bytes[i + j] === byte) && bytes[i + name.length] === 0x01) {
      const shared = new Uint8Array(bytes);
      shared[i + name.length] = 0x03;
      return shared;
    }
  }
  throw new Error('the kernel module has no memory import with a maximum');
}
