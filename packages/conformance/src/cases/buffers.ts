/**
 * The buffers group (SPEC): input and `out` as subarray views at a non-zero `byteOffset` of a
 * larger buffer, in place, and partly overlapping, give correct results, and no byte outside the
 * `out` view changes (guard bytes around the views are compared byte for byte); nothing is
 * written after the call resolved (the buffers are compared again once the backend is idle and
 * {@link LATE_WRITE_WAIT_MS} more have passed).
 * A kernel that writes into `output.buffer` from offset 0, or reads `input.buffer` ignoring
 * `byteOffset`, fails here.
 */
import type { Dtype, FloatArray, Operation } from '@softmax-kit/core';
import { DERIVATION } from '../bounds.js';
import type { CaseContext, ConformanceCase, Tracker } from '../case.js';
import { call, checkResultType } from '../helpers/calls.js';
import { DTYPES, inDtype, uniformRow } from '../helpers/inputs.js';
import {
  measureLogSoftmax,
  measureLogSumExp,
  measureSoftmax,
  referenceWithBounds,
} from '../helpers/measure.js';
import { trackedCase } from '../helpers/tracked-case.js';
import { MAX_CALL_ELEMENTS, PROFILE_SIZES, type Shape } from '../profile.js';
import { TimeLimitExceeded, withTimeLimit } from '../time-limits.js';
import { splitCalls } from './real-size.js';

const ROWS = 3;
const COLS = 17;
/** The guard pattern every byte outside the views starts as. */
const GUARD = 0xa5;

/** A buffer of `length` elements of `dtype`, every byte set to the guard pattern. */
function guardedBuffer(dtype: Dtype, length: number): ArrayBuffer {
  const bytes = new Uint8Array(length * (dtype === 'float32' ? 4 : 8));
  bytes.fill(GUARD);
  return bytes.buffer;
}

/** A view of `length` elements at element `offset` of `buffer`. */
function view(dtype: Dtype, buffer: ArrayBuffer, offset: number, length: number): FloatArray {
  return dtype === 'float32'
    ? new Float32Array(buffer, offset * 4, length)
    : new Float64Array(buffer, offset * 8, length);
}

/** The byte ranges [start, end) of the views that may change. */
type Ranges = readonly (readonly [number, number])[];

function byteRange(v: FloatArray): readonly [number, number] {
  return [v.byteOffset, v.byteOffset + v.byteLength];
}

/** Checks that every byte of `buffer` outside `writable` still equals `before`. */
function checkOutside(
  t: Tracker,
  where: string,
  buffer: ArrayBuffer,
  before: Uint8Array,
  writable: Ranges,
): void {
  const now = new Uint8Array(buffer);
  let changed = 0;
  let first = -1;
  for (let i = 0; i < now.length; i++) {
    if (writable.some(([a, b]) => i >= a && i < b)) continue;
    if (now[i] !== before[i]) {
      changed++;
      if (first < 0) first = i;
    }
  }
  t.require(
    changed === 0,
    () =>
      `${where}: ${changed} byte(s) outside the out view changed (first at byte ${first} of the buffer; the view is at bytes ${writable.map(([a, b]) => `${a}-${b}`).join(', ') || 'none'})`,
  );
}

/** The rows of a case: uniform logits, rounded to the dtype. */
function makeRows(context: CaseContext, dtype: Dtype): Float64Array[] {
  return Array.from({ length: ROWS }, (_, r) =>
    inDtype(dtype, uniformRow(context.rng, COLS, [4, 12, 30][r] as number)),
  );
}

/** Measures a result (of the original rows) against the reference. */
function measure(
  context: CaseContext,
  t: Tracker,
  operation: Operation,
  dtype: Dtype,
  rows: readonly Float64Array[],
  result: FloatArray,
  where: string,
): void {
  const model = context.model(dtype);
  const width = operation === 'logSumExp' ? 1 : COLS;
  if (!checkResultType(t, where, result, dtype, ROWS * width)) return;
  rows.forEach((row, r) => {
    const { ref, bounds } = referenceWithBounds(row, 1, model);
    const at = `${where} row ${r}`;
    const entry = { where: at, actual: result, offset: r * COLS, row, ref, bounds, model };
    if (operation === 'softmax') measureSoftmax(t, entry);
    else if (operation === 'logSoftmax') measureLogSoftmax(t, entry);
    else measureLogSumExp(t, { where: at, value: result[r] as number, ref, bounds, model });
  });
}

/** Writes the rows into `target` one after another. */
function fill(target: FloatArray, rows: readonly Float64Array[]): void {
  rows.forEach((row, r) => {
    target.set(row, r * COLS);
  });
}

const ALL: readonly Operation[] = ['softmax', 'logSoftmax', 'logSumExp'];
const BOTH: readonly Operation[] = ['softmax', 'logSoftmax'];
const SHAPE = [ROWS, COLS];

function inputViewCase(dtype: Dtype): ConformanceCase {
  return trackedCase(
    `buffers.input-view.${dtype}`,
    'buffers',
    `A ${dtype} input that is a subarray view at a non-zero byteOffset gives the result of the view's values, and no byte of its buffer changes.`,
    DERIVATION.softmax,
    async (context, t) => {
      const rows = makeRows(context, dtype);
      for (const operation of ALL) {
        const buffer = guardedBuffer(dtype, ROWS * COLS + 11);
        const input = view(dtype, buffer, 5, ROWS * COLS);
        fill(input, rows);
        const before = new Uint8Array(buffer.slice(0));
        const result = await call(context, operation, input, { shape: SHAPE });
        checkOutside(t, `${operation} input view`, buffer, before, []);
        measure(context, t, operation, dtype, rows, result, `${operation} of a view at element 5`);
      }
    },
  );
}

function outViewCase(dtype: Dtype): ConformanceCase {
  return trackedCase(
    `buffers.out-view.${dtype}`,
    'buffers',
    `An out that is a ${dtype} subarray view at a non-zero byteOffset is filled and returned, and no byte outside the view changes.`,
    DERIVATION.softmax,
    async (context, t) => {
      const rows = makeRows(context, dtype);
      for (const operation of ALL) {
        const width = operation === 'logSumExp' ? 1 : COLS;
        const input = view(dtype, guardedBuffer(dtype, ROWS * COLS), 0, ROWS * COLS);
        fill(input, rows);
        const buffer = guardedBuffer(dtype, ROWS * width + 9);
        const out = view(dtype, buffer, 3, ROWS * width);
        const before = new Uint8Array(buffer.slice(0));
        const result = await call(context, operation, input, { shape: SHAPE, out });
        t.require(result === out, `${operation}: the result is not the out view itself`);
        checkOutside(t, `${operation} out view`, buffer, before, [byteRange(out)]);
        measure(context, t, operation, dtype, rows, out, `${operation} into an out view`);
      }
    },
  );
}

function inPlaceViewCase(dtype: Dtype): ConformanceCase {
  return trackedCase(
    `buffers.in-place-view.${dtype}`,
    'buffers',
    `softmax and logSoftmax in place on a ${dtype} subarray view (out = input, non-zero byteOffset) overwrite exactly the view with the result of its old values.`,
    DERIVATION.softmax,
    async (context, t) => {
      const rows = makeRows(context, dtype);
      for (const operation of BOTH) {
        const buffer = guardedBuffer(dtype, ROWS * COLS + 7);
        const data = view(dtype, buffer, 4, ROWS * COLS);
        fill(data, rows);
        const before = new Uint8Array(buffer.slice(0));
        const result = await call(context, operation, data, { shape: SHAPE, out: data });
        t.require(result === data, `${operation}: the result is not the view itself`);
        checkOutside(t, `${operation} in place`, buffer, before, [byteRange(data)]);
        measure(context, t, operation, dtype, rows, data, `${operation} in place`);
      }
    },
  );
}

function overlapCase(dtype: Dtype): ConformanceCase {
  return trackedCase(
    `buffers.overlap.${dtype}`,
    'buffers',
    `Input and out as partly overlapping ${dtype} views of one buffer (out after the input, out before it, and a logSumExp out inside the input) give the result of the input's values before the call, and only the out view changes.`,
    DERIVATION.softmax,
    async (context, t) => {
      const rows = makeRows(context, dtype);
      const total = ROWS * COLS;
      // [input offset, out offset] in elements: out 7 after the input, out 7 before it
      const layouts: readonly [Operation, number, number][] = [
        ...BOTH.flatMap((op): [Operation, number, number][] => [
          [op, 2, 9],
          [op, 9, 2],
        ]),
        ['logSumExp', 2, 3],
      ];
      for (const [operation, inputAt, outAt] of layouts) {
        const width = operation === 'logSumExp' ? 1 : COLS;
        const buffer = guardedBuffer(dtype, total + 20);
        const input = view(dtype, buffer, inputAt, total);
        fill(input, rows);
        const out = view(dtype, buffer, outAt, ROWS * width);
        const before = new Uint8Array(buffer.slice(0));
        const where = `${operation} input at element ${inputAt}, out at ${outAt}`;
        const result = await call(context, operation, input, { shape: SHAPE, out });
        t.require(result === out, `${where}: the result is not the out view itself`);
        checkOutside(t, where, buffer, before, [byteRange(out)]);
        measure(context, t, operation, dtype, rows, out, where);
      }
    },
  );
}

/**
 * How long the late-write check keeps watching the caller's buffers once the backend says it is
 * idle. Timers in one thread fire in the order they expire, so a write a kernel scheduled with a
 * delay up to this long (from a timer set during the call) lands before the check, whatever the
 * machine's load.
 */
export const LATE_WRITE_WAIT_MS = 1500;
/** The longest the check waits for `doIdle()` before it fails the case. */
export const IDLE_LIMIT_MS = 10_000;

/** A buffer the caller owns and the bytes it held when its call resolved. */
interface Watched {
  readonly where: string;
  readonly bytes: Uint8Array;
  readonly snapshot: Uint8Array;
}

function watch(where: string, array: FloatArray): Watched {
  const bytes = new Uint8Array(array.buffer, 0, array.buffer.byteLength);
  return { where, bytes, snapshot: bytes.slice() };
}

/** Awaits the backend's own `doIdle()` (read once), within {@link IDLE_LIMIT_MS}. */
async function backendIdle(context: CaseContext, t: Tracker): Promise<void> {
  const backend = context.backend;
  const idle = backend.doIdle;
  if (typeof idle !== 'function') return;
  try {
    await withTimeLimit(() => idle.call(backend), IDLE_LIMIT_MS, 'doIdle()');
  } catch (error) {
    t.fail(
      error instanceof TimeLimitExceeded
        ? `doIdle() did not resolve within ${IDLE_LIMIT_MS} ms`
        : `doIdle() failed: ${String((error as Error)?.message ?? error)}`,
    );
  }
}

/** One call at or past each split threshold the backend declares (a worker path, a chunked one). */
function thresholdShapes(context: CaseContext): Shape[] {
  const shapes: Shape[] = [];
  for (const { shape, side } of splitCalls(context.capabilities.splitsAt ?? [], PROFILE_SIZES.fast))
    if (side === 'at or past' && shape[0] * shape[1] <= MAX_CALL_ELEMENTS) shapes.push(shape);
  return shapes;
}

function noLateWriteCase(dtype: Dtype): ConformanceCase {
  return trackedCase(
    `buffers.no-late-write.${dtype}`,
    'buffers',
    `Nothing is written into a ${dtype} result, an out view, an in-place view, the input, or their buffers after the call resolved: every call of the case (each operation with and without out, in place, and one call at or past each declared split threshold) is compared again once the backend is idle (doIdle, where it has one) and ${LATE_WRITE_WAIT_MS} ms more have passed. Not seen: writes later than that, writes set off by a later event (another call, a garbage collection), and writes by a thread whose work doIdle does not report that arrive after the wait.`,
    undefined,
    async (context, t) => {
      const rows = makeRows(context, dtype);
      const watched: Watched[] = [];
      for (const operation of ALL) {
        const width = operation === 'logSumExp' ? 1 : COLS;
        const input = view(dtype, guardedBuffer(dtype, ROWS * COLS), 0, ROWS * COLS);
        fill(input, rows);
        const inputWatch = watch(`${operation}: the input`, input);
        const out = view(dtype, guardedBuffer(dtype, ROWS * width + 6), 3, ROWS * width);
        await call(context, operation, input, { shape: SHAPE, out });
        watched.push(watch(`${operation} out view after it resolved`, out));
        const fresh = await call(context, operation, input, { shape: SHAPE });
        watched.push(watch(`${operation}: the returned result after the call resolved`, fresh));
        watched.push(inputWatch);
      }
      const data = view(dtype, guardedBuffer(dtype, ROWS * COLS + 5), 2, ROWS * COLS);
      fill(data, rows);
      await call(context, 'softmax', data, { shape: SHAPE, out: data });
      watched.push(watch('softmax in place after it resolved', data));
      for (const [count, cols] of thresholdShapes(context)) {
        const n = count * cols;
        const input = dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
        for (let i = 0; i < n; i++) input[i] = context.rng.uniform(-8, 8);
        const inputWatch = watch(`softmax ${count} x ${cols}: the input`, input);
        const out = dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
        await call(context, 'softmax', input, { shape: [count, cols], out });
        watched.push(watch(`softmax ${count} x ${cols} out after it resolved`, out), inputWatch);
      }
      await backendIdle(context, t);
      await new Promise((resolve) => setTimeout(resolve, LATE_WRITE_WAIT_MS));
      for (const { where, bytes, snapshot } of watched) {
        let changed = 0;
        let first = -1;
        for (let i = 0; i < bytes.length; i++) {
          if (bytes[i] !== snapshot[i]) {
            changed++;
            if (first < 0) first = i;
          }
        }
        t.require(
          changed === 0,
          () =>
            `${where}: ${changed} byte(s) changed within ${LATE_WRITE_WAIT_MS} ms after the backend was idle (first at byte ${first} of its buffer)`,
        );
      }
    },
  );
}

/** The buffers group. */
export function bufferCases(): ConformanceCase[] {
  return DTYPES.flatMap((dtype) => [
    inputViewCase(dtype),
    outViewCase(dtype),
    inPlaceViewCase(dtype),
    overlapCase(dtype),
    noLateWriteCase(dtype),
  ]);
}
