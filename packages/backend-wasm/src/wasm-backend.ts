import {
  type BackendCapabilities,
  type KernelRequest,
  SoftmaxError,
  type SyncBackend,
} from '@softmax-kit/core';
import { Arena, type WasmArray } from './arena.js';
import {
  KERNEL_WASM_BASE64,
  RELAXED_BODY_BASE64,
  RELAXED_FUNCTION,
} from './generated/kernel-wasm.js';
import { KernelInstance } from './kernel-instance.js';
import { CHUNK_ROWS, DATA_AT, META_BYTES } from './layout.js';
import { type StartAhead, wasmRowPasses } from './row-passes.js';
import { type Placement, runRequest } from './run-request.js';
import { spliceFunction } from './splice-function.js';

/** Options of {@link wasmBackend}. */
export interface WasmBackendOptions {
  /**
   * Threads to split large calls over (from 256k entries: a batch by rows, one long row by
   * columns), the calling one included; default 1. Needs shared memory: Node's
   * `worker_threads`, or Web Workers in a cross-origin-isolated page. Where that is missing the
   * backend computes on one thread and says why in `capabilities.details.threadsNote`. The
   * worker code loads only when threads > 1.
   */
  readonly threads?: number;
  /**
   * Use the relaxed-SIMD kernel where the runtime validates it (Chromium 114+, Node 22+): its
   * exp polynomial is fused multiply-adds, ~10% faster, within the same error bound. Results
   * can then differ in the last bit between CPUs with and without FMA. `false`: the plain
   * SIMD128 kernel everywhere, bit-identical on every machine. Default true;
   * `capabilities.details.simd` says which one runs.
   */
  readonly relaxedSimd?: boolean;
}

/** The WebAssembly backend: a {@link SyncBackend} that can also hand out zero-copy arrays. */
export interface WasmBackend extends SyncBackend {
  /**
   * A float32 array of `length` entries in the backend's own memory: as input or `out` of a
   * call it is used in place, with no copy. Available once `createSoftmax(backend)` resolved.
   * Grows the memory when needed, which detaches older views: re-read `.array` after it.
   *
   * @example
   * ```ts
   * const backend = wasmBackend();
   * const sm = await createSoftmax(backend);
   * const logits = backend.allocate(32_000);
   * logits.array.set(modelOutput);
   * sm.softmaxSync(logits.array, { out: logits.array }); // in place, no copy
   * logits.release();
   * ```
   */
  allocate(length: number): WasmArray;
  /**
   * How many threads large calls use now, and why. `capabilities.details` is measured once, at
   * init; this follows the workers' life: after a worker exited, crashed or hung, calls compute
   * on one thread and `note` says which worker and why.
   *
   * @example
   * ```ts
   * const backend = wasmBackend({ threads: 2 });
   * await createSoftmax(backend);
   * backend.threadState(); // { threads: 2, note: 'calls of 262144 entries or more split over 2 threads ...' }
   * ```
   */
  threadState(): { threads: number; note: string };
}

/** The thread pool of each backend object, for tests that kill a worker (not exported by the package). */
export const poolOfBackend = new WeakMap<WasmBackend, () => ThreadPool | null>();

const intrinsic = (name: string) =>
  Object.getOwnPropertyDescriptor(Object.getPrototypeOf(Int8Array.prototype) as object, name)
    ?.get as (this: unknown) => number;
const byteOffsetOf = intrinsic('byteOffset');
const lengthOf = intrinsic('length');

type ThreadPool = import('./thread-pool.js').ThreadPool;

/** The thread pool and its compute function, once loaded (threads > 1). */
interface Threads {
  readonly pool: ThreadPool;
  readonly compute: typeof import('./threaded-compute.js').computeThreaded;
  readonly from: number;
  /** The sampler's rows on the workers (`RowPasses.ahead`). */
  readonly ahead: StartAhead;
}

/** The options of {@link wasmBackend}, each read once. */
interface ReadOptions {
  readonly threads: number;
  readonly relaxedSimd: boolean;
}

const THREADS = 'an integer from 1 to 64';

const badOption = (name: string, wanted: string, value: unknown, cause: unknown): SoftmaxError =>
  new SoftmaxError(
    'INVALID_INPUT',
    `wasmBackend(options): options.${name} must be ${wanted} (or absent), got ${
      // The thrown value is the error's cause, never turned into text (its toString may throw).
      cause === undefined ? String(value) : 'a getter that threw'
    }.`,
    { cause },
  );

/**
 * `options.threads` and `options.relaxedSimd`, each read once: 1 and true when absent. Anything
 * but an options object (or undefined), a getter that throws, a count that is not an integer
 * from 1 to 64 or a `relaxedSimd` that is not a boolean is `INVALID_INPUT`.
 */
function readOptions(options: unknown): ReadOptions {
  if (options !== undefined && (typeof options !== 'object' || options === null)) {
    // null and primitives are no options object (their properties are never read).
    throw badOption(
      'threads',
      THREADS,
      `${options === null ? 'null' : typeof options} options`,
      undefined,
    );
  }
  const source = options as Record<string, unknown> | undefined;
  /** One option, read once: `fallback` when absent (or null); a getter that throws is reported. */
  const read = (name: string, wanted: string, fallback: unknown): unknown => {
    try {
      return source?.[name] ?? fallback;
    } catch (error) {
      throw badOption(name, wanted, error, error);
    }
  };
  const threads = read('threads', THREADS, 1);
  if (!Number.isInteger(threads) || (threads as number) < 1 || (threads as number) > 64) {
    throw badOption('threads', THREADS, threads, undefined);
  }
  const relaxedSimd = read('relaxedSimd', 'true or false', true);
  if (typeof relaxedSimd !== 'boolean') {
    throw badOption('relaxedSimd', 'true or false', relaxedSimd, undefined);
  }
  return { threads: threads as number, relaxedSimd };
}

const FALLBACK = "use tsBackend() from '@softmax-kit/backend-ts' instead";

function unavailable(reason: string, cause?: unknown): SoftmaxError {
  return new SoftmaxError('BACKEND_UNAVAILABLE', `wasm: ${reason}; ${FALLBACK}.`, { cause });
}

function fromBase64(base64: string): Uint8Array<ArrayBuffer> {
  const text = atob(base64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

/** The relaxed-SIMD variant of the plain module's bytes (one function body spliced in). */
const relaxedOf = (plain: Uint8Array): Uint8Array<ArrayBuffer> =>
  spliceFunction(plain, RELAXED_FUNCTION, fromBase64(RELAXED_BODY_BASE64));

/** The kernel module's bytes: the plain SIMD128 module, or its relaxed-SIMD variant. */
export function kernelBytes(variant: 'plain' | 'relaxed'): Uint8Array<ArrayBuffer> {
  const plain = fromBase64(KERNEL_WASM_BASE64);
  return variant === 'plain' ? plain : relaxedOf(plain);
}

/**
 * Compiles the kernel module, or says why this runtime cannot: the relaxed-SIMD variant when
 * asked for and the runtime validates it, else the plain one.
 */
async function compileKernel(
  relaxedSimd: boolean,
): Promise<{ module: WebAssembly.Module; bytes: Uint8Array<ArrayBuffer>; simd: string }> {
  if (typeof WebAssembly !== 'object' || typeof WebAssembly.validate !== 'function') {
    throw unavailable('this runtime has no WebAssembly');
  }
  const plain = kernelBytes('plain');
  const relaxed = relaxedSimd ? relaxedOf(plain) : null;
  const useRelaxed = relaxed !== null && WebAssembly.validate(relaxed);
  const bytes = useRelaxed ? relaxed : plain;
  // The module uses SIMD128 (and multi-value results); an engine without SIMD rejects it here.
  if (!WebAssembly.validate(bytes)) {
    throw unavailable('this runtime has no WebAssembly SIMD128 (fixed-width SIMD)');
  }
  const simd = useRelaxed
    ? 'relaxed SIMD (the exp polynomial in fused multiply-adds where the CPU has FMA)'
    : relaxedSimd
      ? 'SIMD128 (this runtime has no relaxed SIMD)'
      : 'SIMD128 (relaxedSimd: false)';
  try {
    return { module: await WebAssembly.compile(bytes), bytes, simd };
  } catch (cause) {
    // A page whose Content-Security-Policy lacks 'wasm-unsafe-eval' throws a CompileError
    // (Chromium) or an EvalError here.
    throw unavailable(
      `compiling WebAssembly was refused (${(cause as Error).message}); a Content-Security-Policy needs 'wasm-unsafe-eval' in script-src`,
      cause,
    );
  }
}

/**
 * The WebAssembly SIMD128 backend: float32 rows, computed synchronously on the calling thread,
 * with kernels that scan their own rows (`scansRows`).
 *
 * float32 rows: float64 argument reduction, a float32 polynomial for `2^f`, float64 row sums
 * (relative error of p below 4e-7 for every n; see the README). float64 inputs are computed in
 * float32: core converts them (each row's max subtracted in float64 first).
 *
 * Inputs that are not {@link WasmBackend.allocate} arrays are copied into the module's memory
 * and the results copied back; arrays from `allocate` are used in place.
 *
 * @example
 * ```ts
 * import { createSoftmax } from '@softmax-kit/core';
 * import { wasmBackend } from '@softmax-kit/backend-wasm';
 *
 * const sm = await createSoftmax(wasmBackend());
 * sm.softmaxSync(new Float32Array([2, 1, 0.1])); // Float32Array [0.659001, 0.242433, 0.098566]
 * await sm.dispose();
 * ```
 */
export function wasmBackend(options?: WasmBackendOptions): WasmBackend {
  const { threads, relaxedSimd } = readOptions(options);
  let pool: Threads | null = null;
  let threadsNote = 'computes on the calling thread';
  let staging: KernelInstance | null = null;
  /** Where a copied single-thread call lies in `staging` (made once: no object per call). */
  let stagingPlacement: Placement | null = null;
  let arena: Arena | null = null;

  function place(request: KernelRequest, n: number): Placement | null {
    // No live arrays: nothing can be in the arena (and three getter calls are saved per call).
    if (arena === null || arena.liveCount === 0) return null;
    const { input, output } = request;
    const inputAt = byteOffsetOf.call(input);
    if (!arena.holds(input as Float32Array, inputAt, lengthOf.call(input), n)) return null;
    if (request.operation === 'logSumExp') return { kernel: arena.kernel, inputAt, outputAt: 0 };
    const outputAt = byteOffsetOf.call(output);
    if (!arena.holds(output as Float32Array, outputAt, lengthOf.call(output), n)) return null;
    // In place, or two arrays that do not overlap (a partial overlap goes through a copy).
    if (outputAt !== inputAt && outputAt < inputAt + n * 4 && inputAt < outputAt + n * 4) {
      return null;
    }
    return { kernel: arena.kernel, inputAt, outputAt };
  }

  /** The pool when a request of `n` entries splits over threads now, else null. */
  function threadedFor(n: number): Threads | null {
    return pool !== null && n >= pool.from && pool.pool.usable ? pool : null;
  }

  /**
   * Computes `request`; with `wait` given (the asynchronous API), a split call waits for its
   * workers through it, and the returned promise settles when the results are in place.
   */
  function compute(
    request: KernelRequest,
    wait?: (pool: ThreadPool, parts: import('./thread-pool.js').PendingParts) => Promise<void>,
  ): void | Promise<void> {
    if (staging === null) {
      throw new SoftmaxError('BACKEND_ERROR', 'wasm: the backend is not initialised.');
    }
    // A compute may write anywhere in the staging memory: no row stays held across it.
    staging.heldRow = null;
    const { input, rows, cols } = request;
    if (!(input instanceof Float32Array)) {
      throw new SoftmaxError('BACKEND_ERROR', 'wasm: the kernels take float32 rows only.');
    }
    const n = rows * cols;
    if (n === 0) {
      if (request.scan !== null) {
        request.scan.rowMax.fill(Number.NEGATIVE_INFINITY, 0, rows);
        request.scan.flags.fill(1, 0, rows);
      }
      return;
    }
    const zeroCopy = place(request, n);
    if (zeroCopy !== null) {
      runRequest(request, zeroCopy);
      return;
    }
    const threaded = threadedFor(n);
    const kernel = threaded === null ? staging : threaded.pool.main;
    const dataAt = threaded === null ? DATA_AT : threaded.pool.size * META_BYTES;
    kernel.reserve(dataAt + n * 4);
    const f32 = kernel.f32;
    const at = dataAt >> 2;
    if (n <= 64) {
      for (let i = 0; i < n; i++) f32[at + i] = input[i] as number;
    } else {
      f32.set(lengthOf.call(input) === n ? input : input.subarray(0, n), at);
    }
    if (threaded === null) {
      stagingPlacement ??= { kernel: staging, inputAt: DATA_AT, outputAt: DATA_AT };
      if (runRequest(request, stagingPlacement)) {
        if (request.operation !== 'logSumExp') copyBack(request, f32, at);
      }
      return;
    }
    const steps = threaded.compute(request, threaded.pool, dataAt);
    const finish = (done: boolean) => {
      if (done && request.operation !== 'logSumExp') copyBack(request, kernel.f32, at);
    };
    if (wait === undefined) {
      let step = steps.next();
      while (step.done !== true) {
        threaded.pool.waitSync(step.value);
        step = steps.next();
      }
      finish(step.value);
      return;
    }
    const shared = threaded.pool;
    shared.busy = true;
    return (async () => {
      try {
        let step = steps.next();
        while (step.done !== true) {
          await wait(shared, step.value);
          step = steps.next();
        }
        finish(step.value);
      } finally {
        shared.busy = false;
      }
    })();
  }

  const backend: WasmBackend = {
    specificationVersion: 'v1',
    // One name per configuration, so reports of one thread and of several never overwrite each other.
    name: threads > 1 ? 'wasm-threads' : 'wasm',
    async doInit(): Promise<BackendCapabilities> {
      const { module, bytes, simd } = await compileKernel(relaxedSimd);
      // Two instances of one module: `staging` takes the copies of callers' arrays and grows
      // as calls need; `arena` holds allocate()'s arrays and grows only in allocate().
      const stagingMemory = new WebAssembly.Memory({ initial: 2, maximum: 65536 });
      const arenaMemory = new WebAssembly.Memory({ initial: 2, maximum: 65536 });
      const [first, second] = await Promise.all([
        WebAssembly.instantiate(module, { env: { memory: stagingMemory } }),
        WebAssembly.instantiate(module, { env: { memory: arenaMemory } }),
      ]);
      staging = new KernelInstance(first, stagingMemory);
      stagingPlacement = null;
      arena = new Arena(new KernelInstance(second, arenaMemory));
      if (threads > 1) {
        const loaded = await import('./threads.js');
        const shared = await WebAssembly.compile(loaded.sharedVariant(bytes));
        const created = await loaded.ThreadPool.create(shared, threads);
        if ('unavailable' in created) {
          threadsNote = `threads: ${threads} asked for, computing on one thread: ${created.unavailable}`;
        } else {
          pool = {
            pool: created,
            compute: loaded.computeThreaded,
            from: loaded.THREADS_FROM,
            ahead: (base, x, n, requests) => loaded.rowsAhead(created, base, x, n, requests),
          };
          threadsNote = `calls of ${loaded.THREADS_FROM} entries or more split over ${threads} threads (worker threads on shared memory)`;
        }
      }
      return {
        dtypes: ['float32'],
        computePrecision: { float32: 'float32', float64: 'float32' },
        sync: true,
        device: 'wasm',
        scansRows: true,
        // Every size where a call takes another path; the conformance suite runs both sides.
        splitsAt: [
          {
            count: 'rows',
            at: CHUNK_ROWS + 1,
            what: `rows reach the kernel in chunks of ${CHUNK_ROWS}`,
          },
          ...(pool === null
            ? []
            : [
                {
                  count: 'elements',
                  at: pool.from,
                  what: `split over ${pool.pool.size} threads`,
                } as const,
                {
                  count: 'rows',
                  at: pool.pool.size * CHUNK_ROWS + 1,
                  what: 'a batch too long to split: computed on the calling thread',
                } as const,
              ]),
        ],
        details: { simd128: true, simd, threads: pool?.pool.size ?? 1, threadsNote },
      };
    },
    doComputeSync(request) {
      compute(request);
    },
    async doCompute(request) {
      await compute(request, (shared, parts) => shared.waitAsync(parts));
    },
    // The asynchronous API takes doCompute for calls that split over threads, so that the
    // wait for the workers never blocks the event loop.
    doComputesAsync: (rows, cols) => threadedFor(rows * cols) !== null,
    // No doIdle: nothing can be pending for a caller's memory once a call settles. Workers
    // write only into the pool's own shared memory; the calling thread copies results into the
    // caller's `out` after every part is done. A worker that missed its wait limit may still
    // run, but it retired the pool: later calls compute in `staging`, never in its memory.
    threadState() {
      const retired = pool?.pool.retired ?? null;
      if (pool === null || retired === null)
        return { threads: pool?.pool.size ?? 1, note: threadsNote };
      return {
        threads: 1,
        note: `threads: ${threads} asked for, computing on one thread: ${retired}`,
      };
    },
    async doDispose() {
      await pool?.pool.dispose();
      pool = null;
      arena?.dispose();
      arena = null;
      staging = null;
      stagingPlacement = null;
    },
    doResourceCount: () => arena?.liveCount ?? 0,
    // The sampler's exp sums on the kernel's SIMD exp (row-passes.ts).
    rowPasses: wasmRowPasses(
      () => staging,
      () => pool?.ahead ?? null,
    ),
    allocate(length: number): WasmArray {
      if (arena === null) {
        throw new SoftmaxError(
          'INVALID_INPUT',
          'wasm: allocate() needs an initialised backend: await createSoftmax(backend) first.',
        );
      }
      return arena.allocate(length);
    },
  };
  poolOfBackend.set(backend, () => pool?.pool ?? null);
  return backend;
}

/** Copies the computed rows from the staging memory to `request.output`, skipping rows core writes. */
function copyBack(request: KernelRequest, f32: Float32Array, at: number): void {
  const { output, rows, cols, skip, scan } = request;
  const flags = scan === null ? null : scan.flags;
  const n = rows * cols;
  let anyLeftOut = skip !== null;
  if (!anyLeftOut && flags !== null) {
    for (let r = 0; r < rows; r++) {
      if (flags[r] !== 0) {
        anyLeftOut = true;
        break;
      }
    }
  }
  if (!anyLeftOut) {
    if (n <= 64) {
      for (let i = 0; i < n; i++) output[i] = f32[at + i] as number;
    } else {
      output.set(f32.subarray(at, at + n));
    }
    return;
  }
  for (let r = 0; r < rows; r++) {
    if (skip?.[r] === 1 || (flags !== null && flags[r] !== 0)) continue;
    let end = r + 1;
    while (end < rows && skip?.[end] !== 1 && (flags === null || flags[end] === 0)) end++;
    output.set(f32.subarray(at + r * cols, at + end * cols), r * cols);
    r = end;
  }
}
