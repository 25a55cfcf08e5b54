/**
 * One row of a batch run ahead for the sampler (`rows-ahead.ts`): its stats pass, then its split
 * when one was asked. One function for the calling thread and the worker threads (its source text
 * is part of the worker's program), so whichever thread takes a row gives the same results to
 * the bit. Plain ES2020 with no imports: besides its parameters it names only
 * `splitRowBlocks`, which the worker's program defines beside it.
 *
 * The job is described in the shared memory at `jobAt` (float64 slots, written by
 * `rows-ahead.ts`): 0 rows, 1 n, 2 inputAt (the rows' copies, one after the other), 3 statesAt
 * (int32: a state per row, then the stop flag, then the count of rows copied), 4 requestsAt
 * (four float64 a row: the float32 lo and hi, the kernels' scale, weighted 0/1; lo NaN when no
 * split is asked), 5 resultsAt, 6 bytes of results a row, 7 room for band indices a row,
 * 8 the block size, 9 where a row's band indices start within its results, 10 the wait limit
 * in ms, 11 where its band's values (float32) start. A row's results (float64): 0-4 its stats
 * (max, argmax, firstNaN, masked, positive), 5 the split's status (1 split, 0 none asked or possible, -1 the band passed its room), then
 * the split's results as `splitRowBlocks` writes them.
 *
 * @packageDocumentation
 */
import type { KernelExports } from './kernel-instance.js';
import { type SplitExports, splitRowBlocks } from './split-blocks.js';

/** The kernel exports a row run ahead uses. */
export type AheadExports = SplitExports & Pick<KernelExports, 'rowStats' | 'pickValues'>;

/** Float64 slots of a row's results before the split's own (stats, status). */
export const AHEAD_SLOTS = 6;

/** Runs row `r` of the job at `jobAt` (see the module's text) into its results. */
export function runAheadRow(
  ex: AheadExports,
  buffer: ArrayBufferLike,
  jobAt: number,
  r: number,
): void {
  const job = new Float64Array(buffer, jobAt, 12);
  const n = job[1] as number;
  const at = (job[2] as number) + r * n * 4;
  const request = new Float64Array(buffer, (job[4] as number) + r * 32, 4);
  const resultAt = (job[5] as number) + r * (job[6] as number);
  // Stats, status, then the split's first five results (its band's count at 10).
  const out = new Float64Array(buffer, resultAt, 11);
  const stats = ex.rowStats(at, n);
  for (let k = 0; k < 5; k++) out[k] = stats[k] as number;
  out[5] = 0;
  const max = stats[0];
  const low = request[0] as number;
  const high = request[1] as number;
  if (stats[2] >= 0 || !(Math.abs(max) < Number.POSITIVE_INFINITY)) return;
  if (!(low > Number.NEGATIVE_INFINITY && low < high)) return;
  const done = splitRowBlocks(
    ex,
    buffer,
    at,
    n,
    max,
    request[2] as number,
    request[3] as number,
    low,
    high,
    resultAt + (job[9] as number),
    job[7] as number,
    resultAt + 6 * 8,
    job[8] as number,
  );
  out[5] = done ? 1 : -1;
  // The band's values too, from this thread's copy of the row.
  if (done)
    ex.pickValues(
      at,
      resultAt + (job[9] as number),
      out[10] as number,
      resultAt + (job[11] as number),
    );
}

/** Row states (int32 at statesAt; 0 until the row is copied). */
export const ROW_READY = 1;
export const ROW_ON_WORKER = 2;
export const ROW_ON_MAIN = 3;
export const ROW_DONE = 4;

/**
 * A worker's part of a job: the rows in order, each as soon as it is copied, each claimed
 * (ready -> on a worker) unless another thread took it; stops when the job's stop flag is set,
 * after the last row, or when no row is copied within the job's wait limit.
 */
export function aheadRows(ex: AheadExports, memory: WebAssembly.Memory, jobAt: number): void {
  const buffer = memory.buffer;
  const job = new Float64Array(buffer, jobAt, 12);
  const rows = job[0] as number;
  const limit = job[10] as number;
  const states = new Int32Array(buffer, job[3] as number, rows + 2);
  for (let r = 0; r < rows; r++) {
    for (;;) {
      if (Atomics.load(states, rows) !== 0) return;
      const copied = Atomics.load(states, rows + 1);
      if (copied > r) break;
      if (Atomics.wait(states, rows + 1, copied, limit) === 'timed-out') return;
    }
    // 1 -> 2: ready -> on a worker (the literals: this function runs without the module).
    if (Atomics.compareExchange(states, r, 1, 2) !== 1) continue;
    runAheadRow(ex, buffer, jobAt, r);
    Atomics.store(states, r, 4);
    Atomics.notify(states, r);
  }
}
