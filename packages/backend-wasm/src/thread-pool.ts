import { SoftmaxError } from '@softmax-kit/core';
import { KernelInstance } from './kernel-instance.js';
import { META_BYTES } from './layout.js';
import { CALL, WORKER_SOURCE } from './worker-source.js';

/** Reads of a worker's state before a synchronous wait sleeps (~2-4 ns each). */
const WAIT_SPINS = 10_000;

/** How long a worker may take to start. */
const START_LIMIT_MS = 60_000;
/**
 * The longest a calling thread waits for a worker that claimed a part of `entries` entries: a
 * fixed 500 ms plus 100 ns per entry, 50-100x what the kernels take (about 1-2 ns per entry), so
 * only a worker that died in the middle of a call (or hangs) reaches it.
 */
export function waitLimitMs(entries: number): number {
  return 500 + entries * 1e-4;
}
/** A worker's control block: inside its metadata block, after the scratch quad. */
const CONTROL_AT = 64;

/** Control states (see worker-source.ts). */
const IDLE = 0;
const WAITING = 1;
const DONE = 2;
const STOP = 3;
const RUNNING = 4;

interface WorkerHandle {
  readonly state: Int32Array;
  readonly slots: Float64Array;
  /** Why the worker is gone (it exited, crashed or failed), or null while it lives. */
  gone: string | null;
  stop(): Promise<void>;
  /** Ends the worker at once, as a crash would (tests). */
  kill(): Promise<void>;
}

/** The parts of one `all` call still running on workers, for the calling thread to wait on. */
export interface PendingParts {
  readonly workers: readonly number[];
  /** Entries of the largest part: sets the wait's limit. */
  readonly entries: number;
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
        onGone: (reason: string) => void,
      ) => { stop: () => Promise<void>; kill: () => Promise<void> };
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
      spawn(data, onReady, onGone) {
        const worker = new threads.Worker(WORKER_SOURCE, { eval: true, workerData: data });
        worker.once('message', onReady);
        // Watched for its whole life: an error, or an exit we did not ask for, ends its use.
        worker.once('error', (error) => onGone(`it failed (${(error as Error).message})`));
        worker.once('exit', (code) => onGone(`it exited (code ${code})`));
        // Blocked in Atomics.wait between calls: never keep the process alive for that.
        worker.unref();
        const end = async () => {
          await worker.terminate();
        };
        return { stop: end, kill: end };
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
    spawn(data, onReady, onGone) {
      const url = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: 'text/javascript' }));
      const worker = new Worker(url);
      URL.revokeObjectURL(url);
      worker.onmessage = () => onReady();
      worker.onerror = (event) => onGone(`it failed (${event.message})`);
      worker.postMessage(data);
      const end = async () => {
        worker.terminate();
        onGone('it was terminated');
      };
      return { stop: end, kill: end };
    },
  };
}

/**
 * Worker threads computing on one shared memory, each with its own kernel instance and metadata
 * block (block 0 is the calling thread's). Calls go through each worker's control block with
 * `Atomics`, no messages. The calling thread computes its own part, then takes back every part
 * no worker has claimed yet (a worker that is asleep, descheduled or dead never holds a call up)
 * and waits only for parts a worker is running: synchronously with a short limit
 * ({@link waitLimitMs}), or, for the asynchronous API, with `Atomics.waitAsync`, never blocking
 * the event loop. A worker that exits, crashes or misses the limit retires the pool for good
 * ({@link ThreadPool.retired} says why): the backend then computes on one thread.
 */
export class ThreadPool {
  /** Why the pool is no longer used, or null while every worker lives. */
  retired: string | null = null;
  /** True while an asynchronous call waits on the pool: other calls then take one thread. */
  busy = false;
  private readonly goneListeners = new Set<() => void>();

  private constructor(
    readonly main: KernelInstance,
    private readonly workers: readonly WorkerHandle[],
    private readonly canBlock: boolean,
  ) {}

  /** Threads in all, the calling one included. */
  get size(): number {
    return this.workers.length + 1;
  }

  /** True when calls may use the workers now. */
  get usable(): boolean {
    return this.retired === null && !this.busy;
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
    let pool: ThreadPool | null = null;
    try {
      for (let t = 1; t < threads; t++) {
        const meta = t * META_BYTES;
        const control = meta + CONTROL_AT;
        const state = new Int32Array(memory.buffer, control, 4);
        const slots = new Float64Array(memory.buffer, control + 16, 10);
        let started: { stop: () => Promise<void>; kill: () => Promise<void> } | null = null;
        let handle: WorkerHandle | null = null;
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(
            () => reject(new Error(`worker ${t} did not start within ${START_LIMIT_MS} ms`)),
            START_LIMIT_MS,
          );
          started = source.spawn(
            { module, memory, meta, control },
            () => {
              clearTimeout(timer);
              resolve();
            },
            (reason) => {
              clearTimeout(timer);
              reject(new Error(reason));
              if (handle !== null && handle.gone === null) {
                handle.gone = reason;
                pool?.retire(`worker ${t}: ${reason}`);
              }
            },
          );
        });
        const ended = started as unknown as {
          stop: () => Promise<void>;
          kill: () => Promise<void>;
        };
        handle = {
          state,
          slots,
          gone: null,
          stop: async () => {
            Atomics.store(state, 0, STOP);
            Atomics.notify(state, 0);
            await ended.stop();
          },
          kill: ended.kill,
        };
        workers.push(handle);
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
    pool = new ThreadPool(main, workers, canBlock);
    return pool;
  }

  /** Stops using the workers (first reason wins) and wakes every asynchronous wait. */
  retire(reason: string): void {
    this.retired ??= reason;
    for (const listener of this.goneListeners) listener();
  }

  /** Ends worker `index` (1-based) at once, as a crash would: for tests of a dead worker. */
  async killWorker(index: number): Promise<void> {
    await (this.workers[index - 1] as WorkerHandle).kill();
  }

  /**
   * Runs export `call` on every thread's part (`argsOf(t)`, t = 0 the calling thread): a
   * generator that yields the parts still running on workers, for {@link ThreadPool.waitSync} or
   * {@link ThreadPool.waitAsync}, and returns each part's two results.
   *
   * @param entries - entries of the largest part (the wait's limit)
   */
  *all(
    call: Exclude<keyof typeof CALL, 'aheadRows'>,
    argsOf: (thread: number) => number[],
    entries: number,
  ): Generator<PendingParts, Array<[number, number]>, void> {
    const index = CALL[call];
    const fn = this.main.exports[call] as (...args: number[]) => unknown;
    const posted: boolean[] = [false];
    for (let t = 1; t < this.size; t++) posted.push(this.post(t, index, argsOf(t)));
    const results: Array<[number, number]> = [pair(fn(...argsOf(0)))];
    const pending: number[] = [];
    for (let t = 1; t < this.size; t++) {
      const state = (this.workers[t - 1] as WorkerHandle).state;
      // Not posted, or not claimed yet: this thread computes the part itself.
      if (!posted[t] || Atomics.compareExchange(state, 0, WAITING, IDLE) === WAITING) {
        results.push(pair(fn(...argsOf(t))));
      } else {
        results.push([0, 0]);
        pending.push(t);
      }
    }
    if (pending.length > 0) yield { workers: pending, entries };
    for (const t of pending) results[t] = this.collect(t);
    return results;
  }

  /**
   * Starts a job of the sampler's rows (`rows-ahead.ts`) on every worker that is alive and idle;
   * returns how many took it. End it with {@link ThreadPool.endAhead}.
   */
  beginAhead(jobAt: number): number {
    let posted = 0;
    for (let t = 1; t < this.size; t++) if (this.post(t, CALL.aheadRows, [jobAt])) posted++;
    return posted;
  }

  /** Why a worker of the pool is gone or the pool retired, or null. */
  get trouble(): string | null {
    if (this.retired !== null) return this.retired;
    for (const worker of this.workers) if (worker.gone !== null) return worker.gone;
    return null;
  }

  /**
   * Ends a job begun by {@link ThreadPool.beginAhead} (its stop flag already set): takes back each
   * call a worker has not claimed, and waits for the others to return, blocking for at most
   * `limitMs` (spinning where the thread may not block). A worker that misses it, or is gone,
   * retires the pool; this throws nothing, since the rows' results no longer matter then.
   */
  endAhead(limitMs: number): void {
    const deadline = performance.now() + limitMs;
    for (let t = 1; t < this.size; t++) {
      const worker = this.workers[t - 1] as WorkerHandle;
      if (Atomics.compareExchange(worker.state, 0, WAITING, IDLE) === WAITING) continue;
      for (;;) {
        const now = Atomics.load(worker.state, 0);
        if (now === DONE) {
          Atomics.store(worker.state, 0, IDLE);
          break;
        }
        if (now !== RUNNING) break;
        if (worker.gone !== null) {
          this.retire(`worker ${t} is gone (${worker.gone})`);
          break;
        }
        const left = deadline - performance.now();
        if (left <= 0) {
          this.retire(
            `worker ${t} did not finish the sampler's rows within ${Math.round(limitMs)} ms`,
          );
          break;
        }
        if (this.canBlock) Atomics.wait(worker.state, 0, RUNNING, Math.min(left, 20));
      }
    }
  }

  /** Blocks up to `ms` while `array[index]` holds `value` (where the thread may block). */
  pause(array: Int32Array, index: number, value: number, ms: number): void {
    if (this.canBlock) Atomics.wait(array, index, value, ms);
  }

  /** Posts a call to worker `index` when it is alive and idle; false when it is not. */
  private post(index: number, call: number, args: readonly number[]): boolean {
    const worker = this.workers[index - 1] as WorkerHandle;
    if (worker.gone !== null || Atomics.load(worker.state, 0) !== IDLE) return false;
    for (let i = 0; i < args.length; i++) worker.slots[i] = args[i] as number;
    worker.state[1] = call;
    Atomics.store(worker.state, 0, WAITING);
    Atomics.notify(worker.state, 0);
    return true;
  }

  /** The results of worker `index`'s finished call (state DONE), the worker set idle again. */
  private collect(index: number): [number, number] {
    const worker = this.workers[index - 1] as WorkerHandle;
    if (Atomics.load(worker.state, 0) !== DONE) throw this.failure(index, 'stopped');
    const failed = worker.state[2] !== 0;
    const result: [number, number] = [worker.slots[8] as number, worker.slots[9] as number];
    Atomics.store(worker.state, 0, IDLE);
    if (failed) throw new SoftmaxError('BACKEND_ERROR', `wasm: worker ${index}'s kernel failed.`);
    return result;
  }

  private failure(index: number, why: string): SoftmaxError {
    this.retire(`worker ${index} ${why}`);
    return new SoftmaxError(
      'BACKEND_ERROR',
      `wasm: worker ${index} ${why}; this backend computes on one thread from now on.`,
    );
  }

  /**
   * Waits, blocking, for the pending parts: at most {@link waitLimitMs} in all. A worker that
   * misses it retires the pool (`BACKEND_ERROR`). Where the thread may not block (a browser's
   * main thread) it spins.
   */
  waitSync(pending: PendingParts): void {
    const limit = waitLimitMs(pending.entries);
    const deadline = performance.now() + limit;
    for (const t of pending.workers) {
      const worker = this.workers[t - 1] as WorkerHandle;
      // Parts are sized to end together with the calling thread's own: watch the state a
      // little (~20-40 us) before sleeping, since a wake-up from Atomics.wait costs as much.
      for (let spins = 0; spins < WAIT_SPINS && Atomics.load(worker.state, 0) === RUNNING; spins++);
      for (;;) {
        if (Atomics.load(worker.state, 0) !== RUNNING) break;
        if (worker.gone !== null) throw this.failure(t, `is gone (${worker.gone})`);
        const left = deadline - performance.now();
        if (left <= 0) throw this.failure(t, `did not finish within ${Math.round(limit)} ms`);
        if (this.canBlock) Atomics.wait(worker.state, 0, RUNNING, Math.min(left, 20));
      }
    }
  }

  /**
   * Waits for the pending parts without blocking the event loop (`Atomics.waitAsync`, or a
   * timer where the runtime lacks it); ends at once when a worker is gone, and after
   * {@link waitLimitMs} at the latest (`BACKEND_ERROR`, the pool retired).
   */
  async waitAsync(pending: PendingParts): Promise<void> {
    const limit = waitLimitMs(pending.entries);
    const deadline = performance.now() + limit;
    let wake: () => void = () => {};
    const listener = () => wake();
    this.goneListeners.add(listener);
    try {
      for (const t of pending.workers) {
        const worker = this.workers[t - 1] as WorkerHandle;
        for (;;) {
          if (Atomics.load(worker.state, 0) !== RUNNING) break;
          if (worker.gone !== null) throw this.failure(t, `is gone (${worker.gone})`);
          if (this.retired !== null) throw this.failure(t, `stopped (${this.retired})`);
          const left = deadline - performance.now();
          if (left <= 0) throw this.failure(t, `did not finish within ${Math.round(limit)} ms`);
          await new Promise<void>((resolve) => {
            let timer: ReturnType<typeof setTimeout> | undefined;
            const done = () => {
              clearTimeout(timer);
              wake = () => {};
              resolve();
            };
            // A worker gone: wake this wait's Atomics.waitAsync too, so nothing lingers.
            wake = () => {
              Atomics.notify(worker.state, 0);
              done();
            };
            timer = setTimeout(done, waitAsyncOf === null ? Math.min(left, 1) : left);
            const waited = waitAsyncOf?.(worker.state, 0, RUNNING, left);
            if (waited?.async === true) (waited.value as Promise<unknown>).then(done, done);
            else if (waited !== undefined) done();
          });
        }
      }
    } finally {
      this.goneListeners.delete(listener);
    }
  }

  async dispose(): Promise<void> {
    this.retire('the backend was disposed');
    await Promise.all(this.workers.map((w) => w.stop()));
  }
}

/** `Atomics.waitAsync` where the runtime has it (Node 16+, Chromium), else null. */
const waitAsyncOf =
  typeof (Atomics as { waitAsync?: unknown }).waitAsync === 'function'
    ? (
        Atomics as unknown as {
          waitAsync(
            array: Int32Array,
            index: number,
            value: number,
            timeout: number,
          ): { async: boolean; value: unknown };
        }
      ).waitAsync.bind(Atomics)
    : null;

/** A kernel export's result as two numbers. */
function pair(result: unknown): [number, number] {
  return Array.isArray(result)
    ? [result[0] as number, result[1] as number]
    : [Number(result ?? 0), 0];
}
