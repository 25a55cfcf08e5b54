import { SoftmaxError } from '@softmax-kit/core';
import { PAGE_BYTES } from './layout.js';

/** The exports of `src/kernels/softmax.wat`; every pointer is a byte offset into the memory. */
export interface KernelExports {
  /** Address of this instance's 16-byte scratch quad (inside its metadata block). */
  readonly scratch: WebAssembly.Global;
  scan(input: number, rows: number, cols: number, maxAt: number, flagsAt: number): number;
  softmax(
    input: number,
    output: number,
    rows: number,
    cols: number,
    maxAt: number,
    temperatureAt: number,
    skipAt: number,
  ): void;
  scanSoftmax(
    input: number,
    output: number,
    rows: number,
    cols: number,
    maxAt: number,
    temperatureAt: number,
    flagsAt: number,
    halt: number,
  ): number;
  sumExcludingMax(
    input: number,
    rows: number,
    cols: number,
    maxAt: number,
    temperatureAt: number,
    skipAt: number,
    sumsAt: number,
  ): void;
  logSoftmax(
    input: number,
    output: number,
    rows: number,
    cols: number,
    maxAt: number,
    temperatureAt: number,
    skipAt: number,
    logAt: number,
  ): void;
  /**
   * One row segment of `exp((x - m) * scale)`: with `write` the terms are stored at `output` and
   * the result is [sum of all, 0]; without, [sum of the terms below the max, count of max entries].
   */
  expSum(
    input: number,
    output: number,
    n: number,
    m: number,
    scale: number,
    write: number,
  ): [number, number];
  /**
   * The sampler's split of a row segment (`$expSplit`): [sum of all terms, sum of the head's
   * (x >= hi)]; the indices of the band (lo <= x < hi) from `ids`, numbered from `first`.
   */
  expSplit(
    input: number,
    ids: number,
    n: number,
    m: number,
    scale: number,
    weighted: number,
    lo: number,
    hi: number,
    first: number,
  ): [number, number];
  /**
   * expSplit leaves these beside its two results (sum, head sum): the head's count, the band's
   * count and, when weighted, the head's sum of term * u.
   */
  readonly headCount: WebAssembly.Global;
  readonly bandCount: WebAssembly.Global;
  readonly headWeighted: WebAssembly.Global;
  /** `x *= factor` over `n` float32 entries at `at`. */
  scaleRow(at: number, n: number, factor: number): void;
  /** The sampler's row scans (src/row-passes.ts): entries `>= t` of the row at `input`. */
  countAtLeast(input: number, n: number, t: number): number;
  /** Indices of the entries not below `t` (NaN too), increasing, as int32 at `output`; count. */
  gatherAtLeast(input: number, n: number, t: number, output: number): number;
  /** The float32 entries at the `count` int32 indices at `ids` of the row at `input`, to `output`. */
  pickValues(input: number, ids: number, count: number, output: number): void;
  /** [max, argmax, firstNaN, masked, positive] of the row (core's `RowStats`). */
  rowStats(input: number, n: number): [number, number, number, number, number];
}

/** Largest memory a wasm32 module can have: 65,536 pages of 64 KiB (4 GiB). */
const MAX_PAGES = 65536;

/**
 * One instance of the kernel module with typed-array views on its memory, re-made whenever the
 * memory grew (growing a non-shared memory detaches its old buffer).
 */
export class KernelInstance {
  readonly exports: KernelExports;
  f32!: Float32Array;
  f64!: Float64Array;
  u8!: Uint8Array;
  i32!: Int32Array;
  /**
   * The memory's buffer and size as of the last {@link KernelInstance.refresh}: reading
   * `memory.buffer` costs an engine call, and only {@link KernelInstance.reserve} grows it.
   */
  buffer: ArrayBufferLike | null = null;
  byteLength = 0;
  /**
   * The row whose copy is at DATA_AT while the sampler holds it (the row passes' `holding`);
   * null when none is, or when anything else may have written there since (every compute).
   */
  heldRow: Float32Array | null = null;

  /**
   * @param instance - an instance of the kernel module on `memory`
   * @param meta - the byte offset of this instance's metadata block (and scratch quad)
   */
  constructor(
    instance: WebAssembly.Instance,
    readonly memory: WebAssembly.Memory,
    readonly meta = 0,
  ) {
    this.exports = instance.exports as unknown as KernelExports;
    this.exports.scratch.value = meta;
    this.refresh();
  }

  /** Views on the current buffer; call after anything that may have grown the memory. */
  refresh(): void {
    const buffer = this.memory.buffer;
    if (buffer === this.buffer) return;
    this.buffer = buffer;
    this.byteLength = buffer.byteLength;
    this.f32 = new Float32Array(buffer);
    this.f64 = new Float64Array(buffer);
    this.u8 = new Uint8Array(buffer);
    this.i32 = new Int32Array(buffer);
  }

  /**
   * Grows the memory to at least `bytes` bytes.
   *
   * @throws SoftmaxError `BACKEND_ERROR` when the engine refuses (beyond 4 GiB or out of memory)
   */
  reserve(bytes: number): void {
    const have = this.byteLength;
    if (bytes <= have) return;
    const pages = Math.ceil((bytes - have) / PAGE_BYTES);
    try {
      if (have / PAGE_BYTES + pages > MAX_PAGES) throw new RangeError('beyond 4 GiB');
      this.memory.grow(pages);
    } catch (cause) {
      throw new SoftmaxError(
        'BACKEND_ERROR',
        `wasm: cannot grow WebAssembly memory to ${bytes} bytes (${(cause as Error).message}); WebAssembly memory is limited to 4 GiB: split the call into smaller batches.`,
        { cause },
      );
    }
    this.refresh();
  }
}
