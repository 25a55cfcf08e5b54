/**
 * The contract between `@softmax-kit/core` and a backend, version `v1`.
 *
 * A backend computes rows along the last axis for rows that core has already checked; core does
 * everything else SPEC asks for (input parsing, other axes, the T = 0 and T = Infinity limits,
 * rows with +Infinity or NaN, fully masked rows, `out` and in-place, dtype of the result).
 * Methods prefixed `do` are for core; users call `createSoftmax(backend)` instead.
 *
 * @packageDocumentation
 */

/** Element types of input and output buffers. */
export type Dtype = 'float32' | 'float64';

/** The precision a backend computes in; its unit roundoff bounds the backend's accuracy. */
export type Precision = 'float16' | 'float32' | 'float64';

/** The three operations. */
export type Operation = 'softmax' | 'logSoftmax' | 'logSumExp';

/** A float buffer of either dtype. */
export type FloatArray = Float32Array | Float64Array;

/** What a backend can do; measured at {@link Backend.doInit}, never guessed from a name. */
export interface BackendCapabilities {
  /**
   * Input dtypes the kernel accepts as they are. For a dtype not listed, core converts the rows
   * to the first listed dtype (subtracting each row's max in float64 first, so no finite
   * float64 value overflows) and converts the result back: the user always gets the input's dtype.
   */
  readonly dtypes: readonly Dtype[];
  /**
   * The precision the kernel computes in, per input dtype (after any conversion). Conformance
   * bounds are derived from its unit roundoff.
   */
  readonly computePrecision: Readonly<Record<Dtype, Precision>>;
  /** True when {@link Backend.doComputeSync} exists; `createSoftmax` then offers `*Sync` methods. */
  readonly sync: boolean;
  /** Where the kernel runs, e.g. `'js'`, `'cpu'`, `'wasm'`, `'webgl'`, `'webgpu'`, `'tensorflow'`. */
  readonly device: string;
  /** Free-form facts for reports (library versions, renderer, probe results). */
  readonly details?: Readonly<Record<string, string | number | boolean>>;
}

/**
 * One kernel call: `rows` rows of `cols` entries each, contiguous, row-major, along the last axis.
 *
 * Core guarantees for every row `r` not flagged in `skip`:
 * - `cols >= 1`; no entry is NaN or +Infinity; at least one entry is finite;
 * - `rowMax[r]` is the row's maximum (finite);
 * - `temperature[r]` is finite and > 0 (it may be subnormal, e.g. 5e-324); it is 1 for logSumExp.
 *
 * The kernel must, for those rows, write into `output` (same dtype as `input`):
 * - softmax: `exp((x_i - m)/T) / sum_j exp((x_j - m)/T)`, max subtracted before dividing by T;
 * - logSoftmax: `(x_i - m)/T - log(sum_j exp((x_j - m)/T))`;
 * - logSumExp: one value per row, `m + log(sum_j exp(x_j - m))` (output has length `rows`).
 *
 * Rows whose `skip` entry is 1 may be left alone or filled with anything: core writes them.
 * `output` may be the same buffer as `input` (in place): read each row before writing it.
 * The kernel must not keep references to the buffers after it returns (or resolves).
 */
export interface KernelRequest {
  readonly operation: Operation;
  readonly input: FloatArray;
  readonly output: FloatArray;
  readonly rows: number;
  readonly cols: number;
  readonly temperature: Float64Array;
  readonly rowMax: Float64Array;
  /** `null` when every row is regular; else 1 marks a row core computes itself, 0 a kernel row. */
  readonly skip: Uint8Array | null;
}

/**
 * A softmax backend, specification `v1`. Create one with a factory (`tsBackend()`), hand it to
 * `createSoftmax`, which calls `doInit` once and `doDispose` once. No global state, no
 * registration at import time.
 *
 * @example A minimal float64 backend (see the README for a complete one)
 * ```ts
 * const myBackend = (): Backend => ({
 *   specificationVersion: 'v1',
 *   name: 'my-backend',
 *   async doInit() {
 *     return { dtypes: ['float64'], computePrecision: { float32: 'float64', float64: 'float64' },
 *              sync: false, device: 'js' };
 *   },
 *   async doCompute(request) { ... },
 *   async doDispose() {},
 * });
 * ```
 */
export interface Backend {
  /** Lets the interface evolve: core refuses backends of a version it does not know. */
  readonly specificationVersion: 'v1';
  /** A short id for reports and messages, e.g. `'ts'`, `'tfjs-wasm'`. */
  readonly name: string;
  /**
   * Loads what the backend needs and measures its capabilities. Rejects with a
   * `SoftmaxError` of code `BACKEND_UNAVAILABLE` (reason and fix in the message) when it cannot
   * run here; core wraps any other rejection in one.
   */
  doInit(): Promise<BackendCapabilities>;
  /** Computes one {@link KernelRequest}. */
  doCompute(request: KernelRequest): Promise<void>;
  /** Synchronous variant; present exactly when `capabilities.sync` is true. */
  doComputeSync?(request: KernelRequest): void;
  /** Frees everything the backend holds (tensors, GPU buffers, workers). Called once. */
  doDispose(): Promise<void>;
  /**
   * Optional: the number of live resources the backend holds right now (tensors, GPU buffers).
   * The conformance suite checks it is unchanged after 1,000 calls, failing calls included.
   */
  doResourceCount?(): number;
}

/** A backend whose kernel can run synchronously. */
export interface SyncBackend extends Backend {
  doComputeSync(request: KernelRequest): void;
}

/**
 * Unit roundoff of a precision: float64 2^-53, float32 2^-24, float16 2^-11.
 *
 * @example
 * ```ts
 * unitRoundoff('float32'); // 5.960464477539063e-8
 * ```
 */
export function unitRoundoff(precision: Precision): number {
  switch (precision) {
    case 'float64':
      return 2 ** -53;
    case 'float32':
      return 2 ** -24;
    case 'float16':
      return 2 ** -11;
  }
}
