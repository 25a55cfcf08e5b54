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
    let sum = 0;
    if ((options.sum ?? 'compensated') === 'compensated') {
      let compensation = 0;
      for (let c = 0; c < cols; c++) {
        const v = exps[c] as number;
        const s = sum + v;
        compensation += Math.abs(sum) >= Math.abs(v) ? sum - s + v : v - s + sum;
        sum = s;
      }
      sum += compensation;
    } else if (options.sum === 'float32') {
      for (let c = 0; c < cols; c++) sum = Math.fround(sum + (exps[c] as number));
    } else {
      for (let c = 0; c < cols; c++) sum = round(sum + (exps[c] as number));
    }
    const logSum = round(Math.log(sum));
    let poison = options.nanRows?.(r, cols) ?? false;
    if (options.nanOnMasked)
      for (let c = 0; c < cols; c++)
        if (input[offset + c] === Number.NEGATIVE_INFINITY) poison = true;
    if (operation === 'logSumExp') {
      output[r] = poison ? Number.NaN : subtract ? round(m + logSum) : logSum;
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
