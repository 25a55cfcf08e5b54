/**
 * A float64 model of SPEC's three operations, for the adversarial fuzz (`adversarial.ts`):
 * what a call must give (values, or "an error"), and how far a backend may be from it.
 *
 * Written from SPEC alone (`Operations`, `Temperature`, `Special values in a row`, `Shapes`,
 * `Accuracy of the logarithms`), never from core or a backend: a row's log terms use
 * `log1p(s)` with `s` the float64 sum of every term but the first max's.
 */

export type Operation = 'softmax' | 'logSoftmax' | 'logSumExp';

/** One call in logical form: flat row-major values and everything core must read from the options. */
export interface LogicalCall {
  readonly operation: Operation;
  readonly values: ArrayLike<number>;
  readonly shape: readonly number[];
  /** As given (undefined: default -1). */
  readonly axis: number | undefined;
  /** As given (undefined: 1). Ignored by logSumExp. */
  readonly temperature: number | readonly number[] | undefined;
  readonly allMasked: 'error' | 'zeros' | 'nan' | undefined;
  readonly nan: 'error' | 'propagate' | undefined;
}

/** What the model says a call must give. */
export type Expectation =
  | { readonly kind: 'error'; readonly why: string }
  /**
   * SPEC leaves it open (T = Infinity on a row with +Infinity; zero rows of length 0; a
   * temperature array of the wrong length when there are no rows): a SoftmaxError or any result
   * of the right length.
   */
  | { readonly kind: 'open'; readonly length: number; readonly why: string }
  | { readonly kind: 'result'; readonly values: Float64Array; readonly bounds: Float64Array };

/** Unit roundoffs and range ends of a compute precision. */
export interface Precision {
  /** 2^-24 (float32) or 2^-53 (float64). */
  readonly eps: number;
  /** Smallest normal: SPEC's floor for the log bounds (2^-126 or 2^-1022). */
  readonly tinyNormal: number;
  /** Smallest subnormal (2^-149 or 2^-1074). */
  readonly tinySubnormal: number;
  /** Largest finite value: a finite model value beyond it may come back as -Infinity. */
  readonly largest: number;
}

export const FLOAT32: Precision = {
  eps: 2 ** -24,
  tinyNormal: 2 ** -126,
  tinySubnormal: 2 ** -149,
  largest: 3.4028234663852886e38,
};
export const FLOAT64: Precision = {
  eps: 2 ** -53,
  tinyNormal: 2 ** -1022,
  tinySubnormal: 2 ** -1074,
  largest: Number.MAX_VALUE,
};

const isInteger = (value: unknown): value is number =>
  typeof value === 'number' && Number.isInteger(value);

function product(values: readonly number[]): number {
  let result = 1;
  for (const value of values) result *= value;
  return result;
}

/** A temperature SPEC accepts: a number >= 0 (0 and Infinity included). */
const validTemperature = (t: unknown): t is number => typeof t === 'number' && t >= 0;

/**
 * The model: SPEC's result for `call` computed in float64, with per-entry error bounds for a
 * backend whose compute precision is `precision` (bounds next to their derivation below).
 */
export function model(call: LogicalCall, precision: Precision): Expectation {
  const { operation, values, shape } = call;
  if (!shape.every((d) => isInteger(d) && d >= 0)) return error('shape entry not an integer >= 0');
  if (product(shape) !== values.length) return error('shape product differs from the length');
  const rank = shape.length;
  let axis: number;
  if (rank === 0) {
    if (call.axis !== undefined && call.axis !== -1 && call.axis !== 0) return error('rank-0 axis');
    axis = 0;
  } else {
    const given = call.axis ?? -1;
    if (!isInteger(given) || given < -rank || given >= rank) return error('axis out of range');
    axis = given < 0 ? given + rank : given;
  }
  const dims = rank === 0 ? [1] : shape;
  const cols = dims[axis] as number;
  const outer = product(dims.slice(0, axis));
  const inner = product(dims.slice(axis + 1));
  const rows = outer * inner;

  const isLse = operation === 'logSumExp';
  // A result SPEC defines but no machine can hold (2^40 values of logSumExp over a length-0
  // axis): only a SoftmaxError can answer it.
  if (isLse ? rows > 2 ** 28 : values.length > 2 ** 28)
    return error('result too large to allocate');
  if (cols === 0 && !isLse && rows > 0) return error('EMPTY_AXIS');
  if (cols === 0 && !isLse) return { kind: 'open', length: 0, why: 'zero rows of length 0' };
  const temperatures = new Float64Array(rows).fill(1);
  if (!isLse && call.temperature !== undefined) {
    const t = call.temperature;
    if (typeof t === 'number') {
      if (!validTemperature(t)) return error('temperature');
      temperatures.fill(t);
    } else {
      if (t.length !== rows) {
        if (rows === 0) return { kind: 'open', length: 0, why: 'temperature array, no rows' };
        return error('temperature array length');
      }
      for (let r = 0; r < rows; r++) {
        const rowT = t[r];
        if (!validTemperature(rowT)) return error('temperature array element');
        temperatures[r] = rowT;
      }
    }
  }
  if (rows === 0)
    return { kind: 'result', values: new Float64Array(0), bounds: new Float64Array(0) };

  const length = isLse ? rows : values.length;
  const out = new Float64Array(length);
  const bounds = new Float64Array(length);
  const row = new Float64Array(cols);
  let open: string | undefined;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const r = o * inner + i;
      const at = (c: number) => o * cols * inner + c * inner + i;
      for (let c = 0; c < cols; c++) row[c] = values[at(c)] as number;
      const result = modelRow(operation, row, temperatures[r] as number, call, precision);
      if (result.kind === 'error') return result;
      if (result.kind === 'open') {
        open = result.why;
        continue;
      }
      if (isLse) {
        out[r] = result.values[0] as number;
        bounds[r] = result.bounds[0] as number;
      } else {
        for (let c = 0; c < cols; c++) {
          out[at(c)] = result.values[c] as number;
          bounds[at(c)] = result.bounds[c] as number;
        }
      }
    }
  }
  if (open !== undefined) return { kind: 'open', length, why: open };
  return { kind: 'result', values: out, bounds };
}

function error(why: string): Expectation {
  return { kind: 'error', why };
}

/** One row (length `cols >= 0`); for logSumExp the result has one value. */
function modelRow(
  operation: Operation,
  row: Float64Array,
  t: number,
  call: LogicalCall,
  precision: Precision,
): Expectation {
  const n = row.length;
  const isLse = operation === 'logSumExp';
  const width = isLse ? 1 : n;
  const values = new Float64Array(width);
  const bounds = new Float64Array(width);
  const done = (): Expectation => ({ kind: 'result', values, bounds });
  if (n === 0) {
    values[0] = Number.NEGATIVE_INFINITY; // logSumExp of a length-0 axis
    return done();
  }
  let hasNaN = false;
  let positiveInfinities = 0;
  let notMasked = 0;
  let max = Number.NEGATIVE_INFINITY;
  for (const x of row) {
    if (Number.isNaN(x)) hasNaN = true;
    else {
      if (x === Number.POSITIVE_INFINITY) positiveInfinities++;
      if (x !== Number.NEGATIVE_INFINITY) notMasked++;
      if (x > max) max = x;
    }
  }
  if (hasNaN) {
    if ((call.nan ?? 'error') === 'error') return error('NAN_INPUT');
    values.fill(Number.NaN);
    return done();
  }
  if (notMasked === 0) {
    if (isLse) {
      values[0] = Number.NEGATIVE_INFINITY;
      return done();
    }
    const policy = call.allMasked ?? 'error';
    if (policy === 'error') return error('ALL_MASKED');
    if (policy === 'nan') values.fill(Number.NaN);
    else values.fill(operation === 'softmax' ? 0 : Number.NEGATIVE_INFINITY);
    return done();
  }
  // Exact limits: k entries share the mass equally. Bound: the rounding of 1/k or log(k), a few eps.
  const split = (chosen: (x: number) => boolean, k: number) => {
    for (let c = 0; c < n; c++) {
      const on = chosen(row[c] as number);
      if (operation === 'softmax') values[c] = on ? 1 / k : 0;
      else values[c] = on ? -Math.log(k) : Number.NEGATIVE_INFINITY;
      bounds[c] = 4 * precision.eps * Math.abs(values[c] as number);
    }
    return done();
  };
  if (positiveInfinities > 0) {
    if (isLse) {
      values[0] = Number.POSITIVE_INFINITY;
      return done();
    }
    if (t === Number.POSITIVE_INFINITY) {
      return { kind: 'open', length: n, why: 'T = Infinity on a row with +Infinity' };
    }
    return split((x) => x === Number.POSITIVE_INFINITY, positiveInfinities);
  }
  if (!isLse && t === 0) {
    let k = 0;
    for (const x of row) if (x === max) k++;
    return split((x) => x === max, k);
  }
  if (!isLse && t === Number.POSITIVE_INFINITY) {
    return split((x) => x !== Number.NEGATIVE_INFINITY, notMasked);
  }
  // Regular row: z_j = (x_j - m) / T in float64 (x_j - m may overflow to -Infinity for the largest
  // finite values: exp gives 0, the right limit), s = sum over j != k of exp(z_j), k the first max.
  const temperature = isLse ? 1 : t;
  const z = new Float64Array(n);
  let first = -1;
  let s = 0;
  let zMax = 0;
  for (let c = 0; c < n; c++) {
    const x = row[c] as number;
    z[c] = x === max ? 0 : (x - max) / temperature;
    if (first < 0 && x === max) {
      first = c;
      continue;
    }
    const term = Math.exp(z[c] as number);
    s += term;
    if (term > 0 && Math.abs(z[c] as number) > zMax) zMax = Math.abs(z[c] as number);
  }
  const logSum = Math.log1p(s);
  // Error budget, in units of the compute eps: each z carries 2 roundings (subtract, divide),
  // plus one when core narrows a float64 row to float32, and exp turns an absolute error dz into
  // a relative one, so a term is off by (4 + |z|) eps relative and s by (4 + zMax) eps relative;
  // a sum of n terms adds n eps (single float32 accumulators); the output's rounding 1 eps. A
  // second factor 2 for the exp's own error (allowed 2 ulps). Hence (8 + n + 2 (|z_i| + zMax)).
  const eps = precision.eps;
  // Below the smallest normal (SPEC's floor), results are subnormals rounded absolutely or, on
  // devices that flush subnormals (tfjs's wasm and GPU kernels), 0; and float32 kernels may drop
  // terms below 2^-150 each: the smallest normal plus (n + 2) smallest subnormals.
  const absolute = precision.tinyNormal + (n + 2) * precision.tinySubnormal;
  if (operation === 'softmax') {
    for (let c = 0; c < n; c++) {
      const p = Math.exp(z[c] as number) / (1 + s);
      values[c] = p;
      // p = 0 (a masked entry, or exp underflow) has only the absolute part (and no 0 * Infinity).
      const zc = Math.abs(z[c] as number);
      bounds[c] = (p > 0 ? p * eps * (8 + n + 2 * (zc + zMax)) : 0) + absolute;
    }
    return done();
  }
  const factor = eps * (8 + n + 2 * zMax);
  if (operation === 'logSoftmax') {
    for (let c = 0; c < n; c++) {
      const zc = z[c] as number;
      values[c] = zc - logSum;
      // SPEC: relative to |z_i| + log1p(s), floored at the smallest normal.
      const scale = Number.isFinite(zc) ? Math.max(Math.abs(zc) + logSum, precision.tinyNormal) : 0;
      bounds[c] = (factor + 2 * eps) * scale + absolute;
    }
    return done();
  }
  values[0] = max + logSum;
  bounds[0] = factor * Math.max(Math.abs(max) + logSum, precision.tinyNormal) + absolute;
  return done();
}

/**
 * Whether `actual` (one entry) meets the model's `expected` within `bound`: NaN only for NaN,
 * infinities exactly, a finite value within the bound; a finite model value beyond the compute
 * precision's range may also come back as an infinity of its sign (float32 compute of a float64
 * row, or a float32 result).
 */
export function entryMatches(
  actual: number,
  expected: number,
  bound: number,
  precision: Precision,
): boolean {
  if (Number.isNaN(expected)) return Number.isNaN(actual);
  if (!Number.isFinite(expected)) return actual === expected;
  if (Number.isNaN(actual)) return false;
  if (!Number.isFinite(actual)) {
    return Math.abs(expected) > precision.largest && Math.sign(actual) === Math.sign(expected);
  }
  return Math.abs(actual - expected) <= bound;
}
