/**
 * The sampler's `split` of one float32 row already in a kernel instance's memory, block by
 * block through the kernel's `expSplit`: one function for the calling thread (`row-passes.ts`)
 * and the worker threads (its source text is part of the worker's program, `worker-source.ts`),
 * so a row split on a worker gives the calling thread's results to the bit. Plain ES2020, no
 * imports and no names from outside: its `toString()` runs in a worker.
 *
 * @packageDocumentation
 */
import type { KernelExports } from './kernel-instance.js';

/** The kernel exports the split uses. */
export type SplitExports = Pick<
  KernelExports,
  'expSplit' | 'headCount' | 'bandCount' | 'headWeighted'
>;

/** float64 slots before the block sums at `resultsAt` (total, head, headCount, headWeighted, band). */
export const SPLIT_SLOTS = 5;

/**
 * Splits the `n` entries at byte `at` (see `RowPasses.split` in core): float64 at `resultsAt`
 * gets total, head, headCount, headWeighted (nats), the band's count, then each block's sum
 * (`ceil(n / block)` of them), then each block's head sum; the band's indices go to `idsAt`.
 * `low` and `high` are the float32 bounds (`ceilFloat32`), `scale` the kernels' `log2(e) / T`.
 * Returns false, with the results incomplete, when the band would pass `cap` indices.
 */
export function splitRowBlocks(
  ex: SplitExports,
  buffer: ArrayBufferLike,
  at: number,
  n: number,
  max: number,
  scale: number,
  weighted: number,
  low: number,
  high: number,
  idsAt: number,
  cap: number,
  resultsAt: number,
  block: number,
): boolean {
  const blockCount = Math.ceil(n / block);
  const out = new Float64Array(buffer, resultsAt, 5 + 2 * blockCount);
  let total = 0;
  let head = 0;
  let headCount = 0;
  let headWeighted = 0;
  let count = 0;
  for (let start = 0, b = 0; start < n; start += block, b++) {
    const length = Math.min(block, n - start);
    if (count + length > cap) return false;
    const [sum, above] = ex.expSplit(
      at + start * 4,
      idsAt + count * 4,
      length,
      max,
      scale,
      weighted,
      low,
      high,
      start,
    );
    out[5 + b] = sum;
    out[5 + blockCount + b] = above;
    total += sum;
    head += above;
    headCount += ex.headCount.value as number;
    if (weighted !== 0) headWeighted += ex.headWeighted.value as number;
    count += ex.bandCount.value as number;
  }
  out[0] = total;
  out[1] = head;
  out[2] = headCount;
  // The kernel's u is in log2 units: z = u ln 2.
  out[3] = headWeighted * Math.LN2;
  out[4] = count;
  return true;
}
