/**
 * The sampler's rows on the worker threads (`RowPasses.ahead` of core): for a batch, each row's
 * stats pass and its top-p split run on whichever thread takes the row first, while the calling
 * thread ranks and draws the rows before it. The calling thread copies the rows into the
 * pool's shared memory a few ahead of the one it samples; a worker takes them in order as they
 * arrive; when the calling thread needs a row a worker is still on, it takes the last row not
 * yet taken instead of waiting (so neither thread waits while rows are left). Every row is run
 * by one function on either thread (`ahead-row.ts`), so results equal the one-thread passes' to
 * the bit. A worker that dies or hangs costs only time: its row, and every row after, is
 * computed by the usual passes, and the pool is retired.
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
import {
  AHEAD_SLOTS,
  ROW_DONE,
  ROW_ON_MAIN,
  ROW_ON_WORKER,
  ROW_READY,
  runAheadRow,
} from './ahead-row.js';
import { META_BYTES } from './layout.js';
import { ceilFloat32, readSplit, scaleOf } from './row-passes.js';
import { SPLIT_SLOTS } from './split-blocks.js';
import { type ThreadPool, waitLimitMs } from './thread-pool.js';
import { THREADS_FROM } from './threaded-compute.js';

/** Rows copied ahead of the one the calling thread samples (work for a worker meanwhile). */
const COPY_AHEAD = 3;

const align16 = (bytes: number): number => Math.ceil(bytes / 16) * 16;

/**
 * Starts a batch's rows on the pool's workers, or returns null (the usual passes then): the
 * pool busy or retired, no worker idle, a batch under {@link THREADS_FROM} entries or of one row,
 * or a row type other than float32.
 */
export function rowsAhead(
  pool: ThreadPool,
  base: Required<RowPasses>,
  x: FloatArray,
  n: number,
  requests: readonly (RowAheadRequest | null)[],
): RowsAhead | null {
  const rows = requests.length;
  if (
    !pool.usable ||
    !(x instanceof Float32Array) ||
    rows < 2 ||
    n < 1 ||
    x.length !== rows * n ||
    rows * n < THREADS_FROM
  )
    return null;
  const blockCount = Math.ceil(n / ROW_BLOCK);
  // Room for a fourth of the row's indices in a band: a guess's band holds a few percent; a
  // larger one is split again on the calling thread.
  const cap = Math.ceil(n / 4);
  const jobAt = pool.size * META_BYTES;
  const statesAt = jobAt + 128;
  const requestsAt = align16(statesAt + (rows + 2) * 4);
  const resultsAt = align16(requestsAt + rows * 32);
  const idsOffset = align16((AHEAD_SLOTS + SPLIT_SLOTS + 2 * blockCount) * 8);
  const valuesOffset = idsOffset + align16(cap * 4);
  const resultBytes = valuesOffset + align16(cap * 4);
  const inputAt = align16(resultsAt + rows * resultBytes);
  const main = pool.main;
  try {
    main.reserve(inputAt + rows * n * 4);
  } catch {
    return null;
  }
  const buffer = main.memory.buffer;
  const limit = waitLimitMs(n);
  new Float64Array(buffer, jobAt, 12).set([
    rows,
    n,
    inputAt,
    statesAt,
    requestsAt,
    resultsAt,
    resultBytes,
    cap,
    ROW_BLOCK,
    idsOffset,
    limit,
    valuesOffset,
  ]);
  const states = new Int32Array(buffer, statesAt, rows + 2).fill(0);
  const asked = new Float64Array(buffer, requestsAt, rows * 4);
  requests.forEach((request, r) => {
    asked[r * 4] = request === null ? Number.NaN : ceilFloat32(request.lo);
    asked[r * 4 + 1] = request === null ? Number.NaN : ceilFloat32(request.hi);
    asked[r * 4 + 2] = request === null ? Number.NaN : scaleOf(request.temperature);
    asked[r * 4 + 3] = request?.weighted === true ? 1 : 0;
  });
  pool.busy = true;
  if (pool.beginAhead(jobAt) === 0) {
    pool.busy = false;
    return null;
  }
  const f32 = new Float32Array(buffer);
  let copied = 0;
  const copyTo = (end: number) => {
    for (; copied < Math.min(end, rows); copied++) {
      f32.set(x.subarray(copied * n, copied * n + n), (inputAt >> 2) + copied * n);
      Atomics.store(states, copied, ROW_READY);
      Atomics.store(states, rows + 1, copied + 1);
      Atomics.notify(states, rows + 1);
    }
  };
  const runHere = (r: number) => {
    runAheadRow(main.exports, buffer, jobAt, r);
    Atomics.store(states, r, ROW_DONE);
  };
  /** True once a worker failed the batch: rows not done by then take the usual passes. */
  let broken = false;
  let ended = false;
  /** True when row r's results are in; false when they will not come (the usual passes then). */
  const settle = (r: number): boolean => {
    if (broken || ended) return Atomics.load(states, r) === ROW_DONE;
    copyTo(r + 1 + COPY_AHEAD);
    let waitingSince = Number.NaN;
    for (;;) {
      const state = Atomics.load(states, r);
      if (state === ROW_DONE) return true;
      if (state === ROW_READY) {
        if (Atomics.compareExchange(states, r, ROW_READY, ROW_ON_MAIN) === ROW_READY) {
          runHere(r);
          return true;
        }
        continue;
      }
      if (state !== ROW_ON_WORKER) return false; // (cannot happen: r is copied)
      // A worker has it: take the last row nobody took instead of waiting.
      let stole = false;
      for (let q = copied - 1; q > r && !stole; q--)
        if (
          Atomics.load(states, q) === ROW_READY &&
          Atomics.compareExchange(states, q, ROW_READY, ROW_ON_MAIN) === ROW_READY
        ) {
          runHere(q);
          stole = true;
        }
      if (stole) continue;
      const now = performance.now();
      if (Number.isNaN(waitingSince)) waitingSince = now;
      const trouble = pool.trouble;
      if (trouble !== null || now - waitingSince > limit) {
        if (trouble === null)
          pool.retire(
            `a worker did not finish a row of the sampler within ${Math.round(limit)} ms`,
          );
        broken = true;
        return false;
      }
      pool.pause(states, r, ROW_ON_WORKER, Math.min(limit, 5));
    }
  };
  const resultOf = (r: number) =>
    new Float64Array(buffer, resultsAt + r * resultBytes, AHEAD_SLOTS + SPLIT_SLOTS);
  const isRow = (row: FloatArray, r: number): boolean =>
    row instanceof Float32Array &&
    row.buffer === x.buffer &&
    row.byteOffset === x.byteOffset + r * n * 4 &&
    row.length === n;
  const started: RowsAhead = {
    row(r: number): Required<RowPasses> {
      return Object.freeze({
        ...base,
        stats(row: FloatArray, into: RowStats): RowStats {
          if (!isRow(row, r) || !settle(r)) return base.stats(row, into);
          const found = resultOf(r);
          into.max = found[0]!;
          into.argmax = found[1]!;
          into.firstNaN = found[2]!;
          into.masked = found[3]!;
          into.positive = found[4]!;
          return into;
        },
        split(row: FloatArray, request: RowSplitRequest, into: RowSplit): RowSplit {
          if (!isRow(row, r) || !settle(r)) return base.split(row, request, into);
          const found = resultOf(r);
          const at = r * 4;
          const same =
            found[5] === 1 &&
            request.max === found[0] &&
            ceilFloat32(request.lo) === asked[at] &&
            ceilFloat32(request.hi) === asked[at + 1] &&
            scaleOf(request.temperature) === asked[at + 2] &&
            (request.weighted ? 1 : 0) === asked[at + 3];
          if (!same) return base.split(row, request, into);
          const resultAt = resultsAt + r * resultBytes;
          readSplit(
            buffer,
            resultAt + AHEAD_SLOTS * 8,
            resultAt + idsOffset,
            blockCount,
            request.blocks,
            request.headBlocks,
            request.band,
            into,
          );
          // The band's values, picked by the thread that split the row (from its copy).
          if (request.values !== undefined) {
            request.values.set(new Float32Array(buffer, resultAt + valuesOffset, into.band));
            into.valued = true;
          }
          return into;
        },
        ahead: () => null,
      });
    },
    end(): void {
      if (ended) return;
      ended = true;
      Atomics.store(states, rows, 1);
      Atomics.notify(states, rows + 1);
      pool.endAhead(limit);
      pool.busy = false;
    },
  };
  // The first rows for the worker; should the copy fail, the worker and the pool are let go.
  try {
    copyTo(1 + COPY_AHEAD);
  } catch (error) {
    started.end();
    throw error;
  }
  return started;
}
