import { type AxisLayout, axisLayout, inputIndex, moveAxis } from './axis-layout.js';
import type {
  Backend,
  BackendCapabilities,
  Dtype,
  FloatArray,
  KernelRequest,
  Operation,
  RowScan,
} from './backend.js';
import { SoftmaxError } from './errors.js';
import { kernelError, runKernelAsync, runKernelSync } from './kernel-call.js';
import { type NarrowedRows, narrowRows, widenRows } from './narrowing.js';
import { type ParsedInput, parseInput } from './parse-input.js';
import { type CallOptions, readCallOptions } from './read-options.js';
import { deliver, type ResultTarget, resolveResult } from './result-target.js';
import { RowKind, scanRows } from './scan-rows.js';
import { writeSpecialRow } from './special-rows.js';
import { temperaturesForRows } from './temperature.js';
import {
  allocate,
  copyOf,
  floatDtypeOf,
  overlaps,
  SeparateViews,
  sameView,
  typedLength,
} from './typed-arrays.js';

/** Per-row arrays a call needs; reused by calls whose kernel runs synchronously. */
class RowScratch {
  rows = -1;
  rowMax = new Float64Array(0);
  temperature = new Float64Array(0);
  kinds = new Uint8Array(0);
  flags = new Uint8Array(0);
  /** The scan part of a request on these arrays that may not halt (frozen: shared by calls). */
  scan: RowScan = Object.freeze({ rowMax: this.rowMax, flags: this.flags, haltOnFlag: false });
  busy = false;
  fit(rows: number): void {
    if (rows === this.rows) return;
    this.rows = rows;
    this.rowMax = new Float64Array(rows);
    this.temperature = new Float64Array(rows);
    this.kinds = new Uint8Array(rows);
    this.flags = new Uint8Array(rows);
    this.scan = Object.freeze({ rowMax: this.rowMax, flags: this.flags, haltOnFlag: false });
  }
}

/** One call after its input and options were read and checked: nothing user-controlled is left. */
interface Call {
  readonly options: CallOptions;
  readonly operation: Operation;
  readonly isLogSumExp: boolean;
  readonly parsed: ParsedInput;
  readonly dtype: Dtype;
  readonly layout: AxisLayout;
  /** Values per result row: `cols`, or 1 for logSumExp. */
  readonly width: number;
  readonly target: ResultTarget;
  /** Rows in row layout (axis last), read by the kernel. */
  readonly rowsIn: FloatArray;
  /** True when the caller's `out` shares bytes with the caller's input (in place or overlapping). */
  readonly sharesInput: boolean;
  /** Row-layout output: the result itself unless the axis was gathered. */
  readonly rowsOut: FloatArray;
  readonly gathered: boolean;
  readonly rowMax: Float64Array;
  readonly temperature: Float64Array;
  readonly kinds: Uint8Array;
  readonly flags: Uint8Array;
  /** True when the kernel runs now, synchronously (else through the asynchronous doCompute). */
  readonly syncNow: boolean;
}

/** Special rows computed before the kernel runs (an in-place kernel overwrites their input). */
interface SpecialValues {
  readonly rows: Int32Array;
  readonly values: Float64Array;
}

/**
 * Runs calls on one backend, in steps that each own one thing: read options, parse input, axis
 * layout, result target, then either the classic path (core scans the rows, writes the special
 * rows, narrows the dtype if the kernel needs it, calls the kernel) or, for a kernel that scans
 * its own rows (`scansRows`), the scanning path, and finally the way back (widen, special rows,
 * scatter, foreign `out`).
 */
export class Session {
  private readonly scratch = new RowScratch();
  /** The fast path's overlap test, remembering the last input and `out` on separate buffers. */
  private readonly separate = new SeparateViews();
  private readonly syncKernel: boolean;
  /** The backend's `doComputesAsync`, read once; null when it has none. */
  private readonly computesAsync: ((rows: number, cols: number) => boolean) | null;
  /** The dtype the kernel computes each input dtype in. */
  private readonly kernelDtypes: Readonly<Record<Dtype, Dtype>>;
  /** Whether the kernel takes float32 (float64) rows as they are; two fields, not a keyed read
   *  of {@link kernelDtypes}, on the fast path (a keyed read with two names is polymorphic). */
  private readonly native32: boolean;
  private readonly native64: boolean;
  /** The backend's `doComputeSync`, read once (null without a synchronous kernel). */
  private readonly computeSync: ((request: KernelRequest) => void) | null;
  /** A scanning kernel with a synchronous entry: {@link fastCall} may take the call. */
  private readonly fastScanning: boolean;

  constructor(
    readonly backend: Backend,
    readonly capabilities: BackendCapabilities,
  ) {
    this.syncKernel = capabilities.sync && typeof backend.doComputeSync === 'function';
    const computesAsync = this.syncKernel ? backend.doComputesAsync : undefined;
    this.computesAsync = typeof computesAsync === 'function' ? computesAsync.bind(backend) : null;
    const dtypes = capabilities.dtypes;
    const pick = (dtype: Dtype): Dtype => (dtypes.includes(dtype) ? dtype : (dtypes[0] as Dtype));
    this.kernelDtypes = { float32: pick('float32'), float64: pick('float64') };
    this.native32 = dtypes.includes('float32');
    this.native64 = dtypes.includes('float64');
    this.computeSync = this.syncKernel
      ? (backend.doComputeSync as (request: KernelRequest) => void)
      : null;
    this.fastScanning = this.syncKernel && capabilities.scansRows === true;
  }

  /**
   * Runs one operation. With a synchronous kernel everything happens now and the result is
   * returned; otherwise a promise. Either way the input and options are read now, once.
   *
   * @param sync - true for the synchronous API; the asynchronous one (false) takes the
   *   backend's doCompute where its `doComputesAsync` asks for it
   */
  execute(
    operation: Operation,
    input: unknown,
    options: unknown,
    sync = true,
  ): FloatArray | Promise<FloatArray> {
    const callOptions = readCallOptions(operation, options);
    const fast = this.fastCall(operation, callOptions, input, sync);
    if (fast !== null) return fast;
    const parsed = parseInput(input, callOptions.shape);
    const layout = axisLayout(parsed.shape, callOptions.axis);
    const isLogSumExp = operation === 'logSumExp';
    if (layout.cols === 0 && !isLogSumExp) {
      throw new SoftmaxError(
        'EMPTY_AXIS',
        `the axis has length 0 (shape [${parsed.shape.join(', ')}]); ${operation} needs at least one entry per row.`,
      );
    }
    const width = isLogSumExp ? 1 : layout.cols;
    const target = resolveResult(callOptions.out, parsed.dtype, layout.rows * width, isLogSumExp);
    if (layout.rows === 0 || layout.cols === 0) {
      // logSumExp over an empty axis is the empty sum's log, -Infinity, for every row.
      if (layout.cols === 0) target.result.fill(Number.NEGATIVE_INFINITY);
      return deliver(target);
    }
    const syncNow =
      this.syncKernel &&
      (sync || this.computesAsync === null || !this.askComputesAsync(layout.rows, layout.cols));
    const scratch = this.scratch;
    const useScratch = syncNow && !scratch.busy;
    if (useScratch) scratch.fit(layout.rows);
    const rows = layout.rows;
    const temperature = useScratch ? scratch.temperature : new Float64Array(rows);
    temperaturesForRows(callOptions.temperature, rows, temperature);
    const gathered = layout.inner !== 1;
    // Does the caller's `out` share bytes with the caller's input (in place, or a partial
    // overlap)? Then a failed call must not write there: see haltOnFlag and spoil().
    const data = parsed.data;
    const out = target.result;
    const sharesInput =
      parsed.callerOwned && (out === data || (target.callerOut && overlaps(out, data)));
    const partialOverlap = sharesInput && out !== data && !sameView(out, data);
    const call: Call = {
      options: callOptions,
      operation,
      isLogSumExp,
      parsed,
      dtype: parsed.dtype,
      layout,
      width,
      target,
      rowsIn: this.rowsIn(parsed, layout, gathered, partialOverlap, syncNow),
      sharesInput,
      rowsOut: gathered && !isLogSumExp ? allocate(parsed.dtype, rows * width) : target.result,
      gathered: gathered && !isLogSumExp,
      rowMax: useScratch ? scratch.rowMax : new Float64Array(rows),
      temperature,
      kinds: useScratch ? scratch.kinds : new Uint8Array(rows),
      flags: useScratch ? scratch.flags : new Uint8Array(rows),
      syncNow,
    };
    if (!useScratch) return this.run(call);
    scratch.busy = true;
    try {
      return this.run(call);
    } finally {
      scratch.busy = false;
    }
  }

  /**
   * The common call, with fewer steps and objects (at 1x10 core's fixed cost is most of the
   * call): a local Float32Array/Float64Array of the kernel's own dtype, rows along the last
   * axis, one temperature that is neither 0 nor Infinity, no `out` or a local one of the right
   * dtype and length that shares no bytes with the input, a scanning kernel that runs now.
   * Returns null for anything else, before anything is written, and {@link execute} takes the
   * general path with the options already read (nothing user-controlled runs twice: the input
   * and `out` are read through the intrinsic typed-array getters only). Every check of the
   * general path still holds here: an invalid input or `out` never passes the conditions, and a
   * row the kernel flags (NaN, +Infinity, all masked) goes through {@link afterScan}.
   */
  private fastCall(
    operation: Operation,
    options: CallOptions,
    input: unknown,
    sync: boolean,
  ): FloatArray | null {
    const t = options.temperature;
    if (!this.fastScanning || typeof t !== 'number' || t === 0 || t === Number.POSITIVE_INFINITY)
      return null;
    if (options.axis !== undefined && options.axis !== -1) return null;
    // The tag first (no user code runs for it: a Proxy is no typed array), then the realm.
    const dtype = floatDtypeOf(input);
    const data = input as FloatArray;
    if (dtype === 'float32') {
      if (!this.native32 || !(data instanceof Float32Array)) return null;
    } else if (dtype !== 'float64' || !this.native64 || !(data instanceof Float64Array)) {
      return null;
    }
    const length = typedLength(data);
    if (length === 0) return null;
    let cols = length;
    const shape = options.shape;
    if (shape !== undefined) {
      const rank = shape.length;
      if (rank === 0) return null;
      let size = 1;
      for (let d = 0; d < rank; d++) size *= shape[d] as number;
      cols = shape[rank - 1] as number;
      if (size !== length || cols === 0) return null;
    }
    const rows = length / cols;
    const scratch = this.scratch;
    if (scratch.busy) return null;
    const isLogSumExp = operation === 'logSumExp';
    const width = isLogSumExp ? 1 : cols;
    const out = options.out;
    if (out !== undefined) {
      if (floatDtypeOf(out) !== dtype) return null;
      const array = out as FloatArray;
      if (!(dtype === 'float32' ? array instanceof Float32Array : array instanceof Float64Array))
        return null;
      if (typedLength(array) !== rows * width || this.separate.overlaps(array, data)) return null;
    }
    // Asked once: the general path is not taken after this point.
    if (!sync && this.computesAsync !== null && this.askComputesAsync(rows, cols)) return null;
    const result = out === undefined ? allocate(dtype, rows * width) : (out as FloatArray);
    scratch.fit(rows);
    scratch.busy = true;
    try {
      const { temperature, rowMax, flags } = scratch;
      for (let r = 0; r < rows; r++) {
        temperature[r] = t;
        flags[r] = 0;
      }
      const request: KernelRequest = {
        operation,
        input: data,
        output: result,
        rows,
        cols,
        temperature,
        rowMax,
        skip: null,
        scan: scratch.scan,
      };
      try {
        runKernelSync(this.backend, this.computeSync as (request: KernelRequest) => void, request);
      } catch (error) {
        if (out !== undefined) result.fill(Number.NaN);
        throw error;
      }
      let flagged = 0;
      for (let r = 0; r < rows; r++) flagged += flags[r] as number;
      if (flagged === 0) return result;
      // Rows the kernel left alone: the general path's own step writes them (or raises).
      const call: Call = {
        options,
        operation,
        isLogSumExp,
        parsed: { data, dtype, shape: shape ?? [length], callerOwned: true },
        dtype,
        layout: { outer: rows, cols, inner: 1, rows },
        width,
        target: { result, callerOut: out !== undefined, foreignOut: null },
        rowsIn: data,
        sharesInput: false,
        rowsOut: result,
        gathered: false,
        rowMax,
        temperature,
        kinds: scratch.kinds,
        flags,
        syncNow: true,
      };
      return this.afterScan(call, null, false) as FloatArray;
    } finally {
      scratch.busy = false;
    }
  }

  /**
   * The rows the kernel reads: the caller's buffer itself when the axis is last, unless the
   * kernel runs later (an asynchronous kernel gets a snapshot, so changing the buffer after the
   * call cannot change the result or slip a NaN past the scan) or `out` partly overlaps it.
   */
  private rowsIn(
    parsed: ParsedInput,
    layout: AxisLayout,
    gathered: boolean,
    partialOverlap: boolean,
    syncNow: boolean,
  ): FloatArray {
    const data = parsed.data;
    if (gathered) {
      const rows = allocate(parsed.dtype, layout.rows * layout.cols);
      moveAxis(layout, data, rows, true);
      return rows;
    }
    if (!parsed.callerOwned) return data;
    const snapshot = !syncNow && this.backend.doHolds?.(data) !== true;
    return snapshot || partialOverlap ? copyOf(data, parsed.dtype) : data;
  }

  /** The backend's answer to `doComputesAsync`; one that throws is a `BACKEND_ERROR`. */
  private askComputesAsync(rows: number, cols: number): boolean {
    try {
      return (this.computesAsync as (rows: number, cols: number) => boolean)(rows, cols) === true;
    } catch (error) {
      throw kernelError(this.backend, error);
    }
  }

  private kernelDtype(dtype: Dtype): Dtype {
    return this.kernelDtypes[dtype];
  }

  private run(call: Call): FloatArray | Promise<FloatArray> {
    if (this.capabilities.scansRows === true && this.kernelDtype(call.dtype) === call.dtype) {
      return this.runScanning(call);
    }
    return this.runClassic(call);
  }

  /** Hands a request to the kernel, then runs `after`; synchronously when the kernel is. */
  private kernel(
    call: Call,
    request: KernelRequest,
    after: () => FloatArray | Promise<FloatArray>,
  ): Promise<FloatArray> {
    return runKernelAsync(this.backend, request).then(after, (error: unknown) => {
      this.spoil(call);
      throw error;
    });
  }

  /** The synchronous kernel, now; `false` tells the caller to take the asynchronous route. */
  private kernelNow(call: Call, request: KernelRequest): boolean {
    if (!call.syncNow) return false;
    try {
      runKernelSync(this.backend, this.computeSync as (request: KernelRequest) => void, request);
    } catch (error) {
      this.spoil(call);
      throw error;
    }
    return true;
  }

  /**
   * After a failure a caller's `out` holds NaN, never a partial result; an `out` that shares
   * bytes with the input is left alone (filling it would change the input).
   */
  private spoil(call: Call): void {
    if (call.target.callerOut && !call.sharesInput) call.target.result.fill(Number.NaN);
  }

  // The classic path: core scans, the kernel computes the regular rows.

  private runClassic(call: Call): FloatArray | Promise<FloatArray> {
    const { layout, rowsIn, rowMax, kinds, temperature } = call;
    const scan = scanRows({
      data: rowsIn,
      cols: layout.cols,
      firstRow: 0,
      endRow: layout.rows,
      temperature: call.isLogSumExp ? null : temperature,
      rowMax,
      kinds,
      nanIsError: call.options.nanIsError,
    });
    if (scan.firstNaN !== null) throw this.nanError(call, scan.firstNaN.row, scan.firstNaN.column);
    const special = scan.specialRows > 0 ? this.specialValues(call, scan.specialRows) : null;
    if (scan.specialRows === layout.rows) return this.finish(call, null, special);
    let skip: Uint8Array | null = null;
    if (special !== null) {
      // A 0/1 mask (1: core writes that row), not the row kinds themselves: backends test `=== 1`.
      skip = new Uint8Array(layout.rows);
      for (let r = 0; r < layout.rows; r++) skip[r] = kinds[r] === RowKind.REGULAR ? 0 : 1;
    }
    const kernelDtype = this.kernelDtype(call.dtype);
    const narrowed =
      kernelDtype === call.dtype
        ? null
        : narrowRows({
            operation: call.operation,
            rows: rowsIn,
            rowCount: layout.rows,
            cols: layout.cols,
            rowMax,
            temperature,
            kinds,
            kernelDtype,
          });
    const request: KernelRequest = {
      operation: call.operation,
      input: narrowed?.input ?? rowsIn,
      output: narrowed?.output ?? call.rowsOut,
      rows: layout.rows,
      cols: layout.cols,
      temperature: narrowed?.temperature ?? temperature,
      rowMax: narrowed?.rowMax ?? rowMax,
      skip,
      scan: null,
    };
    if (this.kernelNow(call, request)) return this.finish(call, narrowed, special);
    return this.kernel(call, request, () => this.finish(call, narrowed, special));
  }

  /** The exact values of the non-regular rows; `ALL_MASKED` when the policy says error. */
  private specialValues(call: Call, count: number): SpecialValues {
    const { layout, kinds, width } = call;
    const rows = new Int32Array(count);
    const values = new Float64Array(count * width);
    const masked = call.options.allMasked;
    for (let r = 0, s = 0; r < layout.rows; r++) {
      const kind = kinds[r] as number;
      if (kind === RowKind.REGULAR) continue;
      if (kind === RowKind.ALL_MASKED && masked === 'error' && !call.isLogSumExp) {
        throw this.maskedError(r);
      }
      rows[s] = r;
      writeSpecialRow({
        operation: call.operation,
        kind,
        source: call.rowsIn,
        sourceOffset: r * layout.cols,
        cols: layout.cols,
        rowMax: call.rowMax[r] as number,
        allMasked: masked,
        target: values,
        targetOffset: s * width,
      });
      s++;
    }
    return { rows, values };
  }

  // The scanning path: the kernel scans, core handles only the rows it flags.

  private runScanning(call: Call): FloatArray | Promise<FloatArray> {
    const { layout, temperature, flags } = call;
    // A loop, not fill(): the builtin's call costs more than a few rows' stores.
    for (let r = 0; r < layout.rows; r++) flags[r] = 0;
    let skip: Uint8Array | null = null;
    if (!call.isLogSumExp) {
      for (let r = 0; r < layout.rows; r++) {
        const t = temperature[r] as number;
        if (t === 0 || t === Number.POSITIVE_INFINITY) {
          skip ??= new Uint8Array(layout.rows);
          skip[r] = 1;
        }
      }
    }
    // The kernel must scan every row before writing only when a failure could then leave a
    // half-written input behind: in place, under a policy that can fail. Elsewhere it scans
    // and computes row by row; a failure found afterwards spoils a caller's `out` (NaN).
    const haltOnFlag =
      call.sharesInput && call.rowsOut === call.target.result && this.canFail(call);
    const request: KernelRequest = {
      operation: call.operation,
      input: call.rowsIn,
      output: call.rowsOut,
      rows: layout.rows,
      cols: layout.cols,
      temperature,
      rowMax: call.rowMax,
      skip,
      scan: { rowMax: call.rowMax, flags, haltOnFlag },
    };
    if (this.kernelNow(call, request)) return this.afterScan(call, skip, haltOnFlag);
    return this.kernel(call, request, () => this.afterScan(call, skip, haltOnFlag));
  }

  private canFail(call: Call): boolean {
    return call.options.nanIsError || (!call.isLogSumExp && call.options.allMasked === 'error');
  }

  private afterScan(
    call: Call,
    skip: Uint8Array | null,
    haltOnFlag: boolean,
  ): FloatArray | Promise<FloatArray> {
    const { flags, layout } = call;
    let flagged = 0;
    for (let r = 0; r < layout.rows; r++) flagged += flags[r] as number;
    // The kernel wrote nothing: the classic path raises the error or computes around the rows.
    if (flagged > 0 && haltOnFlag) return this.runClassic(call);
    if (flagged > 0 || skip !== null) {
      try {
        this.writeFlaggedRows(call, skip);
      } catch (error) {
        this.spoil(call);
        throw error;
      }
    }
    return this.finish(call, null, null);
  }

  /**
   * The rows a scanning kernel left alone: flagged ones (NaN, +Infinity, all masked) and
   * T = 0 / Infinity ones. Classifies them all first, so that the error a policy asks for is
   * the one the classic path would raise (the first NaN, then the first all-masked row).
   */
  private writeFlaggedRows(call: Call, skip: Uint8Array | null): void {
    const { layout, flags, kinds, width } = call;
    const leftAlone = (r: number): boolean => flags[r] === 1 || (skip !== null && skip[r] === 1);
    for (let r = 0; r < layout.rows; r++) {
      if (!leftAlone(r)) continue;
      const scan = scanRows({
        data: call.rowsIn,
        cols: layout.cols,
        firstRow: r,
        endRow: r + 1,
        temperature: call.isLogSumExp ? null : call.temperature,
        rowMax: call.rowMax,
        kinds,
        nanIsError: call.options.nanIsError,
      });
      if (scan.firstNaN !== null) throw this.nanError(call, r, scan.firstNaN.column);
      if (kinds[r] === RowKind.REGULAR) {
        throw new SoftmaxError(
          'BACKEND_ERROR',
          `backend '${this.backend.name}' broke the contract: it flagged row ${r}, which is regular, and did not compute it.`,
        );
      }
    }
    for (let r = 0; r < layout.rows; r++) {
      if (!leftAlone(r)) continue;
      const kind = kinds[r] as number;
      if (kind === RowKind.ALL_MASKED && call.options.allMasked === 'error' && !call.isLogSumExp) {
        throw this.maskedError(r);
      }
    }
    for (let r = 0; r < layout.rows; r++) {
      if (!leftAlone(r)) continue;
      writeSpecialRow({
        operation: call.operation,
        kind: kinds[r] as number,
        source: call.rowsIn,
        sourceOffset: r * layout.cols,
        cols: layout.cols,
        rowMax: call.rowMax[r] as number,
        allMasked: call.options.allMasked,
        target: call.rowsOut,
        targetOffset: r * width,
      });
    }
  }

  private nanError(call: Call, row: number, column: number): SoftmaxError {
    return new SoftmaxError(
      'NAN_INPUT',
      `NaN at row ${row}, column ${column} (index ${inputIndex(call.layout, call.parsed.shape, row, column)}); pass nan: 'propagate' to get NaN for that row.`,
    );
  }

  private maskedError(row: number): SoftmaxError {
    return new SoftmaxError(
      'ALL_MASKED',
      `row ${row} is all -Infinity; pass allMasked: 'zeros' or 'nan' to accept such rows.`,
    );
  }

  // The way back.

  private finish(
    call: Call,
    narrowed: NarrowedRows | null,
    special: SpecialValues | null,
  ): FloatArray {
    const { rowsOut, width, layout } = call;
    if (narrowed !== null) {
      widenRows({
        operation: call.operation,
        narrowed,
        target: rowsOut,
        rowCount: layout.rows,
        width,
        rowMax: call.rowMax,
        kinds: call.kinds,
      });
    }
    if (special !== null) {
      for (let s = 0; s < special.rows.length; s++) {
        const at = (special.rows[s] as number) * width;
        for (let i = 0; i < width; i++) rowsOut[at + i] = special.values[s * width + i] as number;
      }
    }
    if (call.gathered) moveAxis(layout, rowsOut, call.target.result, false);
    return deliver(call.target);
  }
}
