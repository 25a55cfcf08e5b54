/**
 * The sampler's row passes (`RowPasses` of `@softmax-kit/core`) at this backend's speed: the exp
 * sum with the kernels' own exp (float32 rows: the table-driven exp, relative error < 5.9e-10;
 * float64 rows: `Math.exp`, compensated sum), and the scans unrolled four entries at a time.
 *
 * @packageDocumentation
 */
import type { FloatArray, RowPasses, RowSplit, RowSplitRequest, RowStats } from '@softmax-kit/core';
import { EXP_TABLE, STEPS_PER_NAT } from './fast-exp.js';
import { stepsPerUnit, sumExp32, sumExp64 } from './row-exp-sums.js';

/**
 * A comparison as 0 or 1 for arithmetic: `(b as number) | 0`, which V8 compiles to a flag; `+b`
 * (and `b ? 1 : 0`) measured 2.5x the split loop's time on a flat row (a fifth of it head, in
 * no order: a branch there mispredicts). Inlined by V8.
 */
const bit = (b: boolean): number => (b as unknown as number) | 0;

/** Entries the gather reads first to tell a sparse gather (at most 1 in 32) from a dense one. */
const SPARSE_PROBE = 512;

/** Block length of the block sums (core's `ROW_BLOCK`, the contract's value). */
const BLOCK = 4096;

function stats(x: FloatArray, into: RowStats): RowStats {
  const n = x.length;
  let max = Number.NEGATIVE_INFINITY;
  let argmax = -1;
  let masked = 0;
  let firstNaN = -1;
  let i = 0;
  // Fast path, eight at a time: a step where every entry is below the running max and their
  // sum is above -Infinity has nothing to record. Otherwise (an entry larger than or equal to
  // the max, NaN or +Infinity fails a comparison; a -Infinity among entries below the max makes
  // the sum -Infinity) the step is looked at again one by one. Eight a step, and the sum instead
  // of eight -Infinity tests: 0.66-0.79 ns an entry against 0.83-0.97 four at a time.
  for (const stop = n - 7; i < stop; i += 8) {
    const a = x[i]!;
    const b = x[i + 1]!;
    const c = x[i + 2]!;
    const d = x[i + 3]!;
    const e = x[i + 4]!;
    const f = x[i + 5]!;
    const g = x[i + 6]!;
    const h = x[i + 7]!;
    if (
      a < max &&
      b < max &&
      c < max &&
      d < max &&
      e < max &&
      f < max &&
      g < max &&
      h < max &&
      a + b + c + d + (e + f + g + h) > Number.NEGATIVE_INFINITY
    )
      continue;
    for (let k = i; k < i + 8; k++) {
      const v = x[k]!;
      if (v > max) {
        max = v;
        argmax = k;
      } else if (v === Number.NEGATIVE_INFINITY) masked++;
      else if (Number.isNaN(v) && firstNaN < 0) firstNaN = k;
    }
  }
  for (; i < n; i++) {
    const v = x[i]!;
    if (v > max) {
      max = v;
      argmax = i;
    } else if (v === Number.NEGATIVE_INFINITY) masked++;
    else if (Number.isNaN(v) && firstNaN < 0) firstNaN = i;
  }
  let positive = 0;
  if (max === Number.POSITIVE_INFINITY)
    for (let k = argmax; k < n; k++) if (x[k] === Number.POSITIVE_INFINITY) positive++;
  into.max = max;
  into.argmax = argmax;
  into.firstNaN = firstNaN;
  into.masked = masked;
  into.positive = positive;
  return into;
}

function expSum(x: FloatArray, max: number, temperature: number, blocks?: Float64Array): number {
  const n = x.length;
  const float32 = x instanceof Float32Array;
  let total = 0;
  for (let start = 0, b = 0; start < n; start += BLOCK, b++) {
    const end = Math.min(n, start + BLOCK);
    const sum = float32
      ? sumExp32(x as Float32Array, start, end, max, temperature, null)
      : sumExp64(x as Float64Array, start, end, max, temperature, null);
    if (blocks !== undefined) blocks[b] = sum;
    total += sum;
  }
  return total;
}

function weigh(
  x: FloatArray,
  values: Float64Array,
  count: number,
  max: number,
  temperature: number,
  out: Float64Array,
): number {
  let sum = 0;
  if (!(x instanceof Float32Array)) {
    for (let k = 0; k < count; k++) {
      const w = Math.exp((values[k]! - max) / temperature);
      out[k] = w;
      sum += w;
    }
    return sum;
  }
  // float32 rows: fast-exp.ts's table exp (its literals, as row-exp-sums.ts inlines them).
  const scale = stepsPerUnit(temperature);
  const table = EXP_TABLE;
  const cutoff = 4832; // EXP_CUTOFF_STEPS
  const magic = 6755399441055744; // ROUND_MAGIC
  const c1 = 0.02166084939249829;
  const c2 = 2.3459619820224677e-4;
  const c3 = 1.6938509724371819e-6;
  for (let k = 0; k < count; k++) {
    let u = (max - values[k]!) * scale;
    // NaN and +Infinity (a -Infinity logit) go to the cut-off: 0.
    // biome-ignore lint/complexity/useMathMinMax: unlike Math.min, this maps NaN to the cut-off
    u = u < cutoff ? u : cutoff;
    const rounded = u + magic - magic;
    const t = rounded - u;
    const w = table[rounded | 0]! * (1 + t * (c1 + t * (c2 + t * c3)));
    out[k] = w;
    sum += w;
  }
  return sum;
}

function countAtLeast(x: FloatArray, threshold: number): number {
  const n = x.length;
  let count = 0;
  let i = 0;
  for (const stop = n - 3; i < stop; i += 4)
    count +=
      bit(x[i]! >= threshold) +
      bit(x[i + 1]! >= threshold) +
      bit(x[i + 2]! >= threshold) +
      bit(x[i + 3]! >= threshold);
  for (; i < n; i++) count += bit(x[i]! >= threshold);
  return count;
}

function gatherAtLeast(
  x: FloatArray,
  threshold: number,
  into: Int32Array,
  values?: Float64Array,
): number {
  const n = x.length;
  let count = 0;
  let i = 0;
  // A sparse gather (top-k's, top-N's: a percent of the row or less) skips groups of four
  // below the threshold behind one predictable branch; `!(v < threshold)` keeps NaN (the
  // sampler reports it). Whether it is sparse is read off the first SPARSE_PROBE entries.
  const probe = Math.min(n, SPARSE_PROBE);
  let seen = 0;
  for (let k = 0; k < probe; k++) seen += bit(!(x[k]! < threshold));
  if (seen * 32 <= probe) {
    for (const stop = n - 3; i < stop; i += 4) {
      if (
        x[i]! < threshold &&
        x[i + 1]! < threshold &&
        x[i + 2]! < threshold &&
        x[i + 3]! < threshold
      )
        continue;
      for (let k = i; k < i + 4; k++) if (!(x[k]! < threshold)) into[count++] = k;
    }
    for (; i < n; i++) if (!(x[i]! < threshold)) into[count++] = i;
    if (values !== undefined) for (let k = 0; k < count; k++) values[k] = x[into[k]!]!;
    return count;
  }
  // Dense, branch-free: every index is written, the count moves on only for a gathered one (a
  // gather of a fifth of the row would mispredict a branch on every other group of four).
  // `into` has room for the row, so the write after the last gathered index stays inside it
  // or, at the row's end, is dropped.
  for (const stop = n - 3; i < stop; i += 4) {
    into[count] = i;
    count += bit(!(x[i]! < threshold));
    into[count] = i + 1;
    count += bit(!(x[i + 1]! < threshold));
    into[count] = i + 2;
    count += bit(!(x[i + 2]! < threshold));
    into[count] = i + 3;
    count += bit(!(x[i + 3]! < threshold));
  }
  for (; i < n; i++) {
    into[count] = i;
    count += bit(!(x[i]! < threshold));
  }
  // The values after the gather, over the gathered only: a high threshold (top-k) gathers few,
  // and a second store for every entry of the row would cost more than this loop.
  if (values !== undefined) for (let k = 0; k < count; k++) values[k] = x[into[k]!]!;
  return count;
}

/**
 * The exp sum split at `[lo, hi)` (core's `RowPasses.split`), float32 rows with the table exp of
 * `expSum` (each term the one it adds), float64 rows with `Math.exp`. Head and band are taken
 * without a branch: a fifth of a flat row is head, in no order.
 */
function split(x: FloatArray, request: RowSplitRequest, into: RowSplit): RowSplit {
  if (!(x instanceof Float32Array)) return split64(x, request, into);
  const { max, temperature, lo, hi, weighted, band, blocks, headBlocks } = request;
  const n = x.length;
  const scale = stepsPerUnit(temperature);
  // z = (v - max) / T = -u / STEPS_PER_NAT: the log-weight in nats, for the entropy's sum.
  const toZ = -1 / STEPS_PER_NAT;
  const table = EXP_TABLE;
  const cutoff = 4832; // EXP_CUTOFF_STEPS
  const magic = 6755399441055744; // ROUND_MAGIC
  const c1 = 0.02166084939249829;
  const c2 = 2.3459619820224677e-4;
  const c3 = 1.6938509724371819e-6;
  let total = 0;
  let head = 0;
  let headCount = 0;
  let headWeighted = 0;
  let count = 0;
  for (let start = 0, b = 0; start < n; start += BLOCK, b++) {
    const end = Math.min(n, start + BLOCK);
    let sum = 0;
    let above = 0;
    let i = start;
    // Four entries per iteration (V8 reloads each typed array's length and data pointer at
    // every access but shares them within one step: 4.4 ns an entry two at a time), their table
    // reads independent (the table is larger than L1: reads in flight hide part of a miss).
    for (const stop = end - 3; i < stop; i += 4) {
      const v0 = x[i]!;
      const v1 = x[i + 1]!;
      const v2 = x[i + 2]!;
      const v3 = x[i + 3]!;
      let u0 = (max - v0) * scale;
      let u1 = (max - v1) * scale;
      let u2 = (max - v2) * scale;
      let u3 = (max - v3) * scale;
      // biome-ignore lint/complexity/useMathMinMax: NaN (and -Infinity entries) to the cut-off
      u0 = u0 < cutoff ? u0 : cutoff;
      // biome-ignore lint/complexity/useMathMinMax: as above
      u1 = u1 < cutoff ? u1 : cutoff;
      // biome-ignore lint/complexity/useMathMinMax: as above
      u2 = u2 < cutoff ? u2 : cutoff;
      // biome-ignore lint/complexity/useMathMinMax: as above
      u3 = u3 < cutoff ? u3 : cutoff;
      const k0 = u0 + magic - magic;
      const k1 = u1 + magic - magic;
      const k2 = u2 + magic - magic;
      const k3 = u3 + magic - magic;
      const t0 = k0 - u0;
      const t1 = k1 - u1;
      const t2 = k2 - u2;
      const t3 = k3 - u3;
      const e0 = table[k0 | 0]! * (1 + t0 * (c1 + t0 * (c2 + t0 * c3)));
      const e1 = table[k1 | 0]! * (1 + t1 * (c1 + t1 * (c2 + t1 * c3)));
      const e2 = table[k2 | 0]! * (1 + t2 * (c1 + t2 * (c2 + t2 * c3)));
      const e3 = table[k3 | 0]! * (1 + t3 * (c1 + t3 * (c2 + t3 * c3)));
      sum += e0 + e1 + (e2 + e3);
      // bit(a >= b), not +(a >= b): see bit().
      const h0 = bit(v0 >= hi);
      const h1 = bit(v1 >= hi);
      const h2 = bit(v2 >= hi);
      const h3 = bit(v3 >= hi);
      above += e0 * h0 + e1 * h1 + (e2 * h2 + e3 * h3);
      headCount += h0 + h1 + h2 + h3;
      if (weighted)
        headWeighted += (h0 * e0 * u0 + h1 * e1 * u1 + (h2 * e2 * u2 + h3 * e3 * u3)) * toZ;
      // The band's indices, without a branch: every index is written, the count moves on for
      // a band entry (room for the row, as the gather's).
      band[count] = i;
      count += bit(v0 >= lo) & (h0 ^ 1);
      band[count] = i + 1;
      count += bit(v1 >= lo) & (h1 ^ 1);
      band[count] = i + 2;
      count += bit(v2 >= lo) & (h2 ^ 1);
      band[count] = i + 3;
      count += bit(v3 >= lo) & (h3 ^ 1);
    }
    for (; i < end; i++) {
      const v = x[i]!;
      let u = (max - v) * scale;
      // biome-ignore lint/complexity/useMathMinMax: as above
      u = u < cutoff ? u : cutoff;
      const k = u + magic - magic;
      const t = k - u;
      const e = table[k | 0]! * (1 + t * (c1 + t * (c2 + t * c3)));
      sum += e;
      const inHead = bit(v >= hi);
      above += e * inHead;
      headCount += inHead;
      if (weighted) headWeighted += inHead * e * u * toZ;
      band[count] = i;
      count += bit(v >= lo) & (inHead ^ 1);
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
  return into;
}

/** {@link split} of a float64 row: `Math.exp`, as this backend's float64 `expSum` takes. */
function split64(x: FloatArray, request: RowSplitRequest, into: RowSplit): RowSplit {
  const { max, temperature, lo, hi, weighted, band, blocks, headBlocks } = request;
  const n = x.length;
  let total = 0;
  let head = 0;
  let headCount = 0;
  let headWeighted = 0;
  let count = 0;
  for (let start = 0, b = 0; start < n; start += BLOCK, b++) {
    const end = Math.min(n, start + BLOCK);
    let sum = 0;
    let above = 0;
    for (let i = start; i < end; i++) {
      const v = x[i]!;
      const z = (v - max) / temperature;
      const e = Math.exp(z);
      sum += e;
      if (v >= hi) {
        above += e;
        headCount++;
        if (weighted && e > 0) headWeighted += e * z;
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
  return into;
}

/**
 * This backend's row passes (frozen; shared by every `tsBackend()`). No `ahead`: one thread
 * (core's stand-in runs nothing ahead).
 */
export const tsRowPasses: Required<Omit<RowPasses, 'ahead'>> = Object.freeze({
  stats,
  expSum,
  weigh,
  countAtLeast,
  gatherAtLeast,
  split,
  holding: <T>(_x: FloatArray, run: () => T): T => run(),
});
