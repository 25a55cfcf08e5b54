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
  /**
   * Optional (v1, since core 0.2): true when the kernel scans its rows itself, so core skips its
   * own JavaScript pass over the input. Core then hands the kernel a {@link RowScan} in
   * {@link KernelRequest.scan}; see there for what the kernel must write. Omitted or false: core
   * scans every row before the call, as before.
   */
  readonly scansRows?: boolean;
  /**
   * Optional (v1, since core 0.3): every size at which the kernel changes how it computes a call:
   * where it starts splitting a call over threads, cuts a batch into chunks, or takes another
   * code path. The conformance suite reads this list (never the backend's name) and runs calls on
   * both sides of each threshold, so a path that only large calls take is checked too. Omitted
   * or empty: the kernel computes every call the same way (the suite still runs its sizes of
   * real use). Each entry must be honest: a threshold left out is a path the suite may never run.
   *
   * @example `wasmBackend({ threads: 2 })`: calls of 262,144 entries or more split over threads
   * ```ts
   * splitsAt: [{ count: 'elements', at: 262_144, what: 'split over 2 threads' }]
   * ```
   */
  readonly splitsAt?: readonly SplitThreshold[];
}

/**
 * One size at which a kernel changes how it computes a call (see
 * {@link BackendCapabilities.splitsAt}): calls whose `count` is `at` or more take one path, calls
 * below it another.
 */
export interface SplitThreshold {
  /**
   * What is counted: `'elements'`, the entries of the call (rows x cols); `'rows'`, the rows of
   * the call; `'cols'`, the length of each row.
   */
  readonly count: 'elements' | 'rows' | 'cols';
  /** The smallest count that takes the other path: a positive safe integer. */
  readonly at: number;
  /** What changes there, in a few words, for reports (e.g. `'split over 2 threads'`). */
  readonly what?: string;
}

/**
 * What {@link RowPasses.stats} finds in one row: its max (NaN ignored), the lowest index of the
 * max (-1 when no entry exceeds -Infinity), the first NaN's index (-1 for none), and the counts
 * of `-Infinity` and `+Infinity` entries.
 */
export interface RowStats {
  max: number;
  argmax: number;
  firstNaN: number;
  masked: number;
  positive: number;
}

/** Block length of {@link RowPasses.expSum}'s block sums. */
export const ROW_BLOCK = 4096;

/**
 * Optional (v1, since core 0.3): the sampler's row passes, run by the backend at its own speed
 * (SPEC "Sampling (v1.1)", last paragraphs). Each function reads one row `x` (any length, either
 * dtype) and returns what the plain JavaScript pass would: `stats` exactly; `expSum` the sum of
 * `exp((x_i - max) / temperature)` over the row (float64 accumulation, each term as accurate as
 * the backend's compute precision; entries at `-Infinity` add 0, a NaN gives NaN), and, when
 * `blocks` is given (length `ceil(n / ROW_BLOCK)`), each block's sum (entries
 * `[b * ROW_BLOCK, (b + 1) * ROW_BLOCK)`) in `blocks[b]`, the total being their sum in order; `countAtLeast` the entries `>= threshold`
 * (NaN never); `gatherAtLeast` writes the indices of the entries that are not below `threshold`
 * (`>= threshold`, and NaN, so that the gather is also a NaN check) in increasing order into
 * `into` (room for the whole row) and returns their count. Backends without it (tfjs) get core's
 * JavaScript passes; the sampler gives the same tokens on either path.
 */
export interface RowPasses {
  stats(x: FloatArray, into: RowStats): RowStats;
  expSum(x: FloatArray, max: number, temperature: number, blocks?: Float64Array): number;
  /**
   * `out[k] = exp((values[k] - max) / temperature)` for `k < count`, where each `values[k]` is
   * an entry of the row `x` (gathered by {@link RowPasses.gatherAtLeast}; `x` gives their
   * precision): the weights of gathered tokens, as accurate as `expSum`'s terms; returns their
   * float64 sum (in any order).
   */
  weigh(
    x: FloatArray,
    values: Float64Array,
    count: number,
    max: number,
    temperature: number,
    out: Float64Array,
  ): number;
  countAtLeast(x: FloatArray, threshold: number): number;
  /**
   * The gather (see above); with `values` (room for the row), also `values[k] = x[into[k]]`
   * for every gathered `k`.
   */
  gatherAtLeast(x: FloatArray, threshold: number, into: Int32Array, values?: Float64Array): number;
  /**
   * Optional (since core 0.5; core's JavaScript pass where absent): `expSum` and a split of the
   * row at `hi > lo > -Infinity` ({@link RowSplitRequest}), in one pass, `max` finite.
   * `into.total` is `expSum(x, max, temperature, blocks)` (with `blocks`); `into.head` the
   * float64 sum of the terms of the entries `>= hi`, `into.headCount` their count and
   * `headBlocks[b]` each block's part of `head`; `into.headWeighted`, when `weighted`, the
   * float64 sum over those entries of `term * (x_i - max) / temperature` (else 0); the indices of
   * the entries in `[lo, hi)` go in increasing order into `band` (room for the row), `into.band`
   * their count. A NaN entry is in neither part (and makes `total` NaN). Each term is the one
   * `expSum` adds for the entry.
   */
  split?(x: FloatArray, request: RowSplitRequest, into: RowSplit): RowSplit;
  /**
   * Optional (since core 0.5): runs `run`, during which the caller promises not to change `x`,
   * so passes over `x` may share one copy of it (backends that copy rows to their own memory).
   */
  holding?<T>(x: FloatArray, run: () => T): T;
  /**
   * Optional (since core 0.6; absent, nothing is run ahead): starts, beside the calling thread
   * (a backend's worker threads), the passes a caller is about to ask for on each row of the
   * batch `x` (`rows = x.length / n` rows of `n`): `stats`, and for each row whose
   * `requests[r]` is not null a `split` at its `lo`, `hi`, `temperature` and `weighted`, with the
   * `max` of that stats pass. Returns null when it runs nothing ahead (no idle thread, a row
   * type it cannot copy): the caller then uses these passes as usual. Otherwise the caller
   * takes row `r`'s passes from {@link RowsAhead.row} and ends the batch with
   * {@link RowsAhead.end}; the rows of `x` must not change until then.
   */
  ahead?(x: FloatArray, n: number, requests: readonly (RowAheadRequest | null)[]): RowsAhead | null;
}

/** A row's split to run ahead ({@link RowPasses.ahead}): its max is the row's own. */
export interface RowAheadRequest {
  readonly temperature: number;
  readonly lo: number;
  readonly hi: number;
  readonly weighted: boolean;
}

/** Passes started ahead for a batch's rows ({@link RowPasses.ahead}). */
export interface RowsAhead {
  /**
   * Row `r`'s passes: `stats` of that row, and its `split` asked exactly as requested (with
   * the max of its stats), give the results computed ahead, waiting for them if they are still
   * running (with a limit); every other call is the backend's usual pass. The results equal
   * the usual passes' to the bit.
   */
  row(r: number): Required<RowPasses>;
  /** Ends the batch: stops the work still ahead and waits (with a limit) for the threads. */
  end(): void;
}

/** What {@link RowPasses.split} is asked: the row's weights and where to split it, and room. */
export interface RowSplitRequest {
  readonly max: number;
  readonly temperature: number;
  readonly lo: number;
  readonly hi: number;
  readonly weighted: boolean;
  /** Room for the row's indices: the band's go here. */
  readonly band: Int32Array;
  /** Room for each block's sum (`ceil(n / ROW_BLOCK)`). */
  readonly blocks: Float64Array;
  /** Room for each block's head sum (as many). */
  readonly headBlocks: Float64Array;
  /**
   * Optional (since core 0.6): room for the row; when given, a pass may also write the band's
   * logits, `values[k] = x[band[k]]`, and then sets {@link RowSplit.valued}.
   */
  readonly values?: Float64Array;
}

/** What {@link RowPasses.split} finds in one row. */
export interface RowSplit {
  total: number;
  head: number;
  headCount: number;
  headWeighted: number;
  band: number;
  /** True when the pass wrote the band's logits into the request's `values`. */
  valued?: boolean;
}

/**
 * What a scanning kernel (capabilities `scansRows: true`) writes for core, in its own first
 * pass over the rows, before it writes any output.
 *
 * For every row `r` (rows marked in `skip` included):
 * - `rowMax[r]` = the row's maximum, NaN ignored (`+Infinity` if the row has one, `-Infinity`
 *   when every entry is `-Infinity` or NaN);
 * - `flags[r]` = 1 when the row is not regular: it has a NaN, or a `+Infinity`, or every entry
 *   is `-Infinity`; else 0. A NaN anywhere in the row (the last lane of an unrolled or SIMD loop
 *   and the scalar tail included) must set the flag.
 *
 * Then the kernel computes only the rows with `flags[r] === 0` and no skip mark, and leaves
 * flagged rows' output untouched: core writes them (SPEC's limits and policies).
 *
 * `haltOnFlag`: when true and any row is flagged, the kernel writes no output at all and
 * returns; core then takes the call over (it may raise an error, and a failed call must leave an
 * in-place input unchanged). So under `haltOnFlag` a kernel scans every row of the request
 * before it writes the first output value. Core sets it only for in-place calls whose policies
 * can fail on a flagged row (`nan: 'error'`, `allMasked: 'error'`); otherwise the kernel may
 * scan and compute row by row (the row is still in cache for its exp pass).
 */
export interface RowScan {
  /** Filled by the kernel: each row's max. The same array as {@link KernelRequest.rowMax}. */
  readonly rowMax: Float64Array;
  /** Filled by the kernel: 1 for a row that is not regular, else 0 (core zeroes it first). */
  readonly flags: Uint8Array;
  /** True: if any row is flagged, write no output (see above). */
  readonly haltOnFlag: boolean;
}

/**
 * One kernel call: `rows` rows of `cols` entries each, contiguous, row-major, along the last axis.
 *
 * When {@link KernelRequest.scan} is `null`, core guarantees for every row `r` not flagged in `skip`:
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
  /**
   * `null` (always, for a backend without `scansRows`): core scanned the rows, `rowMax` is
   * filled and the guarantees above hold. Non-null: core did not scan; `rowMax` is to be filled
   * by the kernel, rows may hold NaN or infinities, and the kernel follows {@link RowScan}.
   */
  readonly scan: RowScan | null;
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
  /**
   * Optional: true when `array` lives in the backend's own memory (a zero-copy array it handed
   * out). Core then passes it to {@link Backend.doCompute} as it is, without the snapshot it
   * otherwise takes for an asynchronous kernel; the caller keeps such an array unchanged until
   * the call settles (SPEC), and the backend documents that.
   */
  doHolds?(array: FloatArray): boolean;
  /**
   * Optional, for a backend with a synchronous kernel: true when computing a request of this
   * shape synchronously would wait for other threads. Core's asynchronous API then calls
   * {@link Backend.doCompute} for it (with a snapshot of the caller's input, as for an
   * asynchronous kernel), so the event loop runs while the backend waits; without it the
   * asynchronous API runs the synchronous kernel. Read once, at `createSoftmax`.
   */
  doComputesAsync?(rows: number, cols: number): boolean;
  /** Frees everything the backend holds (tensors, GPU buffers, workers). Called once. */
  doDispose(): Promise<void>;
  /**
   * Optional: the number of live resources the backend holds right now (tensors, GPU buffers).
   * The conformance suite checks it is unchanged after 1,000 calls, failing calls included.
   */
  doResourceCount?(): number;
  /**
   * Optional (v1, since core 0.3): resolves once no work the backend started is still pending
   * (messages to or from its workers, its timers, a device queue), so nothing it does can still
   * touch a caller's buffer. A backend whose calls finish everything before they settle may
   * leave it out. The conformance suite's late-write check awaits it (within the case time
   * limit) before its fixed wait, then compares the caller's buffers again.
   */
  doIdle?(): Promise<void>;
  /**
   * Optional: the sampler's row passes in the backend's own code ({@link RowPasses}). Read once
   * by `createSoftmax`; omitted, the sampler runs core's JavaScript passes.
   */
  readonly rowPasses?: RowPasses;
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
