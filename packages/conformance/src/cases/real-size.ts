/**
 * Calls at the sizes users run (accuracy group): batches of 64 to 256 rows and vocabularies of
 * 32k to 256k, every row checked against the reference (`accuracy.batch.*`), and calls on both
 * sides of every split threshold the backend declares in `capabilities.splitsAt`
 * (`accuracy.split.*`), never guessed from its name. The sizes come from the run's profile
 * (`profile.ts`).
 *
 * Cost: the double-double reference takes about 5 us per entry, so every row of a call is a
 * rotation of one base row (`row_r[i] = base[(i + k_r) mod n]`, a different `k_r` per row): the
 * rows differ (a kernel that mixes them up, or gives up after row 64, fails) while one reference
 * per row length serves them all, rotated the same way. Base rows are exact in float32, so both
 * dtypes share them; references are cached per length for the run
 * (or the process: shared-values.ts).
 */
import type { Dtype, FloatArray, Operation, SplitThreshold } from '@softmax-kit/core';
import { DERIVATION, type RowBounds, rowBounds } from '../bounds.js';
import type { CaseContext, ConformanceCase, Tracker } from '../case.js';
import { SkipCase } from '../case.js';
import { call, checkResultType } from '../helpers/calls.js';
import { DTYPES, inDtype, uniformRow } from '../helpers/inputs.js';
import {
  measureLogSoftmax,
  measureLogSumExp,
  measureRowSum,
  measureSoftmax,
} from '../helpers/measure.js';
import { trackedCase } from '../helpers/tracked-case.js';
import {
  MAX_CALL_ELEMENTS,
  PROFILE_SIZES,
  type Profile,
  type ProfileSizes,
  type Shape,
} from '../profile.js';
import { type ReferenceRow, referenceRow } from '../reference.js';
import { createRng, seedFor } from '../rng.js';
import { backendIndependent, perRun } from '../shared-values.js';

const OPERATIONS: readonly Operation[] = ['softmax', 'logSoftmax', 'logSumExp'];
/** Spread of the base rows' logits: wide enough that p spans many orders of magnitude. */
const SPREAD = 12;

const showShape = ([rows, cols]: Shape) => `${rows} x ${cols}`;

/** The base row of length `n` and its reference at T = 1 (made once per run, or process). */
function baseRow(context: CaseContext, n: number): { row: Float64Array; ref: ReferenceRow } {
  const key = `real-size:${n}`;
  return backendIndependent(context, `${key}:${context.seed}`, () => {
    const rng = createRng(seedFor(context.seed, key));
    const row = inDtype('float32', uniformRow(rng, n, SPREAD));
    return { row, ref: referenceRow(row, 1) };
  });
}

function baseBounds(context: CaseContext, n: number, dtype: Dtype): RowBounds {
  // Per run: the bounds depend on the backend's precision model.
  return perRun(context, `real-size-bounds:${n}:${dtype}`, () => {
    const { row, ref } = baseRow(context, n);
    return rowBounds(row, ref, context.model(dtype));
  });
}

/** The rotation of row `r` among `n` entries: distinct for every row of a call (n > r). */
function rotationOf(r: number, n: number): number {
  const step = n % 7919 === 0 ? 7907 : 7919; // primes: coprime with n, so r -> r * step is 1:1 mod n
  return (r * step) % n;
}

/** `target[0..n) = source[(i + k) mod n]`. */
function rotate(target: Float64Array, source: Float64Array, k: number): void {
  const n = source.length;
  target.set(source.subarray(k), 0);
  target.set(source.subarray(0, k), n - k);
}

/** The rows of a call, each a rotation of the base row, in the dtype. */
function batchInput(dtype: Dtype, base: Float64Array, rows: number): FloatArray {
  const n = base.length;
  const input = dtype === 'float32' ? new Float32Array(rows * n) : new Float64Array(rows * n);
  const typedBase = dtype === 'float32' ? Float32Array.from(base) : base;
  for (let r = 0; r < rows; r++) {
    const k = rotationOf(r, n);
    input.set(typedBase.subarray(k), r * n);
    input.set(typedBase.subarray(0, k), r * n + n - k);
  }
  return input;
}

/** Scratch arrays for one rotated reference row (reused row after row). */
function rotatedReference(ref: ReferenceRow, bounds: RowBounds, row: Float64Array) {
  const n = ref.n;
  const arrays = {
    row: new Float64Array(n),
    z: new Float64Array(n),
    pHi: new Float64Array(n),
    pLo: new Float64Array(n),
    logpHi: new Float64Array(n),
    logpLo: new Float64Array(n),
    softmax: new Float64Array(n),
    logSoftmax: new Float64Array(n),
  };
  return (k: number): { row: Float64Array; ref: ReferenceRow; bounds: RowBounds } => {
    rotate(arrays.row, row, k);
    rotate(arrays.z, ref.z, k);
    rotate(arrays.pHi, ref.pHi, k);
    rotate(arrays.pLo, ref.pLo, k);
    rotate(arrays.logpHi, ref.logpHi, k);
    rotate(arrays.logpLo, ref.logpLo, k);
    rotate(arrays.softmax, bounds.softmax, k);
    rotate(arrays.logSoftmax, bounds.logSoftmax, k);
    return {
      row: arrays.row,
      ref: {
        ...ref,
        z: arrays.z,
        pHi: arrays.pHi,
        pLo: arrays.pLo,
        logpHi: arrays.logpHi,
        logpLo: arrays.logpLo,
        maxIndex: (ref.maxIndex - k + n) % n,
      },
      bounds: { ...bounds, softmax: arrays.softmax, logSoftmax: arrays.logSoftmax },
    };
  };
}

/** Runs one operation on a call of `shape` and checks every row against the reference. */
async function checkCall(
  context: CaseContext,
  t: Tracker,
  spec: { operation: Operation; dtype: Dtype; shape: Shape; where: string },
): Promise<void> {
  const { operation, dtype, shape, where } = spec;
  const [rows, n] = shape;
  const { row: base, ref } = baseRow(context, n);
  const bounds = baseBounds(context, n, dtype);
  const model = context.model(dtype);
  const input = batchInput(dtype, base, rows);
  const result = await call(context, operation, input, { shape: [rows, n] });
  const width = operation === 'logSumExp' ? 1 : n;
  if (!checkResultType(t, where, result, dtype, rows * width)) return;
  const rotated = rotatedReference(ref, bounds, base);
  for (let r = 0; r < rows; r++) {
    const at = `${where} row ${r}`;
    if (operation === 'logSumExp') {
      // a rotation leaves logSumExp unchanged
      measureLogSumExp(t, { where: at, value: result[r] as number, ref, bounds, model });
      continue;
    }
    const row = rotated(rotationOf(r, n));
    const entry = { where: at, actual: result, offset: r * n, model, ...row };
    if (operation === 'softmax') {
      measureSoftmax(t, entry);
      measureRowSum(t, { where: at, actual: result, offset: r * n, n, bounds });
    } else {
      measureLogSoftmax(t, entry);
    }
  }
}

function batchCase(operation: Operation, dtype: Dtype, sizes: ProfileSizes): ConformanceCase {
  const shapes = sizes.batches;
  return trackedCase(
    `accuracy.batch.${operation}.${dtype}`,
    'accuracy',
    `${operation} of ${dtype} batches of the sizes users run (${shapes.map(showShape).join(', ')}; rows x entries), every row checked against the reference: a row's result does not depend on its place in the batch.`,
    `${DERIVATION.softmax}; each row is a rotation of one base row, checked against the base row's reference rotated the same way`,
    async (context, t) => {
      for (const shape of shapes) {
        await checkCall(context, t, {
          operation,
          dtype,
          shape,
          where: `${operation} ${showShape(shape)}`,
        });
      }
    },
  );
}

/** A call around a threshold: its shape and which side of it it is on. */
export interface SplitCall {
  readonly shape: Shape;
  readonly side: 'below' | 'at or past';
  readonly threshold: SplitThreshold;
}

const describeThreshold = (threshold: SplitThreshold) =>
  `${threshold.count} >= ${threshold.at}${threshold.what ? ` (${threshold.what})` : ''}`;

/**
 * The calls that check declared thresholds under a profile: for `elements` E, `k` rows of
 * `ceil(E / k)` entries (at or past E) and `k - 1` (or, for one row, a row of `ceil(E / 2)`)
 * below it, for each `k` of the profile; for `rows` R, R - 1 and R rows of `max(8, ceil(E_max /
 * R))` entries (E_max the largest `elements` threshold, so the call passes that one too); for
 * `cols` C, one row of C - 1 and 2 rows of C entries (full: also one and three rows of C).
 *
 * @example
 * ```ts
 * splitCalls([{ count: 'elements', at: 262_144 }], PROFILE_SIZES.fast).map((c) => c.shape);
 * // [[1, 262144], [1, 131072], [2, 131072]]
 * ```
 */
export function splitCalls(
  thresholds: readonly SplitThreshold[],
  sizes: ProfileSizes,
  profile: Profile = 'fast',
): SplitCall[] {
  const calls: SplitCall[] = [];
  const seen = new Set<string>();
  const add = (threshold: SplitThreshold, rows: number, cols: number) => {
    if (rows < 1 || cols < 1) return;
    const count =
      threshold.count === 'elements' ? rows * cols : threshold.count === 'rows' ? rows : cols;
    const key = `${rows}x${cols}`;
    if (seen.has(key)) return;
    seen.add(key);
    calls.push({
      shape: [rows, cols],
      side: count >= threshold.at ? 'at or past' : 'below',
      threshold,
    });
  };
  const largestElements = Math.max(
    0,
    ...thresholds.filter((s) => s.count === 'elements').map((s) => s.at),
  );
  for (const threshold of thresholds) {
    const at = threshold.at;
    if (threshold.count === 'elements') {
      for (const k of sizes.splitRows) {
        const cols = Math.ceil(at / k);
        add(threshold, k, cols);
        if (k > 1 && (k - 1) * cols < at) add(threshold, k - 1, cols);
        if (k === 1 && at > 1) add(threshold, 1, Math.ceil(at / 2));
      }
    } else if (threshold.count === 'rows') {
      const cols = Math.max(8, Math.ceil(largestElements / at));
      add(threshold, at - 1, cols);
      add(threshold, at, cols);
    } else {
      add(threshold, 1, at - 1);
      add(threshold, 2, at);
      if (profile === 'full') {
        add(threshold, 1, at);
        add(threshold, 3, at);
      }
    }
  }
  return calls;
}

function splitCase(dtype: Dtype, profile: Profile): ConformanceCase {
  const sizes = PROFILE_SIZES[profile];
  return trackedCase(
    `accuracy.split.${dtype}`,
    'accuracy',
    `softmax, logSoftmax and logSumExp of ${dtype} calls on both sides of every split threshold the backend declares (capabilities.splitsAt: threads, row chunks, another path), every row checked against the reference (profile ${profile}: for an elements threshold E, ${sizes.splitRows.join(', ')} row(s) of ceil(E / rows) entries and one row fewer).`,
    `${DERIVATION.softmax}; each row is a rotation of one base row`,
    async (context, t) => {
      const thresholds = context.capabilities.splitsAt ?? [];
      if (thresholds.length === 0)
        throw new SkipCase(
          'the backend declares no split thresholds (capabilities.splitsAt): it computes every call the same way (accuracy.batch.* still runs the sizes of real use)',
        );
      for (const { shape, side, threshold } of splitCalls(thresholds, sizes, profile)) {
        const where = `${showShape(shape)} (${side} ${describeThreshold(threshold)})`;
        if (shape[0] * shape[1] > MAX_CALL_ELEMENTS) {
          t.fail(
            `${where}: the declared threshold needs a call of ${shape[0] * shape[1]} entries, more than the suite runs (${MAX_CALL_ELEMENTS}): it cannot be checked`,
          );
          continue;
        }
        for (const operation of OPERATIONS)
          await checkCall(context, t, { operation, dtype, shape, where: `${operation} ${where}` });
      }
    },
  );
}

/**
 * The real-size cases of the accuracy group, for a profile.
 *
 * @example
 * ```ts
 * realSizeCases('fast').map((c) => c.id); // accuracy.batch.softmax.float32, ..., accuracy.split.float64
 * ```
 */
export function realSizeCases(profile: Profile): ConformanceCase[] {
  const sizes = PROFILE_SIZES[profile];
  return [
    ...DTYPES.flatMap((dtype) => OPERATIONS.map((operation) => batchCase(operation, dtype, sizes))),
    ...DTYPES.map((dtype) => splitCase(dtype, profile)),
  ];
}
