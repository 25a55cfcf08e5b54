import {
  type FloatArray,
  ROW_BLOCK,
  type RowPasses,
  type RowSplit,
  type RowSplitRequest,
  type RowStats,
} from './backend.js';

/**
 * The sampler's row passes in plain JavaScript: the generic path, for every backend that does
 * not offer its own ({@link RowPasses}). Each pass reads the row once; sums are float64, in index
 * order.
 */
export const genericRowPasses: Required<RowPasses> = Object.freeze({
  stats(x: FloatArray, into: RowStats): RowStats {
    const n = x.length;
    let max = Number.NEGATIVE_INFINITY;
    let argmax = -1;
    let masked = 0;
    let firstNaN = -1;
    for (let i = 0; i < n; i++) {
      const v = x[i]!;
      if (v > max) {
        max = v;
        argmax = i;
      } else if (v === Number.NEGATIVE_INFINITY) masked++;
      else if (Number.isNaN(v) && firstNaN < 0) firstNaN = i;
    }
    let positive = 0;
    if (max === Number.POSITIVE_INFINITY)
      for (let i = argmax; i < n; i++) if (x[i] === Number.POSITIVE_INFINITY) positive++;
    into.max = max;
    into.argmax = argmax;
    into.firstNaN = firstNaN;
    into.masked = masked;
    into.positive = positive;
    return into;
  },

  expSum(x: FloatArray, max: number, temperature: number, blocks?: Float64Array): number {
    const n = x.length;
    let total = 0;
    for (let start = 0, b = 0; start < n; start += ROW_BLOCK, b++) {
      const end = Math.min(n, start + ROW_BLOCK);
      let s0 = 0;
      let s1 = 0;
      let i = start;
      for (const stop = end - 1; i < stop; i += 2) {
        s0 += Math.exp((x[i]! - max) / temperature);
        s1 += Math.exp((x[i + 1]! - max) / temperature);
      }
      if (i < end) s0 += Math.exp((x[i]! - max) / temperature);
      const sum = s0 + s1;
      if (blocks !== undefined) blocks[b] = sum;
      total += sum;
    }
    return total;
  },

  weigh(
    _x: FloatArray,
    values: Float64Array,
    count: number,
    max: number,
    temperature: number,
    out: Float64Array,
  ): number {
    let sum = 0;
    for (let k = 0; k < count; k++) {
      const w = Math.exp((values[k]! - max) / temperature);
      out[k] = w;
      sum += w;
    }
    return sum;
  },

  countAtLeast(x: FloatArray, threshold: number): number {
    const n = x.length;
    let count = 0;
    for (let i = 0; i < n; i++) count += +(x[i]! >= threshold);
    return count;
  },

  gatherAtLeast(x: FloatArray, threshold: number, into: Int32Array, values?: Float64Array): number {
    const n = x.length;
    let count = 0;
    // Branch-free: every index is written, the count moves on for a gathered one (not below
    // the threshold: NaN too). `into` (and `values`) have room for the row.
    for (let i = 0; i < n; i++) {
      into[count] = i;
      count += +!(x[i]! < threshold);
    }
    if (values !== undefined) for (let k = 0; k < count; k++) values[k] = x[into[k]!]!;
    return count;
  },

  split(x: FloatArray, request: RowSplitRequest, into: RowSplit): RowSplit {
    const { max, temperature, lo, hi, weighted, band, blocks, headBlocks } = request;
    const n = x.length;
    let total = 0;
    let head = 0;
    let headCount = 0;
    let headWeighted = 0;
    let count = 0;
    for (let start = 0, b = 0; start < n; start += ROW_BLOCK, b++) {
      const end = Math.min(n, start + ROW_BLOCK);
      let sum = 0;
      let above = 0;
      for (let i = start; i < end; i++) {
        const v = x[i]!;
        const z = (v - max) / temperature;
        const term = Math.exp(z);
        sum += term;
        if (v >= hi) {
          above += term;
          headCount++;
          if (weighted && term > 0) headWeighted += term * z;
        } else if (v >= lo) band[count++] = i;
      }
      blocks[b] = sum;
      headBlocks[b] = above;
      total += sum;
      head += above;
    }
    into.total = total;
    into.head = head;
    into.headCount = headCount;
    into.headWeighted = headWeighted;
    into.band = count;
    const { values } = request;
    if (values !== undefined) for (let k = 0; k < count; k++) values[k] = x[band[k]!]!;
    into.valued = values !== undefined;
    return into;
  },

  holding<T>(_x: FloatArray, run: () => T): T {
    return run();
  },

  /** Nothing runs ahead in JavaScript: one thread. */
  ahead(): null {
    return null;
  },
});

/**
 * `passes` with core's JavaScript pass in the place of each optional one it leaves out (an
 * instance registered by an older copy of core may lack them).
 */
export function completeRowPasses(passes: RowPasses): Required<RowPasses> {
  if (passes.split !== undefined && passes.holding !== undefined && passes.ahead !== undefined)
    return passes as Required<RowPasses>;
  return Object.freeze({
    stats: passes.stats,
    expSum: passes.expSum,
    weigh: passes.weigh,
    countAtLeast: passes.countAtLeast,
    gatherAtLeast: passes.gatherAtLeast,
    split: passes.split ?? genericRowPasses.split,
    holding: passes.holding ?? genericRowPasses.holding,
    ahead: passes.ahead ?? genericRowPasses.ahead,
  });
}
