/**
 * The sampler's row passes (`RowPasses` of `@softmax-kit/core`) on this backend, for float32
 * rows in the kernel module's SIMD code (kernels/softmax.wat), each on one copy of the row in the
 * staging memory: `stats` (`rowStats`), `countAtLeast`, `gatherAtLeast` (a branch-free index
 * compaction, then `pickValues` for the gathered values) and the exp sum (`expSum`, one call per
 * block of `ROW_BLOCK` entries); `weigh` runs the gathered values through the same `expSum` loop
 * (with `write`), so a candidate's weight is the very term the row's exp sum added for it.
 * Float64 rows use core's JavaScript passes.
 *
 * @packageDocumentation
 */
import {
  type FloatArray,
  ROW_BLOCK,
  type RowAheadRequest,
  type RowPasses,
  type RowSplit,
  type RowSplitRequest,
  type RowStats,
  type RowsAhead,
} from '@softmax-kit/core';
import { genericRowPasses } from '@softmax-kit/core/internal';
import type { KernelInstance } from './kernel-instance.js';
import { DATA_AT } from './layout.js';
import { SPLIT_SLOTS, splitRowBlocks } from './split-blocks.js';

/** `log2(e) / T` as the kernels use it (`$scaleOf` in kernels/softmax.wat), capped at 1e308. */
export const scaleOf = (temperature: number): number => Math.min(Math.LOG2E / temperature, 1e308);

const bits = new Float32Array(1);
const bitsU = new Uint32Array(bits.buffer);

/**
 * The smallest float32 value not below `t` (NaN for NaN): for every float32 `x`, `x >= t` exactly
 * when `x >= ceilFloat32(t)` and `x < t` exactly when `x < ceilFloat32(t)`, so the kernel's float32
 * comparisons answer the float64 ones of core's passes.
 */
export function ceilFloat32(t: number): number {
  const f = Math.fround(t);
  if (!(f < t)) return f;
  if (f === 0) return 2 ** -149;
  bits[0] = f;
  // f < t: f is not +Infinity; one ulp up is +1 on the bits of a positive value, -1 on a negative.
  bitsU[0] = f > 0 ? bitsU[0]! + 1 : bitsU[0]! - 1;
  return bits[0]!;
}

/**
 * Copies a float32 row into the staging memory at DATA_AT, with `extra` bytes after it; no copy
 * when it is the held row and its copy is still there ({@link wasmRowPasses}' `holding`).
 */
function stage(
  instance: KernelInstance,
  x: Float32Array,
  extra: number,
  held: FloatArray | null,
): void {
  instance.reserve(DATA_AT + x.length * 4 + extra);
  if (instance.heldRow === x) return;
  instance.f32.set(x, DATA_AT >> 2);
  instance.heldRow = x === held ? x : null;
}

/** The first byte after the held row's copy (DATA_AT when none is held): room for scratch. */
const freeAt = (instance: KernelInstance): number =>
  instance.heldRow === null ? DATA_AT : DATA_AT + instance.heldRow.length * 4;

/**
 * A split's results as {@link splitRowBlocks} left them at `resultsAt` (band indices at
 * `bandAt`), copied to the caller's arrays and `into`.
 */
export function readSplit(
  buffer: ArrayBufferLike,
  resultsAt: number,
  bandAt: number,
  blockCount: number,
  blocks: Float64Array,
  headBlocks: Float64Array,
  band: Int32Array,
  into: RowSplit,
): RowSplit {
  const found = new Float64Array(buffer, resultsAt, SPLIT_SLOTS + 2 * blockCount);
  const count = found[4]!;
  blocks.set(found.subarray(SPLIT_SLOTS, SPLIT_SLOTS + blockCount));
  headBlocks.set(found.subarray(SPLIT_SLOTS + blockCount));
  band.set(new Int32Array(buffer, bandAt, count));
  into.total = found[0]!;
  into.head = found[1]!;
  into.headCount = found[2]!;
  into.headWeighted = found[3]!;
  into.band = count;
  return into;
}

/**
 * Row passes on the staging instance `kernel()` (null before `doInit` and after `doDispose`:
 * then core's JavaScript passes). The staging memory holds only copies made for one call at a
 * time, and every call copies its input first, so a pass may use it between calls.
 */
export function wasmRowPasses(
  kernel: () => KernelInstance | null,
  aheadOf: () => StartAhead | null = () => null,
): Required<RowPasses> {
  /** The row the sampler holds (`holding`): its copy is made once and kept between passes. */
  let held: FloatArray | null = null;
  const passes: Required<RowPasses> = Object.freeze({
    stats(x: FloatArray, into: RowStats): RowStats {
      const instance = kernel();
      if (instance === null || !(x instanceof Float32Array) || x.length === 0)
        return genericRowPasses.stats(x, into);
      stage(instance, x, 0, held);
      const [max, argmax, firstNaN, masked, positive] = instance.exports.rowStats(
        DATA_AT,
        x.length,
      );
      into.max = max;
      into.argmax = argmax;
      into.firstNaN = firstNaN;
      into.masked = masked;
      into.positive = positive;
      return into;
    },
    weigh(
      x: FloatArray,
      values: Float64Array,
      count: number,
      max: number,
      temperature: number,
      out: Float64Array,
    ): number {
      const instance = kernel();
      if (instance === null || !(x instanceof Float32Array) || !Number.isFinite(max) || count === 0)
        return genericRowPasses.weigh(x, values, count, max, temperature, out);
      // The values are entries of a float32 row: exact as float32. Terms follow them, both
      // after the held row's copy.
      const valuesAt = freeAt(instance);
      const termsAt = valuesAt + count * 4;
      instance.reserve(termsAt + count * 4);
      instance.f32.set(values.subarray(0, count), valuesAt >> 2);
      const [sum] = instance.exports.expSum(valuesAt, termsAt, count, max, scaleOf(temperature), 1);
      out.set(instance.f32.subarray(termsAt >> 2, (termsAt >> 2) + count));
      return sum;
    },
    countAtLeast(x: FloatArray, threshold: number): number {
      const instance = kernel();
      if (instance === null || !(x instanceof Float32Array))
        return genericRowPasses.countAtLeast(x, threshold);
      stage(instance, x, 0, held);
      return instance.exports.countAtLeast(DATA_AT, x.length, ceilFloat32(threshold));
    },
    gatherAtLeast(
      x: FloatArray,
      threshold: number,
      into: Int32Array,
      values?: Float64Array,
    ): number {
      const instance = kernel();
      if (instance === null || !(x instanceof Float32Array))
        return genericRowPasses.gatherAtLeast(x, threshold, into, values);
      const n = x.length;
      // The row, then room for the indices, then (with values) room for the values.
      stage(instance, x, values === undefined ? n * 4 : n * 8, held);
      const out = DATA_AT + n * 4;
      const count = instance.exports.gatherAtLeast(DATA_AT, n, ceilFloat32(threshold), out);
      into.set(instance.i32.subarray(out >> 2, (out >> 2) + count));
      if (values !== undefined) {
        const valuesAt = out + n * 4;
        instance.exports.pickValues(DATA_AT, out, count, valuesAt);
        values.set(instance.f32.subarray(valuesAt >> 2, (valuesAt >> 2) + count));
      }
      return count;
    },
    expSum(x: FloatArray, max: number, temperature: number, blocks?: Float64Array): number {
      const instance = kernel();
      if (instance === null || !(x instanceof Float32Array) || !Number.isFinite(max))
        return genericRowPasses.expSum(x, max, temperature, blocks);
      const n = x.length;
      stage(instance, x, 0, held);
      const scale = scaleOf(temperature);
      let total = 0;
      for (let start = 0, b = 0; start < n; start += ROW_BLOCK, b++) {
        const length = Math.min(ROW_BLOCK, n - start);
        // Without `write`: (sum of the terms below the max, count of entries equal to it).
        const [below, atMax] = instance.exports.expSum(
          DATA_AT + start * 4,
          0,
          length,
          max,
          scale,
          0,
        );
        const sum = below + atMax;
        if (blocks !== undefined) blocks[b] = sum;
        total += sum;
      }
      return total;
    },
    split(x: FloatArray, request: RowSplitRequest, into: RowSplit): RowSplit {
      const { max, temperature, lo, hi, weighted, band, blocks, headBlocks } = request;
      const instance = kernel();
      const low = ceilFloat32(lo);
      const high = ceilFloat32(hi);
      // The kernel's split needs a finite float32 lo (its tail pads with -Infinity) below hi.
      if (
        instance === null ||
        !(x instanceof Float32Array) ||
        !Number.isFinite(max) ||
        !(low > Number.NEGATIVE_INFINITY && low < high)
      )
        return genericRowPasses.split(x, request, into);
      const n = x.length;
      const blockCount = Math.ceil(n / ROW_BLOCK);
      // The row, then room for the band's indices (the whole row at most), the results, and
      // the band's values.
      stage(instance, x, n * 8 + (SPLIT_SLOTS + 2 * blockCount) * 8 + 8, held);
      const bandAt = DATA_AT + n * 4;
      const resultsAt = bandAt + n * 4 + ((bandAt + n * 4) % 8);
      const valuesAt = resultsAt + (SPLIT_SLOTS + 2 * blockCount) * 8;
      splitRowBlocks(
        instance.exports,
        instance.memory.buffer,
        DATA_AT,
        n,
        max,
        scaleOf(temperature),
        weighted ? 1 : 0,
        low,
        high,
        bandAt,
        n,
        resultsAt,
        ROW_BLOCK,
      );
      readSplit(
        instance.memory.buffer,
        resultsAt,
        bandAt,
        blockCount,
        blocks,
        headBlocks,
        band,
        into,
      );
      const { values } = request;
      if (values !== undefined) {
        instance.exports.pickValues(DATA_AT, bandAt, into.band, valuesAt);
        values.set(instance.f32.subarray(valuesAt >> 2, (valuesAt >> 2) + into.band));
        into.valued = true;
      }
      return into;
    },
    holding<T>(x: FloatArray, run: () => T): T {
      const instance = kernel();
      if (held !== null || instance === null || !(x instanceof Float32Array)) return run();
      held = x;
      try {
        return run();
      } finally {
        held = null;
        if (instance.heldRow === x) instance.heldRow = null;
      }
    },
    ahead(
      x: FloatArray,
      n: number,
      requests: readonly (RowAheadRequest | null)[],
    ): RowsAhead | null {
      const start = aheadOf();
      return start === null ? null : start(passes, x, n, requests);
    },
  });
  return passes;
}

/** Starts a batch's passes on the worker threads (`rows-ahead.ts`), or null when it cannot. */
export type StartAhead = (
  base: Required<RowPasses>,
  x: FloatArray,
  n: number,
  requests: readonly (RowAheadRequest | null)[],
) => RowsAhead | null;
