import type {
  Backend,
  BackendCapabilities,
  Dtype,
  FloatArray,
  KernelRequest,
  Operation,
} from './backend.js';
import { SoftmaxError } from './errors.js';
import { parseInput } from './parse-input.js';
import { RowKind, scanRows } from './scan-rows.js';
import { type MaskedPolicy, writeSpecialRow } from './special-rows.js';
import { fillTemperatures } from './temperature.js';
import type { SoftmaxFor, SoftmaxOptions } from './types.js';

type MutableRequest = { -readonly [K in keyof KernelRequest]: KernelRequest[K] };

const NO_OPTIONS: SoftmaxOptions = {};
const EMPTY = new Float64Array(0);
const NAN_POLICIES = ['error', 'propagate'] as const;
const MASKED_POLICIES = ['error', 'zeros', 'nan'] as const;

function allocate(dtype: Dtype, length: number): FloatArray {
  return dtype === 'float32' ? new Float32Array(length) : new Float64Array(length);
}

function dtypeOf(array: FloatArray): Dtype {
  return array instanceof Float32Array ? 'float32' : 'float64';
}

function overlaps(a: FloatArray, b: FloatArray): boolean {
  if (a.buffer !== b.buffer) return false;
  return a.byteOffset < b.byteOffset + b.byteLength && b.byteOffset < a.byteOffset + a.byteLength;
}

function sameView(a: FloatArray, b: FloatArray): boolean {
  return (
    a === b ||
    (a.buffer === b.buffer &&
      a.byteOffset === b.byteOffset &&
      a.length === b.length &&
      dtypeOf(a) === dtypeOf(b))
  );
}

/** "[2, 5]" style index of a flat position in a shape. */
function indexOf(flat: number, shape: readonly number[]): string {
  const index: number[] = [];
  let rest = flat;
  for (let d = shape.length - 1; d >= 0; d--) {
    const size = shape[d] as number;
    index.unshift(rest % size);
    rest = Math.floor(rest / size);
  }
  return `[${index.join(', ')}]`;
}

function checkPolicy(value: unknown, option: string, accepted: readonly string[]): void {
  if (value !== undefined && !accepted.includes(value as string)) {
    throw new SoftmaxError(
      'INVALID_INPUT',
      `option ${option} is ${JSON.stringify(value) ?? String(value)}; accepted: ${accepted.map((a) => `'${a}'`).join(', ')} (default '${accepted[0]}').`,
    );
  }
}

/** Scratch buffers reused by synchronous calls (no allocation per call on a steady shape). */
class Scratch {
  rows = -1;
  /** The scalar temperature `temperature` is filled with (NaN: per-row values), to skip refills. */
  filledWith = Number.NaN;
  /** The last (out, input) pair checked for partial overlap and the verdict: typed array views never move. */
  lastOut: FloatArray | null = null;
  lastInput: FloatArray | null = null;
  lastPartialOverlap = false;
  rowMax = new Float64Array(0);
  temperature = new Float64Array(0);
  ones = new Float64Array(0);
  kinds = new Uint8Array(0);
  resize(rows: number): void {
    if (rows === this.rows) return;
    this.rows = rows;
    this.filledWith = Number.NaN;
    this.rowMax = new Float64Array(rows);
    this.temperature = new Float64Array(rows);
    this.ones = new Float64Array(rows).fill(1);
    this.kinds = new Uint8Array(rows);
  }
}

/** Everything a call needs after validation; finished after the kernel ran. */
interface Plan {
  operation: Operation;
  result: FloatArray;
  /** Row-layout output the kernel (or the copy-back) fills; `result` itself unless gathered. */
  rowsOut: FloatArray;
  rows: number;
  cols: number;
  width: number;
  gathered: boolean;
  outer: number;
  inner: number;
  /** Kernel output in the backend's dtype when it differs from the result's, with the row shifts to add back (logSumExp). */
  converted: { output: FloatArray; shift: Float64Array; kinds: Uint8Array } | null;
  specialRows: Int32Array | null;
  specialValues: Float64Array | null;
  request: MutableRequest | null;
}

class Session {
  private disposed = false;
  private readonly scratch = new Scratch();
  private readonly reusableRequest: MutableRequest = {
    operation: 'softmax',
    input: new Float64Array(0),
    output: new Float64Array(0),
    rows: 0,
    cols: 0,
    temperature: new Float64Array(0),
    rowMax: new Float64Array(0),
    skip: null,
    scan: null,
  };

  constructor(
    readonly backend: Backend,
    readonly capabilities: BackendCapabilities,
  ) {}

  /** Runs one operation; synchronous when the backend has a sync kernel, else a promise. */
  execute(
    operation: Operation,
    input: unknown,
    options: unknown,
  ): FloatArray | Promise<FloatArray> {
    if (this.disposed) {
      throw new SoftmaxError(
        'DISPOSED',
        `this instance (backend '${this.backend.name}') was disposed; call createSoftmax() again.`,
      );
    }
    const sync = this.backend.doComputeSync !== undefined;
    const plan = this.plan(operation, input, options ?? NO_OPTIONS, sync);
    const request = plan.request;
    if (request === null) return this.finish(plan);
    if (sync) {
      this.runSync(request);
      return this.finish(plan);
    }
    return this.backend.doCompute(request).then(
      () => this.finish(plan),
      (error: unknown) => {
        throw this.wrapKernelError(error);
      },
    );
  }

  runSync(request: KernelRequest): void {
    try {
      (this.backend.doComputeSync as (request: KernelRequest) => void)(request);
    } catch (error) {
      throw this.wrapKernelError(error);
    }
  }

  private wrapKernelError(error: unknown): SoftmaxError {
    if (SoftmaxError.isInstance(error)) return error;
    const message = error instanceof Error ? error.message : String(error);
    return new SoftmaxError(
      'BACKEND_ERROR',
      `backend '${this.backend.name}' failed while computing: ${message}`,
      { cause: error },
    );
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.backend.doDispose();
  }

  private plan(operation: Operation, input: unknown, options: unknown, reuse: boolean): Plan {
    if (typeof options !== 'object' || options === null) {
      throw new SoftmaxError(
        'INVALID_INPUT',
        `options is ${options === null ? 'null' : `a ${typeof options}`}; expected an object or undefined.`,
      );
    }
    const opts = options as SoftmaxOptions;
    const isLse = operation === 'logSumExp';
    checkPolicy(opts.nan, 'nan', NAN_POLICIES);
    if (!isLse) checkPolicy(opts.allMasked, 'allMasked', MASKED_POLICIES);
    if (isLse && opts.temperature !== undefined) {
      throw new SoftmaxError(
        'INVALID_TEMPERATURE',
        'logSumExp takes no temperature option; divide the logits by T first for logSumExp(x / T).',
      );
    }
    const parsed = parseInput(input, opts.shape, opts.axis);
    const { outer, inner, dtype } = parsed;
    const cols = parsed.axisLength;
    const rows = outer * inner;
    const width = isLse ? 1 : cols;
    const resultLength = rows * width;

    if (cols === 0 && !isLse) {
      throw new SoftmaxError(
        'EMPTY_AXIS',
        `the axis has length 0 (shape [${parsed.shape.join(', ')}]); ${operation} needs at least one entry per row.`,
      );
    }

    const scratch = this.scratch;
    let rowMax: Float64Array;
    let temperature: Float64Array;
    let kinds: Uint8Array;
    if (reuse) {
      scratch.resize(rows);
      rowMax = scratch.rowMax;
      kinds = scratch.kinds;
      temperature = isLse ? scratch.ones : scratch.temperature;
    } else {
      rowMax = new Float64Array(rows);
      kinds = new Uint8Array(rows);
      temperature = new Float64Array(rows);
      if (isLse) temperature.fill(1);
    }
    if (!isLse) {
      const option = opts.temperature;
      const scalar = option === undefined ? 1 : option;
      if (!reuse || typeof scalar !== 'number' || scalar !== scratch.filledWith) {
        fillTemperatures(option, rows, temperature);
        if (reuse) scratch.filledWith = typeof scalar === 'number' ? scalar : Number.NaN;
      }
    }

    const out = opts.out;
    let result: FloatArray;
    if (out !== undefined) {
      const wanted = dtype === 'float32' ? Float32Array : Float64Array;
      if (!(out instanceof wanted) || out.length !== resultLength) {
        throw new SoftmaxError(
          out instanceof wanted ? 'SHAPE_MISMATCH' : 'UNSUPPORTED_DTYPE',
          `option out must be a ${wanted.name} of length ${resultLength} (${isLse ? 'one value per row' : 'the input length'}); got ${ArrayBuffer.isView(out) ? `a ${(out as object).constructor.name} of length ${(out as FloatArray).length}` : String(out)}.`,
        );
      }
      result = out;
    } else {
      result = allocate(dtype, resultLength);
    }

    if (cols === 0) {
      // logSumExp over an empty axis: the empty sum, log(0) = -Infinity, for every row.
      result.fill(Number.NEGATIVE_INFINITY);
      return this.emptyPlan(operation, result, rows, cols, width, outer, inner);
    }
    if (rows === 0) return this.emptyPlan(operation, result, rows, cols, width, outer, inner);

    // Rows in row layout (axis last). The caller's buffer is used as is when the axis is last
    // and `out` does not partly overlap it.
    const gathered = inner !== 1;
    let rowsIn: FloatArray = parsed.data;
    if (gathered) {
      rowsIn = allocate(dtype, rows * cols);
      const data = parsed.data;
      for (let o = 0, r = 0; o < outer; o++) {
        for (let i = 0; i < inner; i++, r++) {
          const base = o * cols * inner + i;
          const rowBase = r * cols;
          for (let c = 0; c < cols; c++) rowsIn[rowBase + c] = data[base + c * inner] as number;
        }
      }
    } else if (out !== undefined && out !== parsed.data && parsed.callerOwned) {
      if (out !== scratch.lastOut || parsed.data !== scratch.lastInput) {
        scratch.lastOut = reuse ? out : null;
        scratch.lastInput = reuse ? parsed.data : null;
        scratch.lastPartialOverlap = overlaps(out, parsed.data) && !sameView(out, parsed.data);
      }
      if (scratch.lastPartialOverlap) rowsIn = parsed.data.slice();
    }
    const rowsOut = gathered && !isLse ? allocate(dtype, rows * cols) : result;

    const nanIsError = opts.nan !== 'propagate';
    const special = scanRows(
      rowsIn,
      rows,
      cols,
      isLse ? null : temperature,
      rowMax,
      kinds,
      nanIsError,
    );
    if (special < 0) {
      const position = -special - 1;
      const r = Math.floor(position / cols);
      const c = position % cols;
      const o = Math.floor(r / inner);
      const flat = (o * cols + c) * inner + (r % inner);
      throw new SoftmaxError(
        'NAN_INPUT',
        `NaN at row ${r}, column ${c} (index ${indexOf(flat, parsed.shape)}); pass nan: 'propagate' to get NaN for that row.`,
      );
    }
    const masked = opts.allMasked ?? 'error';
    let specialRows: Int32Array | null = null;
    let specialValues: Float64Array | null = null;
    if (special > 0) {
      specialRows = new Int32Array(special);
      specialValues = new Float64Array(special * width);
      for (let r = 0, s = 0; r < rows; r++) {
        const kind = kinds[r] as number;
        if (kind === RowKind.REGULAR) continue;
        if (kind === RowKind.ALL_MASKED && masked === 'error' && !isLse) {
          throw new SoftmaxError(
            'ALL_MASKED',
            `row ${r} is all -Infinity; pass allMasked: 'zeros' or 'nan' to accept such rows.`,
          );
        }
        specialRows[s] = r;
        writeSpecialRow(
          operation,
          kind,
          rowsIn,
          r * cols,
          cols,
          rowMax[r] as number,
          masked as MaskedPolicy,
          specialValues,
          s * width,
        );
        s++;
      }
    }

    let request: MutableRequest | null = null;
    let converted: Plan['converted'] = null;
    if (special < rows) {
      // A 0/1 mask (1: core writes that row), not the row kinds themselves: backends test `=== 1`.
      let skip: Uint8Array | null = null;
      if (special > 0) {
        skip = new Uint8Array(rows);
        for (let r = 0; r < rows; r++) skip[r] = kinds[r] === RowKind.REGULAR ? 0 : 1;
      }
      const kernelDtype = this.kernelDtype(dtype);
      let kernelIn = rowsIn;
      let kernelOut = rowsOut;
      let kernelMax = rowMax;
      if (kernelDtype !== dtype) {
        // Shift each regular row by its max in float64 before rounding to the kernel's dtype, so
        // no finite float64 value overflows float32 (shift invariance keeps the result).
        kernelIn = allocate(kernelDtype, rows * cols);
        kernelOut = allocate(kernelDtype, rows * width);
        kernelMax = new Float64Array(rows);
        for (let r = 0; r < rows; r++) {
          if (kinds[r] !== RowKind.REGULAR) continue;
          const m = rowMax[r] as number;
          for (let c = r * cols, end = c + cols; c < end; c++)
            kernelIn[c] = (rowsIn[c] as number) - m;
        }
        converted = { output: kernelOut, shift: rowMax.slice(), kinds: kinds.slice() };
      }
      request = reuse ? this.reusableRequest : ({} as MutableRequest);
      request.operation = operation;
      request.input = kernelIn;
      request.output = kernelOut;
      request.rows = rows;
      request.cols = cols;
      request.temperature = temperature;
      request.rowMax = kernelMax;
      request.skip = skip;
      request.scan = null;
    }
    return {
      operation,
      result,
      rowsOut,
      rows,
      cols,
      width,
      gathered: gathered && !isLse,
      outer,
      inner,
      converted,
      specialRows,
      specialValues,
      request,
    };
  }

  private emptyPlan(
    operation: Operation,
    result: FloatArray,
    rows: number,
    cols: number,
    width: number,
    outer: number,
    inner: number,
  ): Plan {
    return {
      operation,
      result,
      rowsOut: result,
      rows,
      cols,
      width,
      gathered: false,
      outer,
      inner,
      converted: null,
      specialRows: null,
      specialValues: null,
      request: null,
    };
  }

  private kernelDtype(dtype: Dtype): Dtype {
    const dtypes = this.capabilities.dtypes;
    return dtypes.includes(dtype) ? dtype : (dtypes[0] as Dtype);
  }

  private finish(plan: Plan): FloatArray {
    const { rowsOut, width } = plan;
    if (plan.request === this.reusableRequest) {
      // The reusable request must not keep the caller's buffers alive between calls.
      this.reusableRequest.input = EMPTY;
      this.reusableRequest.output = EMPTY;
    }
    const converted = plan.converted;
    if (converted !== null) {
      const addShift = plan.operation === 'logSumExp';
      for (let r = 0; r < plan.rows; r++) {
        if (converted.kinds[r] !== RowKind.REGULAR) continue;
        const shift = addShift ? (converted.shift[r] as number) : 0;
        for (let i = r * width, end = i + width; i < end; i++)
          rowsOut[i] = (converted.output[i] as number) + shift;
      }
    }
    const specialRows = plan.specialRows;
    const specialValues = plan.specialValues;
    if (specialRows !== null && specialValues !== null) {
      for (let s = 0; s < specialRows.length; s++) {
        const target = (specialRows[s] as number) * width;
        for (let i = 0; i < width; i++)
          rowsOut[target + i] = specialValues[s * width + i] as number;
      }
    }
    if (plan.gathered) {
      const { result, outer, inner, cols } = plan;
      for (let o = 0, r = 0; o < outer; o++) {
        for (let i = 0; i < inner; i++, r++) {
          const base = o * cols * inner + i;
          const rowBase = r * cols;
          for (let c = 0; c < cols; c++) result[base + c * inner] = rowsOut[rowBase + c] as number;
        }
      }
    }
    return plan.result;
  }
}

function checkBackend(backend: unknown): asserts backend is Backend {
  const candidate = backend as Partial<Backend> | null;
  if (typeof candidate !== 'object' || candidate === null) {
    throw new SoftmaxError(
      'BACKEND_UNAVAILABLE',
      `createSoftmax needs a backend object (e.g. tsBackend()); got ${candidate === null ? 'null' : `a ${typeof candidate}`}.`,
    );
  }
  if (candidate.specificationVersion !== 'v1') {
    throw new SoftmaxError(
      'BACKEND_UNAVAILABLE',
      `backend '${String(candidate.name)}' implements specification ${JSON.stringify(candidate.specificationVersion)}; this core supports 'v1'.`,
    );
  }
  for (const method of ['doInit', 'doCompute', 'doDispose'] as const) {
    if (typeof candidate[method] !== 'function') {
      throw new SoftmaxError(
        'BACKEND_UNAVAILABLE',
        `backend '${String(candidate.name)}' has no ${method}() method.`,
      );
    }
  }
}

function checkCapabilities(backend: Backend, capabilities: BackendCapabilities): void {
  const dtypes = capabilities?.dtypes;
  const fail = (what: string): never => {
    throw new SoftmaxError(
      'BACKEND_UNAVAILABLE',
      `backend '${backend.name}' reported invalid capabilities: ${what}.`,
    );
  };
  if (
    !Array.isArray(dtypes) ||
    dtypes.length === 0 ||
    !dtypes.every((d) => d === 'float32' || d === 'float64')
  ) {
    fail(`dtypes ${JSON.stringify(dtypes)}`);
  }
  if (capabilities.sync && typeof backend.doComputeSync !== 'function')
    fail('sync is true but doComputeSync is missing');
}

/**
 * Creates a softmax instance on a backend: initialises the backend (loading its libraries and
 * measuring its capabilities) and returns softmax, logSoftmax and logSumExp that follow SPEC on
 * every input, whatever the backend's kernel does natively. Synchronous variants
 * (`softmaxSync`, ...) exist when the backend has a synchronous kernel.
 *
 * Numerical note: the row max is subtracted before dividing by the temperature, so no finite
 * input and no positive temperature (subnormals included) gives NaN; T = 0 and T = Infinity
 * are the exact limits.
 *
 * @throws SoftmaxError `BACKEND_UNAVAILABLE` when the backend cannot run here (the message says
 *   why and how to fix it).
 * @example
 * ```ts
 * import { createSoftmax } from '@softmax-kit/core';
 * import { tsBackend } from '@softmax-kit/backend-ts';
 *
 * const sm = await createSoftmax(tsBackend());
 * await sm.softmax([2, 1, 0.1]); // Float64Array [0.659001, 0.242433, 0.098566]
 * sm.softmaxSync(new Float32Array([2, 5, 5]), { temperature: 0 }); // Float32Array [0, 0.5, 0.5]
 * await sm.dispose();
 * ```
 */
export async function createSoftmax<B extends Backend>(backend: B): Promise<SoftmaxFor<B>> {
  checkBackend(backend);
  let capabilities: BackendCapabilities;
  try {
    capabilities = await backend.doInit();
  } catch (error) {
    if (SoftmaxError.isInstance(error)) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new SoftmaxError(
      'BACKEND_UNAVAILABLE',
      `backend '${backend.name}' failed to initialise: ${message}`,
      { cause: error },
    );
  }
  checkCapabilities(backend, capabilities);
  const session = new Session(backend, capabilities);
  const run = (operation: Operation) => async (input: unknown, options?: unknown) =>
    session.execute(operation, input, options);
  const api: Record<string, unknown> = {
    backend: { name: backend.name, capabilities },
    softmax: run('softmax'),
    logSoftmax: run('logSoftmax'),
    logSumExp: run('logSumExp'),
    dispose: () => session.dispose(),
  };
  if (typeof backend.doComputeSync === 'function') {
    const runSync = (operation: Operation) => (input: unknown, options?: unknown) =>
      session.execute(operation, input, options) as FloatArray;
    api.softmaxSync = runSync('softmax');
    api.logSoftmaxSync = runSync('logSoftmax');
    api.logSumExpSync = runSync('logSumExp');
  }
  return Object.freeze(api) as unknown as SoftmaxFor<B>;
}
