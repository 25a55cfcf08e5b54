import type { Backend, BackendCapabilities, KernelRequest } from '@softmax-kit/core';

/**
 * Test backends for the suite's own tests. `referenceBackend` is a plain, correct float64
 * kernel (max subtracted before dividing by T, compensated sum); the `broken*` variants each
 * break one thing the kernel owns. They are written here, not imported from backend-ts, so the
 * suite is tested against kernels whose faults are known.
 */

export interface KernelOptions {
  /** Subtract the row max (true) or not (broken). */
  subtractMax?: boolean;
  /** 'before': (x - m) / T (correct); 'after': x / T - m / T (wrong order). */
  temperatureOrder?: 'before' | 'after';
  /** 'compensated' (float64 Neumaier), 'float64' (recursive), 'float32' (Math.fround each step). */
  sum?: 'compensated' | 'float64' | 'float32';
  /** Round every step to float32 (a float32 kernel). */
  float32?: boolean;
  /** Rows (by index) to fill with NaN. */
  nanRows?: (row: number, cols: number) => boolean;
  /** Use rowMax[0] for every row (leaks state across rows). */
  firstRowMax?: boolean;
  /** Give NaN for every row that contains -Infinity (a kernel multiplying by a 0/1 mask). */
  nanOnMasked?: boolean;
  /** Compute the rows core flagged in `skip` too (all-masked rows then give NaN here). */
  ignoreSkip?: boolean;
  /**
   * Read `input.buffer` and write `output.buffer` from byte 0, ignoring the arrays' byteOffset
   * (a kernel that hands `.buffer` to a library).
   */
  ignoreByteOffset?: boolean;
  /** Write into the output once more after returning (from a timer): a late copy-back. */
  lateWrite?: boolean;
  /** Overwrite the whole output with NaN this many ms after the call (a late worker message). */
  lateNaNAfterMs?: number;
  /**
   * Rows from this index on get the uniform distribution (softmax 1/n, logSoftmax -log n)
   * whatever their logits: a kernel that gives up after a fixed batch size.
   */
  uniformFromRow?: number;
  /**
   * Calls for which every output is 0.1% off (a wrong path taken only by some calls, e.g. a
   * threaded split of large batches).
   */
  wrongWhen?: (rows: number, cols: number) => boolean;
  /**
   * logSoftmax and logSumExp from `log(sum)` (the sum with the max's term 1) instead of
   * `log1p(s)`: exact 0 for `logSumExp([0, -40])`, whose value is 4.248e-18.
   */
  naiveLog?: boolean;
}

/** The same memory as `array` seen from byte 0 of its buffer (what `ignoreByteOffset` does). */
function fromBufferStart<T extends Float32Array | Float64Array>(array: T): T {
  const Type = array.constructor as new (
    buffer: ArrayBufferLike,
    offset: number,
    length: number,
  ) => T;
  return new Type(array.buffer, 0, array.length);
}

/** The sum of `values[0..n)` without index `skip`, by the given method. */
function sumOf(
  values: Float64Array,
  n: number,
  skip: number,
  method: NonNullable<KernelOptions['sum']>,
  round: (v: number) => number,
): number {
  let sum = 0;
  if (method === 'compensated') {
    let compensation = 0;
    for (let c = 0; c < n; c++) {
      if (c === skip) continue;
      const v = values[c] as number;
      const s = sum + v;
      compensation += Math.abs(sum) >= Math.abs(v) ? sum - s + v : v - s + sum;
      sum = s;
    }
    return sum + compensation;
  }
  for (let c = 0; c < n; c++) {
    if (c === skip) continue;
    sum =
      method === 'float32'
        ? Math.fround(sum + (values[c] as number))
        : round(sum + (values[c] as number));
  }
  return sum;
}

export function kernel(request: KernelRequest, options: KernelOptions = {}): void {
  const { rows, cols, temperature, rowMax, skip, operation } = request;
  const input = options.ignoreByteOffset ? fromBufferStart(request.input) : request.input;
  const output = options.ignoreByteOffset ? fromBufferStart(request.output) : request.output;
  if (options.lateWrite) {
    const late = request.output;
    setTimeout(() => {
      late[0] = (late[0] as number) / 2;
    }, 0);
  }
  if (options.lateNaNAfterMs !== undefined) {
    const late = request.output;
    setTimeout(() => late.fill(Number.NaN), options.lateNaNAfterMs);
  }
  const round = options.float32 ? Math.fround : (v: number) => v;
  const order = options.temperatureOrder ?? 'before';
  const subtract = options.subtractMax ?? true;
  const exps = new Float64Array(cols);
  for (let r = 0; r < rows; r++) {
    if (skip !== null && skip[r] !== 0 && !options.ignoreSkip) continue;
    const offset = r * cols;
    const t = temperature[r] as number; // not rounded: T may be subnormal or beyond float32
    const m = options.firstRowMax ? (rowMax[0] as number) : (rowMax[r] as number);
    const z = new Float64Array(cols);
    for (let c = 0; c < cols; c++) {
      const x = input[offset + c] as number;
      let zc: number;
      if (!subtract) zc = round(x / t);
      else if (order === 'before')
        zc = round(round(x - m) / t); // max subtracted before dividing by T
      else zc = round(round(x / t) - round(m / t));
      z[c] = zc;
      exps[c] = round(Math.exp(zc));
    }
    // S (all terms) for softmax; s = S - 1 (without the first max entry's term, exactly 1) for
    // the logarithms, log1p(s) as SPEC's accuracy of the logarithms asks
    const sum = sumOf(exps, cols, -1, options.sum ?? 'compensated', round);
    let maxIndex = -1;
    for (let c = 0; c < cols && maxIndex < 0; c++) if (input[offset + c] === m) maxIndex = c;
    const logSum =
      options.naiveLog || !subtract || maxIndex < 0
        ? round(Math.log(sum))
        : round(Math.log1p(sumOf(exps, cols, maxIndex, options.sum ?? 'compensated', round)));
    let poison = options.nanRows?.(r, cols) ?? false;
    if (options.nanOnMasked)
      for (let c = 0; c < cols; c++)
        if (input[offset + c] === Number.NEGATIVE_INFINITY) poison = true;
    if (operation === 'logSumExp') {
      output[r] = poison ? Number.NaN : subtract ? round(m + logSum) : logSum;
      if (options.wrongWhen?.(rows, cols)) output[r] = (output[r] as number) * 1.001;
      continue;
    }
    if (options.uniformFromRow !== undefined && r >= options.uniformFromRow) {
      for (let c = 0; c < cols; c++)
        output[offset + c] = operation === 'softmax' ? 1 / cols : -Math.log(cols);
      continue;
    }
    for (let c = 0; c < cols; c++) {
      let value =
        operation === 'softmax'
          ? round((exps[c] as number) / sum)
          : subtract
            ? round((z[c] as number) - logSum)
            : round((z[c] as number) - logSum);
      if (poison) value = Number.NaN;
      if (options.wrongWhen?.(rows, cols)) value *= 1.001;
      output[offset + c] = value;
    }
  }
}

export function makeBackend(
  name: string,
  options: KernelOptions = {},
  capabilities?: Partial<BackendCapabilities>,
): Backend & { live: number } {
  let live = 0;
  const precision = options.float32 ? 'float32' : 'float64';
  return {
    specificationVersion: 'v1',
    name,
    get live() {
      return live;
    },
    async doInit() {
      return {
        dtypes: options.float32 ? ['float32'] : ['float32', 'float64'],
        computePrecision: { float32: precision, float64: precision },
        sync: true,
        device: 'js',
        ...capabilities,
      };
    },
    async doCompute(request) {
      live++;
      try {
        kernel(request, options);
      } finally {
        live--;
      }
    },
    doComputeSync(request) {
      live++;
      try {
        kernel(request, options);
      } finally {
        live--;
      }
    },
    async doDispose() {},
    doResourceCount: () => live,
  };
}

/** A correct float64 kernel with a compensated sum. */
export const referenceBackend = () => makeBackend('reference');
