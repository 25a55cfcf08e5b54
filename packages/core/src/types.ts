import type { Backend, BackendCapabilities, FloatArray, SyncBackend } from './backend.js';

/** Nested arrays of numbers of any depth, rectangular (`number[][]`, `number[][][]`, ...). */
export type NestedNumbers = readonly number[] | readonly NestedNumbers[];

/** Logits: a flat array (with an optional `shape`), a typed array, or nested arrays (`number[][]`). */
export type SoftmaxInput = NestedNumbers | Float32Array | Float64Array;

/** The result type for an input type: `Float32Array` in gives `Float32Array` out, else `Float64Array`. */
export type OutputFor<I> = I extends Float32Array ? Float32Array : Float64Array;

/** Options shared by all three operations. */
export interface CommonOptions {
  /**
   * Shape of a flat input; its product must equal the length. Default: `[length]`, or the
   * nesting of a nested input.
   */
  shape?: readonly number[];
  /** The axis to reduce over, in `[-rank, rank - 1]`. Default `-1` (the last axis). */
  axis?: number;
  /**
   * A buffer to fill and return: the result's dtype and length (input length; for logSumExp the
   * number of rows). It may be the input itself (in place).
   */
  out?: FloatArray;
  /** NaN anywhere in a row: `'error'` (default, code `NAN_INPUT`) or `'propagate'` (the row's result is NaN). */
  nan?: 'error' | 'propagate';
}

/** Options of softmax and logSoftmax. */
export interface SoftmaxOptions extends CommonOptions {
  /**
   * Temperature `T >= 0`, or one per row (length = number of rows, rows ordered as the input's
   * other axes, row-major). `0` and `Infinity` give the exact limits. Default 1.
   */
  temperature?: number | readonly number[] | Float64Array | Float32Array;
  /**
   * A row whose entries are all `-Infinity`: `'error'` (default, code `ALL_MASKED`), `'zeros'`
   * (softmax 0, logSoftmax -Infinity) or `'nan'` (NaN, as the peers do).
   */
  allMasked?: 'error' | 'zeros' | 'nan';
}

/** Options of logSumExp (it takes no temperature; an all-masked row gives -Infinity). */
export type LogSumExpOptions = CommonOptions;

/** What `createSoftmax` resolves to for any backend. */
export interface Softmax {
  /** The backend's name and measured capabilities. */
  readonly backend: { readonly name: string; readonly capabilities: BackendCapabilities };
  softmax<I extends SoftmaxInput>(input: I, options?: SoftmaxOptions): Promise<OutputFor<I>>;
  logSoftmax<I extends SoftmaxInput>(input: I, options?: SoftmaxOptions): Promise<OutputFor<I>>;
  logSumExp<I extends SoftmaxInput>(input: I, options?: LogSumExpOptions): Promise<OutputFor<I>>;
  /** Frees the backend; later calls reject with code `DISPOSED`. Calling it twice is harmless. */
  dispose(): Promise<void>;
}

/** `Softmax` plus synchronous methods, for backends with a synchronous kernel. */
export interface SyncSoftmax extends Softmax {
  softmaxSync<I extends SoftmaxInput>(input: I, options?: SoftmaxOptions): OutputFor<I>;
  logSoftmaxSync<I extends SoftmaxInput>(input: I, options?: SoftmaxOptions): OutputFor<I>;
  logSumExpSync<I extends SoftmaxInput>(input: I, options?: LogSumExpOptions): OutputFor<I>;
}

/** `SyncSoftmax` for a backend typed as synchronous, `Softmax` otherwise. */
export type SoftmaxFor<B extends Backend> = B extends SyncBackend ? SyncSoftmax : Softmax;
