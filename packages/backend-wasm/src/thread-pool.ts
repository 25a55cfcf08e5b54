import { SoftmaxError } from '@softmax-kit/core';
import { KernelInstance } from './kernel-instance.js';
import { META_BYTES } from './layout.js';
import { CALL, WORKER_SOURCE } from './worker-source.js';

/** How long a wait for a worker may take before the call fails (a worker that died or hangs). */
const WAIT_LIMIT_MS = 60_000;
/** A worker's control block: inside its metadata block, after the scratch quad. */
const CONTROL_AT = 64;

interface WorkerHandle {
  readonly state: Int32Array;
  readonly slots: Float64Array;
  stop(): Promise<void>;
}

/** Where worker threads come from here, or why there are none. */
type Spawner =
  | {
      spawn: (
        data: {
          module: WebAssembly.Module;
          memory: WebAssembly.Memory;
          meta: number;
          control: number;
        },
        onReady: () => void,
        onError: (error: unknown) => void,
      ) => () => Promise<void>;
    }
  | { unavailable: string };

async function spawner(): Promise<Spawner> {
  if (typeof SharedArrayBuffer !== 'function' || typeof Atomics !== 'object') {
    return { unavailable: 'SharedArrayBuffer is not available here' };
  }
  const scope = globalThis as { process?: { versions?: { node?: string } } };
  if (scope.process?.versions?.node !== undefined) {
    // A computed specifier, so that browser bundles do not try to resolve it.
    const specifier = 'node:worker_threads';
    const threads = (await import(
      /* @vite-ignore */ specifier
    )) as typeof import('node:worker_threads');
    return {
      spawn(data, onReady, onError) {
        const worker = new threads.Worker(WORKER_SOURCE, { eval: true, workerData: data });
        worker.once('message', onReady);
        worker.once('error', onError);
        // Blocked in Atomics.wait between calls: never keep the process alive for that.
        worker.unref();
        return async () => {
          await worker.terminate();
        };
      },
    };
  }
  const browser = globalThis as { crossOriginIsolated?: boolean; Worker?: unknown };
  if (browser.crossOriginIsolated !== true) {
    return {
      unavailable:
        'the page is not cross-origin isolated (COOP same-origin and COEP require-corp), so it has no shared memory',
    };
  }
  if (typeof browser.Worker !== 'function') return { unavailable: 'no Web Workers here' };
  return {
    spawn(data, onReady, onError) {
      const url = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: 'text/javascript' }));
      const worker = new Worker(url);
      URL.revokeObjectURL(url);
      worker.onmessage = () => onReady();
      worker.onerror = (event) => onError(event);
      worker.postMessage(data);
      return async () => worker.terminate();
    },
  };
}

/**
 * Worker threads computing on one shared memory, each with its own kernel instance and metadata
 * block (block 0 is the calling thread's). Calls go through each worker's control block with
 * `Atomics`; the calling thread blocks (or, where it may not block, spins) until they finish.
 */
export class ThreadPool {
  private constructor(
    readonly main: KernelInstance,
    private readonly workers: readonly WorkerHandle[],
    private readonly canBlock: boolean,
  ) {}

  /** Threads in all, the calling one included. */
  get size(): number {
    return this.workers.length + 1;
  }

  /**
   * Starts `threads - 1` workers on a shared memory, or says why it cannot.
   *
   * @param module - the kernel module compiled for a shared memory
   */
  static async create(
    module: WebAssembly.Module,
    threads: number,
  ): Promise<ThreadPool | { unavailable: string }> {
    const source = await spawner();
    if ('unavailable' in source) return source;
    const memory = new WebAssembly.Memory({
      initial: (threads * META_BYTES) / 65536,
      maximum: 65536,
      shared: true,
    });
    const main = new KernelInstance(
      await WebAssembly.instantiate(module, { env: { memory } }),
      memory,
      0,
    );
    const workers: WorkerHandle[] = [];
    try {
      for (let t = 1; t < threads; t++) {
        const meta = t * META_BYTES;
        const control = meta + CONTROL_AT;
        let stop: () => Promise<void> = async () => {};
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(
            () => reject(new Error(`worker ${t} did not start within ${WAIT_LIMIT_MS} ms`)),
            WAIT_LIMIT_MS,
          );
          stop = source.spawn(
            { module, memory, meta, control },
            () => {
              clearTimeout(timer);
              resolve();
            },
            (error) => {
              clearTimeout(timer);
              reject(error);
            },
          );
        });
        const state = new Int32Array(memory.buffer, control, 4);
        const slots = new Float64Array(memory.buffer, control + 16, 10);
        workers.push({
          state,
          slots,
          stop: async () => {
            Atomics.store(state, 0, 3);
            Atomics.notify(state, 0);
            await stop();
          },
        });
      }
    } catch (error) {
      await Promise.all(workers.map((w) => w.stop()));
      return { unavailable: `a worker failed to start (${(error as Error).message})` };
    }
    let canBlock = true;
    try {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    } catch {
      canBlock = false; // a browser's main thread
    }
    return new ThreadPool(main, workers, canBlock);
  }

  /** Starts export `call` with `args` on worker `index` (1-based: 0 is the calling thread). */
  start(index: number, call: number, args: readonly number[]): void {
    const worker = this.workers[index - 1] as WorkerHandle;
    for (let i = 0; i < args.length; i++) worker.slots[i] = args[i] as number;
    worker.state[1] = call;
    Atomics.store(worker.state, 0, 1);
    Atomics.notify(worker.state, 0);
  }

  /** Waits for worker `index`'s call; returns its two result slots. */
  finish(index: number): [number, number] {
    const worker = this.workers[index - 1] as WorkerHandle;
    const deadline = performance.now() + WAIT_LIMIT_MS;
    while (Atomics.load(worker.state, 0) === 1) {
      if (this.canBlock) Atomics.wait(worker.state, 0, 1, 50);
      if (performance.now() > deadline) {
        throw new SoftmaxError(
          'BACKEND_ERROR',
          `wasm: worker ${index} did not finish within ${WAIT_LIMIT_MS} ms.`,
        );
      }
    }
    const failed = worker.state[2] !== 0;
    Atomics.store(worker.state, 0, 0);
    if (failed) throw new SoftmaxError('BACKEND_ERROR', `wasm: worker ${index}'s kernel failed.`);
    return [worker.slots[8] as number, worker.slots[9] as number];
  }

  /** Runs `call` on every thread: worker t with `argsOf(t)`, the calling thread with `argsOf(0)`. */
  all(call: keyof typeof CALL, argsOf: (thread: number) => number[]): Array<[number, number]> {
    const index = CALL[call];
    for (let t = 1; t < this.size; t++) this.start(t, index, argsOf(t));
    const own = (this.main.exports[call] as (...args: number[]) => unknown)(...argsOf(0));
    const results: Array<[number, number]> = [
      Array.isArray(own) ? [own[0] as number, own[1] as number] : [Number(own ?? 0), 0],
    ];
    let failure: unknown;
    for (let t = 1; t < this.size; t++) {
      try {
        results.push(this.finish(t));
      } catch (error) {
        failure ??= error;
        results.push([0, 0]);
      }
    }
    if (failure !== undefined) throw failure;
    return results;
  }

  async dispose(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.stop()));
  }
}
