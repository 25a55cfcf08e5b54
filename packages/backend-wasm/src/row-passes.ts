/**
 * The sampler's row passes (`RowPasses` of `@softmax-kit/core`) on this backend: the exp sum of
 * a float32 row runs the kernel module's own SIMD `expSum` (on a copy of the row in the staging
 * memory, one call per block of `ROW_BLOCK` entries); the scans, the weights of the few gathered
 * tokens, and float64 rows use core's JavaScript passes.
 *
 * @packageDocumentation
 */
import { type FloatArray, ROW_BLOCK, type RowPasses } from '@softmax-kit/core';
import { genericRowPasses } from '@softmax-kit/core/internal';
import type { KernelInstance } from './kernel-instance.js';
import { DATA_AT } from './layout.js';

/** `log2(e) / T` as the kernels use it (`$scaleOf` in kernels/softmax.wat), capped at 1e308. */
const scaleOf = (temperature: number): number => Math.min(Math.LOG2E / temperature, 1e308);

/**
 * Row passes on the staging instance `kernel()` (null before `doInit` and after `doDispose`:
 * then core's JavaScript passes). The staging memory holds only copies made for one call at a
 * time, and every call copies its input first, so a pass may use it between calls.
 */
export function wasmRowPasses(kernel: () => KernelInstance | null): RowPasses {
  return Object.freeze({
    stats: genericRowPasses.stats,
    weigh: genericRowPasses.weigh,
    countAtLeast: genericRowPasses.countAtLeast,
    gatherAtLeast: genericRowPasses.gatherAtLeast,
    expSum(x: FloatArray, max: number, temperature: number, blocks?: Float64Array): number {
      const instance = kernel();
      if (instance === null || !(x instanceof Float32Array) || !Number.isFinite(max))
        return genericRowPasses.expSum(x, max, temperature, blocks);
      const n = x.length;
      instance.reserve(DATA_AT + n * 4);
      instance.f32.set(x, DATA_AT >> 2);
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
  });
}
