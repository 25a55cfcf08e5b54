/**
 * The every-lane case of the stability group: a kernel that scans its own rows (`scansRows`)
 * must flag a NaN, a +Infinity or an all -Infinity row wherever the special value sits: in every
 * lane of an unrolled or SIMD loop, in the scalar tail, and at chunk boundaries of long rows. The
 * check goes through the public API, so it holds every backend to the same result whoever scans:
 * NaN gives NAN_INPUT naming row and column (and an in-place input is left unchanged), +Infinity
 * gives the exact one-hot limit, an all -Infinity row gives ALL_MASKED naming the row, and the
 * regular rows around the special one stay valid probabilities.
 */
import type { Dtype, FloatArray } from '@softmax-kit/core';
import type { CaseContext, ConformanceCase, Tracker } from '../case.js';
import { call, checkResultType, expectCode } from '../helpers/calls.js';
import { DTYPES, flatInput } from '../helpers/inputs.js';
import { trackedCase } from '../helpers/tracked-case.js';

/** Every position of rows up to 33 entries (lanes of 4-, 8- and 16-wide loops, twice, plus tails). */
const SHORT_LENGTHS = Array.from({ length: 33 }, (_, i) => i + 1);
/** Longer rows around power-of-two chunk sizes, probed at their first and last 8 positions and the middle. */
const LONG_LENGTHS = [63, 64, 65, 127, 128, 129, 1023, 1024, 1025];

function positions(n: number): number[] {
  if (n <= 33) return Array.from({ length: n }, (_, i) => i);
  const edge = Array.from({ length: 8 }, (_, i) => i);
  return [...new Set([...edge, n >> 1, ...edge.map((i) => n - 1 - i)])].sort((a, b) => a - b);
}

/** Three rows of `n`: regular, the special one (value at `at`), regular. */
function batch(dtype: Dtype, n: number, at: number, value: number): FloatArray {
  const regular = (shift: number) =>
    Array.from({ length: n }, (_, i) => ((i * 7 + shift) % 11) - 5);
  const special = regular(3);
  special[at] = value;
  return flatInput(dtype, [regular(0), special, regular(5)]);
}

function checkRegularRows(t: Tracker, where: string, result: FloatArray, n: number): void {
  for (const row of [0, 2]) {
    for (let i = row * n; i < (row + 1) * n; i++) {
      const p = result[i] as number;
      if (!(p >= 0 && p <= 1)) {
        t.fail(`${where}: regular row ${row} entry ${i - row * n} is ${p}, not a probability`);
        return;
      }
    }
  }
}

async function probe(context: CaseContext, t: Tracker, dtype: Dtype): Promise<void> {
  for (const n of [...SHORT_LENGTHS, ...LONG_LENGTHS]) {
    for (const at of positions(n)) {
      const where = `n = ${n}, position ${at}`;
      const nan = batch(dtype, n, at, Number.NaN);
      const error = await expectCode(
        t,
        `${where} NaN`,
        () => call(context, 'softmax', nan, { shape: [3, n] }),
        'NAN_INPUT',
      );
      if (error !== null) {
        t.require(
          error.message.includes(`row 1, column ${at}`),
          `${where} NaN: message "${error.message}" does not name row 1, column ${at}`,
        );
      }
      if (n <= 17) {
        const inPlace = batch(dtype, n, at, Number.NaN);
        const before = Array.from(inPlace);
        await expectCode(
          t,
          `${where} NaN in place`,
          () => call(context, 'softmax', inPlace, { shape: [3, n], out: inPlace }),
          'NAN_INPUT',
        );
        const changed = before.findIndex((v, i) => !Object.is(v, inPlace[i]));
        t.require(
          changed < 0,
          () => `${where} NaN in place: a failed call changed input[${changed}]`,
        );
      }
      const inf = batch(dtype, n, at, Number.POSITIVE_INFINITY);
      let result: FloatArray;
      try {
        result = await call(context, 'softmax', inf, { shape: [3, n] });
      } catch (thrown) {
        t.fail(`${where} +Infinity: threw ${(thrown as Error).message}`);
        continue;
      }
      if (!checkResultType(t, `${where} +Infinity`, result, dtype, 3 * n)) continue;
      for (let i = 0; i < n; i++) {
        const p = result[n + i] as number;
        if (p !== (i === at ? 1 : 0)) {
          t.fail(
            `${where} +Infinity: entry ${i} of the special row is ${p}, expected ${i === at ? 1 : 0}`,
          );
          break;
        }
      }
      checkRegularRows(t, `${where} +Infinity`, result, n);
    }
    const masked = flatInput(dtype, [
      Array.from({ length: n }, (_, i) => i % 3),
      new Array<number>(n).fill(Number.NEGATIVE_INFINITY),
      Array.from({ length: n }, (_, i) => -(i % 5)),
    ]);
    const error = await expectCode(
      t,
      `n = ${n} all -Infinity`,
      () => call(context, 'softmax', masked, { shape: [3, n] }),
      'ALL_MASKED',
    );
    if (error !== null)
      t.require(
        error.message.includes('row 1'),
        `n = ${n} all -Infinity: message "${error.message}" does not name row 1`,
      );
  }
}

/** The every-lane cases, one per dtype. */
export function everyLaneCases(): ConformanceCase[] {
  return DTYPES.map((dtype) =>
    trackedCase(
      `stability.every-lane.${dtype}`,
      'stability',
      `a NaN, a +Infinity or an all -Infinity row is recognised at every lane and tail position of rows of 1-33 entries and at the chunk edges of rows up to 1,025 (${dtype}): NaN gives NAN_INPUT naming row and column and leaves an in-place input unchanged, +Infinity the exact limit, all -Infinity ALL_MASKED.`,
      undefined,
      (context, t) => probe(context, t, dtype),
    ),
  );
}
