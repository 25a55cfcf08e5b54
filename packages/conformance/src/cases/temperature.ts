/**
 * The temperature group: `T = 1` is the default, `softmax(x, T) = softmax(x / T)`, the exact
 * limits at `T = 0` and `T = Infinity`, per-row temperatures, monotonicity as T falls, tiny T
 * reaching the argmax, huge T approaching uniform.
 */
import type { Dtype, FloatArray } from '@softmax-kit/core';
import { DERIVATION } from '../bounds.js';
import type { ConformanceCase } from '../case.js';
import { call, checkResultType } from '../helpers/calls.js';
import { DTYPES, flatInput, gridRow, inDtype, uniformRow } from '../helpers/inputs.js';
import {
  EXACT_LIMIT_DERIVATION,
  measureExact,
  measureLogSoftmax,
  measurePair,
  measureSoftmax,
  referenceWithBounds,
  show,
} from '../helpers/measure.js';
import { checkRows } from '../helpers/rows.js';
import { trackedCase } from '../helpers/tracked-case.js';
import { LARGEST_FINITE } from '../precision.js';

const NEG = Number.NEGATIVE_INFINITY;
const INF = Number.POSITIVE_INFINITY;

function bitwiseEqual(a: FloatArray, b: FloatArray): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

function defaultIsOneCase(dtype: Dtype): ConformanceCase {
  return trackedCase(
    `temperature.default-is-one.${dtype}`,
    'temperature',
    `softmax and logSoftmax with T = 1 equal the default (no temperature) bitwise for ${dtype} rows.`,
    'exact (bitwise): an omitted T means T = 1, so both calls are the same computation',
    async (context, t) => {
      const rows = [0, 1, 2, 3].map(() => uniformRow(context.rng, 50, 10));
      for (const operation of ['softmax', 'logSoftmax'] as const) {
        const input = flatInput(
          dtype,
          rows.map((r) => inDtype(dtype, r)),
        );
        const plain = await call(context, operation, input, { shape: [4, 50] });
        const one = await call(context, operation, input, { shape: [4, 50], temperature: 1 });
        t.require(bitwiseEqual(plain, one), `${operation}: T = 1 differs from the default`);
      }
    },
  );
}

function scalingCase(dtype: Dtype): ConformanceCase {
  return trackedCase(
    `temperature.scaling.${dtype}`,
    'temperature',
    `softmax(x, T) = softmax(x / T) for ${dtype} rows, with T = 0.25, 0.5, 2, 8 (x / T exact) and T = 0.7 (x / T rounded).`,
    `dyadic T: 2 x the per-entry bound (same reference). T = 0.7: bound(x, T) + bound(x/T, 1) + |ref(x, T) - ref(fl(x/T), 1)| (the input rounding, computed exactly). ${DERIVATION.softmax}`,
    async (context, t) => {
      const model = context.model(dtype);
      for (const temperature of [0.25, 0.5, 2, 8, 0.7]) {
        const x = inDtype(dtype, gridRow(context.rng, 40, 30));
        const scaled = inDtype(
          dtype,
          Array.from(x, (v) => v / temperature),
        );
        const a = referenceWithBounds(x, temperature, model);
        const b = referenceWithBounds(scaled, 1, model);
        for (const operation of ['softmax', 'logSoftmax'] as const) {
          const withT = await call(context, operation, flatInput(dtype, [x]), { temperature });
          const divided = await call(context, operation, flatInput(dtype, [scaled]));
          // widen the second bound by the exact difference of the two references
          const widened = {
            ...b.bounds,
            softmax: b.bounds.softmax.map(
              (v, i) => v + Math.abs((a.ref.pHi[i] as number) - (b.ref.pHi[i] as number)),
            ),
            logSoftmax: b.bounds.logSoftmax.map(
              (v, i) => v + Math.abs((a.ref.logpHi[i] as number) - (b.ref.logpHi[i] as number)),
            ),
          };
          measurePair(t, {
            where: `${operation} T=${temperature}`,
            operation,
            a: withT,
            aOffset: 0,
            b: divided,
            bIndex: (i) => i,
            ref: a.ref,
            boundsA: a.bounds,
            boundsB: widened,
            model,
          });
        }
      }
    },
  );
}

function limitCase(dtype: Dtype, which: 'zero' | 'infinity'): ConformanceCase {
  const largest = LARGEST_FINITE[dtype];
  const temperature = which === 'zero' ? 0 : INF;
  const l2 = -Math.log(2);
  const l3 = -Math.log(3);
  const examples: { x: number[]; p: number[]; logp: number[] }[] =
    which === 'zero'
      ? [
          { x: [2, 5, 5], p: [0, 0.5, 0.5], logp: [NEG, l2, l2] },
          { x: [1, 3, 2], p: [0, 1, 0], logp: [NEG, 0, NEG] },
          { x: [NEG, 4, 4, 4], p: [0, 1 / 3, 1 / 3, 1 / 3], logp: [NEG, l3, l3, l3] },
          { x: [1e30, -1e30], p: [1, 0], logp: [0, NEG] },
          { x: [largest, largest, -largest], p: [0.5, 0.5, 0], logp: [l2, l2, NEG] },
        ]
      : [
          { x: [1, NEG, 1], p: [0.5, 0, 0.5], logp: [l2, NEG, l2] },
          { x: [2, 1, 0.1, NEG], p: [1 / 3, 1 / 3, 1 / 3, 0], logp: [l3, l3, l3, NEG] },
          { x: [largest, -largest], p: [0.5, 0.5], logp: [l2, l2] },
          { x: [1e30, -1e30, 0], p: [1 / 3, 1 / 3, 1 / 3], logp: [l3, l3, l3] },
        ];
  return trackedCase(
    `temperature.${which}.${dtype}`,
    'temperature',
    which === 'zero'
      ? `T = 0 gives the exact limit for ${dtype} rows: the mass split equally among the entries equal to the max (one-hot when unique), logSoftmax -log k there and -Infinity elsewhere.`
      : `T = Infinity gives the exact limit for ${dtype} rows: uniform over the entries that are not -Infinity, logSoftmax -log k there and -Infinity on masked ones.`,
    EXACT_LIMIT_DERIVATION,
    async (context, t) => {
      const model = context.model(dtype);
      for (const example of examples) {
        const label = `[${example.x.map(show).join(', ')}] T=${temperature}`;
        const input = flatInput(dtype, [example.x]);
        const p = await call(context, 'softmax', input, { temperature });
        if (checkResultType(t, label, p, dtype, example.x.length))
          measureExact(t, {
            where: `${label} softmax`,
            actual: p,
            offset: 0,
            expected: example.p,
            model,
          });
        const logp = await call(context, 'logSoftmax', input, { temperature });
        if (checkResultType(t, label, logp, dtype, example.x.length))
          measureExact(t, {
            where: `${label} logSoftmax`,
            actual: logp,
            offset: 0,
            expected: example.logp,
            model,
          });
      }
    },
  );
}

function perRowCase(dtype: Dtype): ConformanceCase {
  return trackedCase(
    `temperature.per-row.${dtype}`,
    'temperature',
    `A per-row temperature array [0, Infinity, 1, 0.5] applies each element to its own ${dtype} row (limits on rows 0 and 1, reference on rows 2 and 3).`,
    `${EXACT_LIMIT_DERIVATION}; regular rows: ${DERIVATION.softmax}`,
    async (context, t) => {
      const model = context.model(dtype);
      const rows = [
        [2, 5, 5, 1],
        [1, NEG, 3, 2],
        [0.5, -1, 2, 2.5],
        [0.5, -1, 2, 2.5],
      ].map((r) => inDtype(dtype, r));
      const temperature = [0, INF, 1, 0.5];
      const expected = [
        [0, 0.5, 0.5, 0],
        [1 / 3, 0, 1 / 3, 1 / 3],
      ];
      const p = await call(context, 'softmax', flatInput(dtype, rows), {
        shape: [4, 4],
        temperature,
      });
      if (!checkResultType(t, 'per-row T', p, dtype, 16)) return;
      measureExact(t, {
        where: 'row 0 (T=0)',
        actual: p,
        offset: 0,
        expected: expected[0] as number[],
        model,
      });
      measureExact(t, {
        where: 'row 1 (T=Infinity)',
        actual: p,
        offset: 4,
        expected: expected[1] as number[],
        model,
      });
      for (const r of [2, 3]) {
        const { ref, bounds } = referenceWithBounds(
          rows[r] as Float64Array,
          temperature[r] as number,
          model,
        );
        measureSoftmax(t, {
          where: `row ${r} (T=${temperature[r]})`,
          actual: p,
          offset: r * 4,
          row: rows[r] as Float64Array,
          ref,
          bounds,
          model,
        });
      }
    },
  );
}

function entropy(p: ArrayLike<number>): number {
  let h = 0;
  for (let i = 0; i < p.length; i++) {
    const v = p[i] as number;
    if (v > 0) h -= v * Math.log(v);
  }
  return h;
}

/** -p log p on [0, 1]: concave, largest at 1/e. */
function plogp(v: number): number {
  return v > 0 ? -v * Math.log(v) : 0;
}

function monotoneCase(dtype: Dtype): ConformanceCase {
  const temperatures = [1e4, 100, 10, 3, 1, 0.5, 0.2, 0.1, 0.05, 0.01, 1e-3, 1e-6, 1e-30, 0];
  return trackedCase(
    `temperature.monotone.${dtype}`,
    'temperature',
    `As T falls through ${temperatures.join(', ')}, the max probability of ${dtype} rows never falls and the entropy never rises.`,
    'max p: may fall by at most the sum of the two entries bounds (softmax bound); entropy: may rise by at most the sum of the two entropy ranges allowed by the per-entry bounds (each p_i in [ref_i - A_i, ref_i + A_i], -p log p evaluated at the interval ends and 1/e), plus n * 2^-52 for the float64 evaluation',
    async (context, t) => {
      const model = context.model(dtype);
      for (let k = 0; k < 3; k++) {
        const row = inDtype(dtype, uniformRow(context.rng, 30, 4 + 4 * k));
        let previous: {
          max: number;
          maxSlack: number;
          h: number;
          hSlack: number;
          T: number;
        } | null = null;
        for (const temperature of temperatures) {
          const p = await call(context, 'softmax', flatInput(dtype, [row]), { temperature });
          let max = 0;
          for (const v of p) max = Math.max(max, v);
          const h = entropy(p);
          let maxSlack = 0;
          let hSlack = row.length * 2 ** -52;
          if (temperature > 0) {
            const { ref, bounds } = referenceWithBounds(row, temperature, model);
            let hLow = 0;
            let hHigh = 0;
            for (let i = 0; i < row.length; i++) {
              const r = ref.pHi[i] as number;
              const a = bounds.softmax[i] as number;
              maxSlack = Math.max(maxSlack, a);
              const lo = Math.max(0, r - a);
              const hi = Math.min(1, r + a);
              const ends = [plogp(lo), plogp(hi)];
              if (lo < 1 / Math.E && hi > 1 / Math.E) ends.push(plogp(1 / Math.E));
              hLow += Math.min(...ends);
              hHigh += Math.max(...ends);
            }
            const exact = entropy(ref.pHi);
            hSlack += Math.max(hHigh - exact, exact - hLow);
          } else {
            maxSlack = model.epsDtype;
            hSlack += row.length * model.epsDtype;
          }
          if (previous !== null) {
            const where = `row ${k}, T ${previous.T} -> ${temperature}`;
            t.check(
              Math.max(0, previous.max - max),
              previous.maxSlack + maxSlack,
              `${where}: max p fell from ${show(previous.max)} to ${show(max)}`,
            );
            t.check(
              Math.max(0, h - previous.h),
              previous.hSlack + hSlack,
              `${where}: entropy rose from ${show(previous.h)} to ${show(h)}`,
            );
          }
          previous = { max, maxSlack, h, hSlack, T: temperature };
        }
      }
    },
  );
}

function tinyCase(dtype: Dtype): ConformanceCase {
  return trackedCase(
    `temperature.tiny.${dtype}`,
    'temperature',
    `Tiny T (1e-30, 1e-45, 5e-324) on ${dtype} rows reaches the argmax limit ([2, 1, 0.1, 2] -> [0.5, 0, 0, 0.5]) without NaN; logSoftmax is -log 2 on the max entries.`,
    DERIVATION.softmax,
    async (context, t) => {
      const model = context.model(dtype);
      for (const temperature of [1e-30, 1e-45, 5e-324]) {
        for (const x of [
          [2, 1, 0.1, 2],
          [-1e4, -1e4 - 1, 3e-3, -5],
        ]) {
          const row = inDtype(dtype, x);
          const where = `[${x.map(show).join(', ')}] T=${temperature}`;
          const p = await checkRows(context, t, {
            operation: 'softmax',
            dtype,
            rows: [row],
            temperature,
            where,
          });
          const logp = await checkRows(context, t, {
            operation: 'logSoftmax',
            dtype,
            rows: [row],
            temperature,
            where,
          });
          t.require(
            !(p?.some(Number.isNaN) ?? false) && !(logp?.some(Number.isNaN) ?? false),
            `${where}: NaN`,
          );
          // against the T = 0 limit as well (the reference equals it at these T)
          const limit = await call(context, 'softmax', flatInput(dtype, [row]), { temperature: 0 });
          if (p) {
            const { ref, bounds } = referenceWithBounds(row, temperature, model);
            measureSoftmax(t, {
              where: `${where} vs T=0`,
              actual: limit,
              offset: 0,
              row,
              ref,
              bounds,
              model,
            });
          }
          if (logp) {
            const { ref, bounds } = referenceWithBounds(row, temperature, model);
            measureLogSoftmax(t, { where, actual: logp, offset: 0, row, ref, bounds, model });
          }
        }
      }
    },
  );
}

function hugeCase(dtype: Dtype): ConformanceCase {
  return trackedCase(
    `temperature.huge.${dtype}`,
    'temperature',
    `Huge T (1e30, 1e300) on ${dtype} rows approaches uniform: every entry is within the bound of the reference, which is 1/n to 30 digits.`,
    DERIVATION.softmax,
    async (context, t) => {
      for (const temperature of [1e30, 1e300]) {
        for (const x of [
          [2, 1, 0.1, -3],
          [1e4, -1e4, 0, 7, 3e3],
        ]) {
          const where = `[${x.map(show).join(', ')}] T=${temperature}`;
          const p = await checkRows(context, t, {
            operation: 'softmax',
            dtype,
            rows: [x],
            temperature,
            where,
          });
          if (p) {
            const n = x.length;
            let far = 0;
            for (const v of p) far = Math.max(far, Math.abs(v - 1 / n));
            t.require(
              far < 0.5 / n,
              `${where}: not close to uniform (max |p - 1/n| = ${show(far)})`,
            );
          }
          await checkRows(context, t, {
            operation: 'logSoftmax',
            dtype,
            rows: [x],
            temperature,
            where,
          });
        }
      }
    },
  );
}

/** The temperature group. */
export function temperatureCases(): ConformanceCase[] {
  return DTYPES.flatMap((dtype) => [
    defaultIsOneCase(dtype),
    scalingCase(dtype),
    limitCase(dtype, 'zero'),
    limitCase(dtype, 'infinity'),
    perRowCase(dtype),
    monotoneCase(dtype),
    tinyCase(dtype),
    hugeCase(dtype),
  ]);
}
