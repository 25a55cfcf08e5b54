import type { KernelRequest } from '@softmax-kit/core';
import { CHUNK_ROWS, MAX_AT, META_BYTES, SKIP_AT, SUMS_AT, TEMPERATURE_AT } from './layout.js';
import { scaleOf } from './row-passes.js';
import { runRequest } from './run-request.js';
import type { PendingParts, ThreadPool } from './thread-pool.js';

/** Calls below this many entries run on the calling thread: waking a worker costs ~10-50 us. */
export const THREADS_FROM = 256 * 1024;

/** A threaded computation: yields the parts it waits for, returns as {@link runRequest} does. */
export type Threaded = Generator<PendingParts, boolean, void>;

/**
 * Computes a request whose rows are staged at `inputAt` of the pool's shared memory, split over
 * its threads: a batch by rows (each thread its own rows, up to {@link CHUNK_ROWS} each), one
 * long row by columns in two phases (partial max and sums per chunk, combined in float64, then
 * each chunk normalised). Results stay in place at `inputAt`. Returns false when the kernel was
 * asked to halt on a flagged row (nothing written), as {@link runRequest} does.
 *
 * A generator: it yields whenever it must wait for workers, and the caller waits
 * (`pool.waitSync` for the synchronous API, `await pool.waitAsync` for the asynchronous one).
 */
export function* computeThreaded(
  request: KernelRequest,
  pool: ThreadPool,
  inputAt: number,
): Threaded {
  const { rows, cols } = request;
  if (rows * cols >= THREADS_FROM) {
    if (rows === 1) {
      const done = yield* splitRow(request, pool, inputAt);
      if (done !== null) return done;
    } else if (rows <= pool.size * CHUNK_ROWS) {
      return yield* splitRows(request, pool, inputAt);
    }
  }
  return runRequest(request, { kernel: pool.main, inputAt, outputAt: inputAt });
}

/** Rows [first, end) of each thread: contiguous, as equal as can be. */
function rowRange(rows: number, threads: number, t: number): [number, number] {
  return [Math.floor((rows * t) / threads), Math.floor((rows * (t + 1)) / threads)];
}

function* splitRows(request: KernelRequest, pool: ThreadPool, inputAt: number): Threaded {
  const { operation, rows, cols, rowMax, temperature, skip, scan } = request;
  const threads = Math.min(pool.size, rows);
  const { f64, u8 } = pool.main;
  const rowBytes = cols * 4;
  const ranges = Array.from({ length: pool.size }, (_, t) =>
    t < threads ? rowRange(rows, threads, t) : ([rows, rows] as [number, number]),
  );
  const meta = (t: number) => t * META_BYTES;
  const part = Math.ceil(rows / threads) * cols;
  if (scan !== null) {
    const counts = yield* pool.all(
      'scan',
      (t) => {
        const [first, end] = ranges[t] as [number, number];
        return [inputAt + first * rowBytes, end - first, cols, meta(t) + MAX_AT, meta(t) + SKIP_AT];
      },
      part,
    );
    let flagged = 0;
    for (let t = 0; t < pool.size; t++) {
      const [first, end] = ranges[t] as [number, number];
      for (let r = first; r < end; r++) {
        scan.rowMax[r] = f64[(meta(t) + MAX_AT) / 8 + r - first] as number;
        scan.flags[r] = u8[meta(t) + SKIP_AT + r - first] as number;
      }
      flagged += (counts[t] as [number, number])[0];
    }
    if (flagged > 0 && scan.haltOnFlag) return false;
  }
  for (let t = 0; t < pool.size; t++) {
    const [first, end] = ranges[t] as [number, number];
    const base = meta(t);
    for (let r = first; r < end; r++) {
      const i = r - first;
      f64[(base + MAX_AT) / 8 + i] = rowMax[r] as number;
      f64[(base + TEMPERATURE_AT) / 8 + i] = temperature[r] as number;
      u8[base + SKIP_AT + i] = (skip?.[r] ?? 0) | (scan?.flags[r] ?? 0);
    }
  }
  const common = (t: number) => [meta(t) + MAX_AT, meta(t) + TEMPERATURE_AT, meta(t) + SKIP_AT];
  const at = (t: number) => inputAt + (ranges[t] as [number, number])[0] * rowBytes;
  const count = (t: number) => {
    const [first, end] = ranges[t] as [number, number];
    return end - first;
  };
  if (operation === 'softmax') {
    yield* pool.all('softmax', (t) => [at(t), at(t), count(t), cols, ...common(t)], part);
    return true;
  }
  yield* pool.all(
    'sumExcludingMax',
    (t) => [at(t), count(t), cols, ...common(t), meta(t) + SUMS_AT],
    part,
  );
  for (let t = 0; t < pool.size; t++) {
    const [first, end] = ranges[t] as [number, number];
    const sums = (meta(t) + SUMS_AT) / 8;
    for (let r = first; r < end; r++) {
      const i = r - first;
      if (u8[meta(t) + SKIP_AT + i] !== 0) continue;
      const log = Math.log1p(f64[sums + i] as number);
      if (operation === 'logSumExp') request.output[r] = (rowMax[r] as number) + log;
      else f64[sums + i] = log;
    }
  }
  if (operation === 'logSoftmax') {
    yield* pool.all(
      'logSoftmax',
      (t) => [at(t), at(t), count(t), cols, ...common(t), meta(t) + SUMS_AT],
      part,
    );
  }
  return true;
}

/**
 * One long row in column chunks (multiples of 4 entries). Returns null when the chunks' scan
 * cannot tell a row of only -Infinity from one with NaN (a chunk of -Infinity and NaN): the
 * caller then runs the row on one thread.
 */
function* splitRow(
  request: KernelRequest,
  pool: ThreadPool,
  inputAt: number,
): Generator<PendingParts, boolean | null, void> {
  const { operation, cols, temperature, skip, scan } = request;
  const threads = pool.size;
  const { f64, u8 } = pool.main;
  const bounds = Array.from({ length: threads + 1 }, (_, t) =>
    t === threads ? cols : Math.floor((cols * t) / threads / 4) * 4,
  );
  const at = (t: number) => inputAt + (bounds[t] as number) * 4;
  const length = (t: number) => (bounds[t + 1] as number) - (bounds[t] as number);
  const meta = (t: number) => t * META_BYTES;
  const part = Math.ceil(cols / threads) + 4;
  let max = request.rowMax[0] as number;
  if (scan !== null) {
    yield* pool.all(
      'scan',
      (t) => [at(t), 1, length(t), meta(t) + MAX_AT, meta(t) + SKIP_AT],
      part,
    );
    max = Number.NEGATIVE_INFINITY;
    let nan = false;
    for (let t = 0; t < threads; t++) {
      const chunkMax = f64[(meta(t) + MAX_AT) / 8] as number;
      const flagged = u8[meta(t) + SKIP_AT] !== 0;
      if (flagged && chunkMax === Number.NEGATIVE_INFINITY) return null;
      if (flagged && Number.isFinite(chunkMax)) nan = true;
      if (chunkMax > max) max = chunkMax;
    }
    scan.rowMax[0] = max;
    const flag = nan || !Number.isFinite(max) ? 1 : 0;
    scan.flags[0] = flag;
    if (flag === 1) return !scan.haltOnFlag;
  }
  if (skip?.[0] === 1) return true;
  const t0 = temperature[0] as number;
  const write = operation === 'softmax' ? 1 : 0;
  const scale = scaleOf(t0);
  const parts = yield* pool.all(
    'expSum',
    (t) => [at(t), at(t), length(t), max, scale, write],
    part,
  );
  let sum = 0;
  let count = 0;
  for (const [s, c] of parts) {
    sum += s;
    count += c;
  }
  if (operation === 'softmax') {
    const factor = Math.fround(1 / sum);
    yield* pool.all('scaleRow', (t) => [at(t), length(t), factor], part);
    return true;
  }
  const log = Math.log1p(count - 1 + sum);
  if (operation === 'logSumExp') {
    request.output[0] = max + log;
    return true;
  }
  for (let t = 0; t < threads; t++) {
    f64[(meta(t) + MAX_AT) / 8] = max;
    f64[(meta(t) + TEMPERATURE_AT) / 8] = t0;
    u8[meta(t) + SKIP_AT] = 0;
    f64[(meta(t) + SUMS_AT) / 8] = log;
  }
  yield* pool.all(
    'logSoftmax',
    (t) => [
      at(t),
      at(t),
      1,
      length(t),
      meta(t) + MAX_AT,
      meta(t) + TEMPERATURE_AT,
      meta(t) + SKIP_AT,
      meta(t) + SUMS_AT,
    ],
    part,
  );
  return true;
}
