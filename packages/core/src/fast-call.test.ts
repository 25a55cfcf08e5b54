import { describe, expect, it } from 'vitest';
import { referenceBackend, scanningBackend } from '../test/reference-backend.js';
import type { Operation, SyncSoftmax } from './index.js';
import { createSoftmax } from './index.js';

// Core takes the common call (a local typed row, last axis, one temperature, a scanning
// synchronous kernel) through a shorter path. The same call with the last axis named by its
// positive index (`axis: rank - 1`, the same rows) takes the general path: both must give the
// same values, the same error code and message, the same state of `out` after a failure.
const inf = Number.POSITIVE_INFINITY;
const rowsOf = (cols: number): number[][] => [
  Array.from({ length: cols }, (_, c) => Math.sin(c + 1) * 4),
  Array.from({ length: cols }, (_, c) => (c === cols - 1 ? Number.NaN : c)),
  Array.from({ length: cols }, (_, c) => (c === 0 ? inf : -c)),
  Array.from({ length: cols }, () => -inf),
  Array.from({ length: cols }, (_, c) => (c % 2 === 0 ? 1 : 1 + 2 ** -20)),
];
const OPERATIONS: readonly Operation[] = ['softmax', 'logSoftmax', 'logSumExp'];

type Outcome = { values: number[] } | { code: unknown; message: unknown; out: number[] | null };

function run(
  sm: SyncSoftmax,
  operation: Operation,
  input: Float32Array | Float64Array,
  options: Record<string, unknown> | undefined,
  general: boolean,
): Outcome {
  const method = `${operation}Sync` as 'softmaxSync';
  try {
    const rank = (options?.shape as number[] | undefined)?.length ?? 1;
    const named = general ? { ...options, axis: rank - 1 } : options;
    return { values: Array.from(sm[method](input, named as never)) };
  } catch (error) {
    const out = options?.out as Float64Array | undefined;
    return {
      code: (error as { code?: unknown }).code,
      message: (error as Error).message,
      out: out === undefined ? null : Array.from(out),
    };
  }
}

describe('the common call takes a shorter path with the same results', () => {
  it('matches the general path on regular, NaN, +Infinity, all-masked and near-tie rows, with and without out', async () => {
    const sm = (await createSoftmax(scanningBackend())) as SyncSoftmax;
    let compared = 0;
    for (const cols of [1, 2, 5, 17]) {
      const all = rowsOf(cols);
      // every subset of the special rows, one at a time and all together, after a regular row
      const batches = [[0], [0, 1], [0, 2], [0, 3], [0, 4], [0, 1, 2, 3, 4], [3]];
      for (const pick of batches) {
        const flat = pick.flatMap((r) => all[r] as number[]);
        for (const Type of [Float32Array, Float64Array]) {
          for (const operation of OPERATIONS) {
            const width = operation === 'logSumExp' ? 1 : cols;
            const policies: Record<string, unknown>[] = [
              {},
              { nan: 'propagate', ...(operation === 'logSumExp' ? {} : { allMasked: 'zeros' }) },
              ...(operation === 'logSumExp' ? [] : [{ nan: 'propagate', allMasked: 'nan' }]),
            ];
            for (const policy of policies) {
              for (const withShape of [false, true]) {
                if (!withShape && pick.length > 1) continue;
                for (const withOut of [false, true]) {
                  const options = (): Record<string, unknown> => ({
                    ...policy,
                    ...(withShape ? { shape: [pick.length, cols] } : {}),
                    ...(withOut ? { out: new Type(pick.length * width).fill(7) } : {}),
                  });
                  const a = run(sm, operation, Type.from(flat), options(), false);
                  const b = run(sm, operation, Type.from(flat), options(), true);
                  expect(a, `${operation} ${Type.name} cols ${cols} rows ${pick}`).toEqual(b);
                  compared++;
                }
              }
            }
          }
        }
      }
    }
    expect(compared).toBeGreaterThan(500);
    await sm.dispose();
  });

  // Here the reference backend (core scans every row itself) is the yardstick.
  it('leaves the calls it does not take (in place, overlapping out, per-row or limit temperatures, another axis, wrong out) to the general path', async () => {
    const fast = (await createSoftmax(scanningBackend())) as SyncSoftmax;
    const general = (await createSoftmax(referenceBackend())) as SyncSoftmax;
    const base = [3, -1, 0.5, 2, 2, -7];
    const cases: [string, (sm: SyncSoftmax) => unknown][] = [
      [
        'in place',
        (sm) => {
          const x = Float64Array.from(base);
          sm.softmaxSync(x, { out: x });
          return Array.from(x);
        },
      ],
      [
        'out overlapping the input',
        (sm) => {
          const buffer = Float64Array.from([...base, 0, 0]);
          sm.softmaxSync(buffer.subarray(0, 6), { out: buffer.subarray(2, 8) });
          return Array.from(buffer);
        },
      ],
      [
        'in place with a NaN (nothing written)',
        (sm) => {
          const x = Float32Array.from([...base.slice(0, 5), Number.NaN]);
          try {
            sm.softmaxSync(x, { out: x, shape: [2, 3] });
          } catch (error) {
            return [(error as { code?: unknown }).code, Array.from(x)];
          }
          return 'no error';
        },
      ],
      ['per-row temperature', (sm) => sm.softmaxSync(base, { shape: [2, 3], temperature: [1, 0] })],
      ['T = 0', (sm) => sm.softmaxSync(Float64Array.from(base), { temperature: 0 })],
      ['T = Infinity', (sm) => sm.softmaxSync(Float64Array.from(base), { temperature: inf })],
      ['axis 0', (sm) => sm.softmaxSync(Float64Array.from(base), { shape: [2, 3], axis: 0 })],
      ['rank 0', (sm) => sm.softmaxSync(Float64Array.of(4), { shape: [] })],
      [
        'out of the wrong length',
        (sm) => {
          try {
            sm.softmaxSync(Float64Array.from(base), { out: new Float64Array(5) });
          } catch (error) {
            return (error as { code?: unknown }).code;
          }
          return 'no error';
        },
      ],
      [
        'out of the other dtype',
        (sm) => {
          try {
            sm.softmaxSync(Float64Array.from(base), { out: new Float32Array(6) });
          } catch (error) {
            return (error as { code?: unknown }).code;
          }
          return 'no error';
        },
      ],
      [
        'a shape that does not match',
        (sm) => {
          try {
            sm.softmaxSync(Float64Array.from(base), { shape: [4, 2] });
          } catch (error) {
            return (error as { code?: unknown }).code;
          }
          return 'no error';
        },
      ],
    ];
    for (const [what, call] of cases) expect(call(fast), what).toEqual(call(general));
    await fast.dispose();
    await general.dispose();
  });
});

describe('the shorter path and its memory of separate buffers', () => {
  it('computes in place correctly when out overlaps an input that was called with a separate out before', async () => {
    const sm = (await createSoftmax(scanningBackend())) as SyncSoftmax;
    const values = [1, 2, 3, 4];
    const expected = Array.from(sm.softmaxSync(Float32Array.from(values)));
    const buffer = new Float32Array(8);
    const input = buffer.subarray(0, 4);
    const separate = new Float32Array(4);
    for (let call = 0; call < 3; call++) {
      input.set(values);
      expect(Array.from(sm.softmaxSync(input, { out: separate }))).toEqual(expected);
    }
    // out shares two entries with the input: the result must be as if the input were read first.
    input.set(values);
    const overlapping = buffer.subarray(2, 6);
    expect(Array.from(sm.softmaxSync(input, { out: overlapping }))).toEqual(expected);
    await sm.dispose();
  });
});
