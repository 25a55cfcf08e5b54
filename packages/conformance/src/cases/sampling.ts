/**
 * The sampling group: SPEC's "Sampling (v1)" checks, run on `@softmax-kit/sampling` on top of
 * the backend's public `createSoftmax` instance (the `sm` every case receives): greedy and its
 * tie rule, each truncation's kept set (boundaries far from the threshold, plus exact ties),
 * the order of the steps, every error, each draw against a float64 reference with the same u,
 * reproducibility, and a chi-square test of 10^5 seeded draws.
 *
 * The sampler is injectable (`samplingCases(makeSampler)`) so the suite's own tests can prove
 * that deliberately broken samplers fail.
 */
import type { Dtype } from '@softmax-kit/core';
import {
  createSampler,
  type SampledRow,
  type SampleOptions,
  type SampleResult,
  type Sampler,
  uniformAt,
} from '@softmax-kit/sampling';
import type { ConformanceCase, Tracker } from '../case.js';
import type { Profile } from '../profile.js';
import {
  chiSquareTail,
  drawMargin,
  type ReferenceSampling,
  referenceDistribution,
  referenceToken,
} from '../sampling-reference.js';
import { type SamplerFactory, samplingCase } from './sampling-case.js';
import { samplingSizeCases } from './sampling-sizes.js';

export type { SamplerFactory } from './sampling-case.js';

const DTYPES: readonly Dtype[] = ['float32', 'float64'];
/** The seed of the chi-square test, fixed in the suite so the test cannot flake. */
export const CHI_SQUARE_SEED = 20_261_201;
/** The chi-square test's significance. */
export const CHI_SQUARE_SIGNIFICANCE = 1e-4;

function rowsInput(
  dtype: Dtype,
  rows: readonly (readonly number[])[],
): Float32Array | Float64Array {
  const flat = rows.flat();
  return dtype === 'float32' ? Float32Array.from(flat) : Float64Array.from(flat);
}

async function sampleRows(
  sampler: Sampler,
  dtype: Dtype,
  rows: readonly (readonly number[])[],
  options: SampleOptions,
): Promise<SampleResult> {
  return sampler.sample(rowsInput(dtype, rows), {
    ...options,
    shape: [rows.length, rows[0]?.length ?? 0],
  });
}

const keptOf = (row: SampledRow): number[] =>
  [...(row.q ?? [])].flatMap((value, token) => (value > 0 ? [token] : []));

const list = (values: readonly number[]) => `[${values.join(', ')}]`;

/** A kept-set expectation: the row, the parameters, the tokens SPEC keeps. */
type KeptCase = readonly [
  label: string,
  row: readonly number[],
  options: SampleOptions,
  kept: readonly number[],
];

async function checkKept(
  sampler: Sampler,
  dtype: Dtype,
  t: Tracker,
  cases: readonly KeptCase[],
): Promise<void> {
  for (const [label, row, options, expected] of cases) {
    const result = await sampleRows(sampler, dtype, [row], { seed: 1, q: true, ...options });
    const got = keptOf(result.rows[0]!);
    t.require(
      got.join() === expected.join() && result.rows[0]!.kept === expected.length,
      () =>
        `${label}: kept ${list(got)} (kept = ${result.rows[0]!.kept}), SPEC keeps ${list(expected)}`,
    );
  }
}

const ln = Math.log;

function greedyCase(dtype: Dtype, make: SamplerFactory): ConformanceCase {
  return samplingCase(
    `sampling.greedy.${dtype}`,
    `T = 0 draws the lowest index among the maxima of x', whatever the seed, with log-probability 0 and entropy 0 (${dtype}).`,
    undefined,
    make,
    async (sampler, _context, t) => {
      for (const [row, expected] of [
        [[1, 3, 3, 2], 1],
        [[5, Number.POSITIVE_INFINITY, 2, Number.POSITIVE_INFINITY], 1],
        [[Number.NEGATIVE_INFINITY, 2, 2], 1],
        [[-7, -7, -7], 0],
      ] as const) {
        for (const seed of [0, 1, 12345]) {
          const result = await sampleRows(sampler, dtype, [row], {
            temperature: 0,
            seed,
            draws: 3,
            entropy: true,
            topK: 2,
          });
          const r = result.rows[0]!;
          t.require(
            [...r.tokens].every((token) => token === expected),
            () =>
              `${list(row)}, seed ${seed}: drew ${list([...r.tokens])}, SPEC says ${expected} every time`,
          );
          t.require(
            [...r.logprobs].every((v) => v === 0) && r.entropy === 0,
            `${list(row)}: greedy log-probability and entropy must be 0`,
          );
        }
      }
      return undefined;
    },
  );
}

function topKCase(dtype: Dtype, make: SamplerFactory): ConformanceCase {
  return samplingCase(
    `sampling.top-k.${dtype}`,
    `topK keeps the first k of the ranking (x' descending, equal logits by lower index), never a -Infinity token; topN lists them in ranking order (${dtype}).`,
    undefined,
    make,
    async (sampler, _context, t) => {
      await checkKept(sampler, dtype, t, [
        ['ties at the boundary', [1, 3, 3, 3, 5], { topK: 2 }, [1, 4]],
        ['equal logits', [3, 3, 3, 3], { topK: 3 }, [0, 1, 2]],
        ['with -Infinity', [5, Number.NEGATIVE_INFINITY, 5, 1], { topK: 3 }, [0, 2, 3]],
        ['k beyond the allowed tokens', [Number.NEGATIVE_INFINITY, 1, 2], { topK: 5 }, [1, 2]],
      ]);
      const result = await sampleRows(sampler, dtype, [[1, 3, 3, 3, 5]], { seed: 1, topN: 3 });
      const top = [...(result.rows[0]!.top?.tokens ?? [])];
      t.require(
        top.join() === '4,1,2',
        () => `topN 3 of [1, 3, 3, 3, 5] is ${list(top)}, SPEC ranks [4, 1, 2]`,
      );
      return undefined;
    },
  );
}

function topPCase(dtype: Dtype, make: SamplerFactory): ConformanceCase {
  // p = [1, 8, 1, 4, 2] / 16: ranked cumulative 0.5, 0.75, 0.875, 0.9375, 1 (ties 0 and 2 by
  // lower index); each topP below lies at least 0.025 from a cumulative value.
  const row = [0, ln(8), 0, ln(4), ln(2)];
  return samplingCase(
    `sampling.top-p.${dtype}`,
    `topP keeps the shortest ranked prefix with renormalised mass >= topP (at least one token), ties by lower index, on rows whose boundaries lie >= 0.025 from topP (${dtype}).`,
    'exact sets: every boundary is >= 0.025 from topP, far beyond any backend bound on p',
    make,
    async (sampler, _context, t) => {
      await checkKept(sampler, dtype, t, [
        ['topP 0.4', row, { topP: 0.4 }, [1]],
        ['topP 0.6', row, { topP: 0.6 }, [1, 3]],
        ['topP 0.8', row, { topP: 0.8 }, [1, 3, 4]],
        ['topP 0.9 (tie 0 vs 2)', row, { topP: 0.9 }, [0, 1, 3, 4]],
        ['topP 1', row, { topP: 1 }, [0, 1, 2, 3, 4]],
        ['equal logits, topP 0.3', [0, 0, 0, 0, 0, 0, 0, 0], { topP: 0.3 }, [0, 1, 2]],
        ['tiny topP keeps one token', row, { topP: 1e-9 }, [1]],
      ]);
      return undefined;
    },
  );
}

function minPCase(dtype: Dtype, make: SamplerFactory): ConformanceCase {
  return samplingCase(
    `sampling.min-p.${dtype}`,
    `minP keeps the tokens with (x' - max)/T >= log(minP): 1 keeps every maximum, 0 keeps all (${dtype}).`,
    undefined,
    make,
    async (sampler, _context, t) => {
      const row = [0, -0.5, -1, -2, -0.5];
      await checkKept(sampler, dtype, t, [
        ['minP e^-0.75', row, { minP: Math.exp(-0.75) }, [0, 1, 4]],
        ['minP e^-0.75 at T = 0.5', row, { minP: Math.exp(-0.75), temperature: 0.5 }, [0]],
        ['minP 1 keeps the maxima', [3, 1, 3], { minP: 1 }, [0, 2]],
        ['minP 0 keeps all', row, { minP: 0 }, [0, 1, 2, 3, 4]],
      ]);
      return undefined;
    },
  );
}

function orderCase(dtype: Dtype, make: SamplerFactory): ConformanceCase {
  // p ∝ [4, 3, 2, 1]; each pair of steps below keeps another set in the other order.
  const row = [ln(4), ln(3), ln(2), 0];
  return samplingCase(
    `sampling.order.${dtype}`,
    `The steps run in SPEC's order: processing (bias, then penalties), temperature, top-k, top-p renormalised over the top-k set, min-p; rows where another order keeps another set (${dtype}).`,
    '|q - q_ref| <= 2^-10 for the processing check (0.62 against 0.5 in the wrong order)',
    make,
    async (sampler, _context, t) => {
      await checkKept(sampler, dtype, t, [
        ['topK 2 then topP 0.5 (topP first keeps [0, 1])', row, { topK: 2, topP: 0.5 }, [0]],
        [
          'topP 0.75 then minP 0.4 (minP first keeps [0, 1])',
          row,
          { topP: 0.75, minP: 0.4 },
          [0, 1, 2],
        ],
        [
          'temperature 2 before minP 0.5 (T after keeps [0])',
          [0, -1],
          { minP: 0.5, temperature: 2 },
          [0, 1],
        ],
      ]);
      // bias then repetition: x = -1 + 2 = 1, /2 = 0.5 (penalty first: -2 + 2 = 0).
      const result = await sampleRows(sampler, dtype, [[-1, 0]], {
        seed: 1,
        q: true,
        bias: [2, 0],
        history: [0],
        repetitionPenalty: 2,
      });
      const q0 = result.rows[0]!.q?.[0] ?? Number.NaN;
      t.check(
        Math.abs(q0 - 1 / (1 + Math.exp(-0.5))),
        2 ** -10,
        () => `q[0] = ${q0} for bias before penalty`,
      );
      return undefined;
    },
  );
}

function drawsCase(dtype: Dtype, make: SamplerFactory): ConformanceCase {
  return samplingCase(
    `sampling.draws.${dtype}`,
    `Each draw is the token a float64 reference sampler picks with the same u (Philox4x32-10 of (seed, row, step)), on random rows and parameters; draws within the bound of a cumulative boundary, and rows whose top-p boundary is within it, are counted, not compared (${dtype}).`,
    '|u S - C_i| <= 2 (n + 8) eps: each p_j within (n + 8) eps relative moves C_i and S by at most (n + 8) eps each',
    make,
    async (sampler, context, t) => {
      const { eps } = context.model(dtype);
      const round = dtype === 'float32' ? Math.fround : (v: number) => v;
      let compared = 0;
      let near = 0;
      let mismatches = 0;
      for (let trial = 0; trial < 60; trial++) {
        const rows = 3;
        const n = context.rng.int(2, 60);
        const logits = Array.from({ length: rows }, () =>
          Array.from({ length: n }, () =>
            round(context.rng.next() < 0.15 ? context.rng.int(-2, 2) : context.rng.normal() * 3),
          ),
        );
        const params: ReferenceSampling = {
          temperature: [0.7, 1, 1.5, Number.POSITIVE_INFINITY][context.rng.int(0, 3)]!,
          ...(context.rng.next() < 0.5 ? { topK: context.rng.int(1, n) } : {}),
          ...(context.rng.next() < 0.5 ? { topP: 0.1 + 0.9 * context.rng.next() } : {}),
          ...(context.rng.next() < 0.3 ? { minP: 0.3 * context.rng.next() } : {}),
        };
        const seed = context.rng.int(0, 2 ** 31);
        const draws = 16;
        const result = await sampleRows(sampler, dtype, logits, { ...params, seed, draws });
        const bound = 2 * (n + 8) * eps;
        for (let r = 0; r < rows; r++) {
          const reference = referenceDistribution(logits[r]!, params);
          if (reference.topPMargin <= bound) {
            near += draws;
            continue;
          }
          const got = result.rows[r]!;
          t.require(
            got.kept === reference.ranked.length,
            () =>
              `row ${r} of trial ${trial}: kept ${got.kept}, reference ${reference.ranked.length}`,
          );
          for (let draw = 0; draw < draws; draw++) {
            const u = uniformAt(seed, r, draw);
            if (drawMargin(reference, u) <= bound) {
              near++;
              continue;
            }
            compared++;
            const expected = referenceToken(reference, u);
            if (got.tokens[draw] !== expected) {
              mismatches++;
              t.fail(
                `trial ${trial} row ${r} draw ${draw} (u = ${u}): token ${got.tokens[draw]}, reference ${expected}`,
              );
            }
          }
        }
      }
      t.require(
        compared >= 1000,
        `only ${compared} draws were far enough from a boundary to compare`,
      );
      t.check(mismatches, 0, 'draws that differ from the reference');
      return `compared ${compared} draws with the reference; ${near} within the bound of a boundary, not compared`;
    },
  );
}

function reproducibleCase(make: SamplerFactory): ConformanceCase {
  return samplingCase(
    'sampling.reproducible',
    'Seeded draws repeat bit for bit, do not depend on the other rows, the batch size or the call order; a per-row seed draws as that seed on a one-row call; N draws take steps step, step + 1, ...; with no seed the returned one reproduces the run.',
    undefined,
    make,
    async (sampler, _context, t) => {
      const rows = [
        [1, 2, 3, 0.5, -1, 2],
        [0, 0, 0, 0, 0, 0],
        [4, -2, 1, 1, 3, 0],
      ];
      const tokens = (result: SampleResult) => result.rows.map((r) => [...r.tokens].join(' '));
      const options = { seed: 77, draws: 12, topP: 0.95 };
      const three = await sampleRows(sampler, 'float64', rows, options);
      const again = await sampleRows(sampler, 'float64', rows, options);
      t.require(
        tokens(three).join() === tokens(again).join(),
        'the same call twice gave other tokens',
      );
      t.require(
        three.rows.every((r, i) => [...r.logprobs].join() === [...again.rows[i]!.logprobs].join()),
        'the same call twice gave other log-probabilities',
      );
      const two = await sampleRows(sampler, 'float64', rows.slice(0, 2), options);
      t.require(
        tokens(two).join() === tokens(three).slice(0, 2).join(),
        () =>
          `rows 0-1 drew ${tokens(two)} in a batch of 2 but ${tokens(three).slice(0, 2)} in a batch of 3`,
      );
      const one = await sampleRows(sampler, 'float64', rows.slice(0, 1), options);
      t.require(
        tokens(one)[0] === tokens(three)[0],
        'row 0 drew other tokens alone than in a batch of 3',
      );
      const perRow = await sampleRows(sampler, 'float64', rows, { seed: [5, 6, 7], draws: 8 });
      for (let r = 0; r < rows.length; r++) {
        const alone = await sampleRows(sampler, 'float64', [rows[r]!], { seed: 5 + r, draws: 8 });
        t.require(
          tokens(alone)[0] === tokens(perRow)[r],
          () =>
            `row ${r} with per-row seed ${5 + r} drew other tokens than a one-row call with that seed`,
        );
      }
      const all = await sampleRows(sampler, 'float64', [rows[0]!], { seed: 9, draws: 6 });
      const head = await sampleRows(sampler, 'float64', [rows[0]!], { seed: 9, draws: 2 });
      const tail = await sampleRows(sampler, 'float64', [rows[0]!], { seed: 9, draws: 4, step: 2 });
      t.require(
        tokens(all)[0] === `${tokens(head)[0]} ${tokens(tail)[0]}`,
        'draws 2 + (4 from step 2) differ from 6 draws',
      );
      const unseeded = await sampleRows(sampler, 'float64', rows, { draws: 10 });
      t.require(
        typeof unseeded.seed === 'number' && Number.isSafeInteger(unseeded.seed),
        'no seed was returned',
      );
      const replay = await sampleRows(sampler, 'float64', rows, {
        draws: 10,
        seed: unseeded.seed as number,
      });
      t.require(
        tokens(replay).join() === tokens(unseeded).join(),
        'the returned seed does not reproduce the run',
      );
      return undefined;
    },
  );
}

function chiSquareCase(make: SamplerFactory): ConformanceCase {
  const draws = 100_000;
  return samplingCase(
    'sampling.chi-square',
    `10^5 draws from one row (n = 40, T = 0.8, topK 30, topP 0.95) follow q: chi-square against the float64 reference q, bins pooled to an expected count >= 5, df = bins - 1, significance ${CHI_SQUARE_SIGNIFICANCE}, seed ${CHI_SQUARE_SEED}.`,
    `statistic <= the chi-square quantile at 1 - ${CHI_SQUARE_SIGNIFICANCE} for df = bins - 1`,
    make,
    async (sampler, _context, t) => {
      // A fixed row (not from the run's seed), so the test's outcome is fixed too.
      const row = Array.from({ length: 40 }, (_, i) =>
        Math.fround(2 * Math.sin(i * 1.7) + 0.05 * i),
      );
      const params: ReferenceSampling = { temperature: 0.8, topK: 30, topP: 0.95 };
      const result = await sampleRows(sampler, 'float64', [row], {
        ...params,
        seed: CHI_SQUARE_SEED,
        draws,
      });
      const counts = new Array<number>(row.length).fill(0);
      for (const token of result.rows[0]!.tokens) counts[token]!++;
      const { q } = referenceDistribution(row, params);
      const outside = counts.reduce((sum, c, i) => (q[i] === 0 ? sum + c : sum), 0);
      t.require(outside === 0, () => `${outside} draws fell on tokens outside the kept set`);
      // Pool bins in index order until each expects >= 5; a short last bin joins the one before.
      const bins: { observed: number; expected: number }[] = [];
      let open = { observed: 0, expected: 0 };
      for (let i = 0; i < row.length; i++) {
        if (q[i] === 0) continue;
        open.observed += counts[i]!;
        open.expected += q[i]! * draws;
        if (open.expected >= 5) {
          bins.push(open);
          open = { observed: 0, expected: 0 };
        }
      }
      if (open.expected > 0) {
        const last = bins[bins.length - 1];
        if (last) {
          last.observed += open.observed;
          last.expected += open.expected;
        } else bins.push(open);
      }
      const statistic = bins.reduce(
        (sum, b) => sum + (b.observed - b.expected) ** 2 / b.expected,
        0,
      );
      const df = bins.length - 1;
      // The critical value: bisection on the tail, which falls as x grows.
      let low = 0;
      let high = 10 * df + 100;
      for (let k = 0; k < 200; k++) {
        const middle = (low + high) / 2;
        if (chiSquareTail(middle, df) > CHI_SQUARE_SIGNIFICANCE) low = middle;
        else high = middle;
      }
      t.check(
        statistic,
        high,
        () =>
          `chi-square ${statistic.toFixed(2)} with df = ${df}, p = ${chiSquareTail(statistic, df).toExponential(2)}`,
      );
      return `chi-square ${statistic.toFixed(2)}, df = ${df}, p = ${chiSquareTail(statistic, df).toExponential(2)}`;
    },
  );
}

function errorsCase(make: SamplerFactory): ConformanceCase {
  return samplingCase(
    'sampling.errors',
    'Every invalid sampling input rejects with its SoftmaxError code (ALL_MASKED naming the row, NAN_INPUT, INVALID_INPUT naming the option and position, INVALID_TEMPERATURE).',
    undefined,
    make,
    async (sampler, _context, t) => {
      const expect = async (
        label: string,
        run: () => Promise<unknown>,
        code: string,
        pattern?: RegExp,
      ) => {
        try {
          await run();
          t.fail(`${label}: resolved, expected ${code}`);
        } catch (error) {
          const e = error as { code?: unknown; message?: unknown };
          t.require(
            e?.code === code,
            () => `${label}: got ${String(e?.code)} (${String(e?.message)}), expected ${code}`,
          );
          if (pattern)
            t.require(
              pattern.test(String(e?.message)),
              () => `${label}: message '${String(e?.message)}' does not match ${pattern}`,
            );
        }
      };
      const row = [1, 2, 3];
      const two = [
        [1, 2, 3],
        [3, 2, 1],
      ];
      const bad: [string, SampleOptions, string][] = [
        ['topK 0', { topK: 0 }, 'INVALID_INPUT'],
        ['topK 2.5', { topK: 2.5 }, 'INVALID_INPUT'],
        ['topP 0', { topP: 0 }, 'INVALID_INPUT'],
        ['topP 1.5', { topP: 1.5 }, 'INVALID_INPUT'],
        ['minP -0.5', { minP: -0.5 }, 'INVALID_INPUT'],
        ['minP 2', { minP: 2 }, 'INVALID_INPUT'],
        ['repetition penalty 0', { repetitionPenalty: 0 }, 'INVALID_INPUT'],
        [
          'repetition penalty Infinity',
          { repetitionPenalty: Number.POSITIVE_INFINITY },
          'INVALID_INPUT',
        ],
        ['presence penalty NaN', { presencePenalty: Number.NaN }, 'INVALID_INPUT'],
        [
          'frequency penalty -Infinity',
          { frequencyPenalty: Number.NEGATIVE_INFINITY },
          'INVALID_INPUT',
        ],
        ['bias NaN', { bias: [0, Number.NaN, 0] }, 'INVALID_INPUT'],
        ['bias +Infinity', { bias: [0, 0, Number.POSITIVE_INFINITY] }, 'INVALID_INPUT'],
        ['seed 0.5', { seed: 0.5 }, 'INVALID_INPUT'],
        ['seed 2^53', { seed: 2 ** 53 }, 'INVALID_INPUT'],
        ['temperature -1', { temperature: -1 }, 'INVALID_TEMPERATURE'],
        ['temperature NaN', { temperature: Number.NaN }, 'INVALID_TEMPERATURE'],
        ['allowed empty', { allowed: [] }, 'ALL_MASKED'],
      ];
      for (const [label, options, code] of bad)
        await expect(label, () => sampleRows(sampler, 'float64', [row], options), code);
      await expect(
        'history id out of range',
        () => sampleRows(sampler, 'float64', two, { history: [[0], [1, 3]], presencePenalty: 1 }),
        'INVALID_INPUT',
        /row 1.*position 1/,
      );
      await expect(
        'every token banned in row 1',
        () =>
          sampleRows(sampler, 'float64', two, {
            bias: [
              [0, 0, 0],
              [Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY],
            ],
          }),
        'ALL_MASKED',
        /row 1/,
      );
      await expect(
        'a -Infinity row',
        () =>
          sampleRows(
            sampler,
            'float64',
            [[Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY]],
            {},
          ),
        'ALL_MASKED',
        /row 0/,
      );
      await expect(
        'NaN logit',
        () => sampleRows(sampler, 'float32', [[1, Number.NaN, 2]], {}),
        'NAN_INPUT',
      );
      await expect(
        'NaN logit at T = 0',
        () => sampleRows(sampler, 'float64', [[1, Number.NaN, 2]], { temperature: 0 }),
        'NAN_INPUT',
      );
      return undefined;
    },
  );
}

/**
 * The sampling group's cases; `makeSampler` (default: `createSampler` of
 * `@softmax-kit/sampling`) builds the sampler under test from the instance under test;
 * `profile` sets the real-size cases' sizes (`'fast'`, the default, is what CI runs).
 *
 * @example
 * ```ts
 * samplingCases().map((c) => c.id); // ['sampling.greedy.float32', ...]
 * ```
 */
export function samplingCases(
  makeSampler: SamplerFactory = createSampler,
  profile: Profile = 'fast',
): ConformanceCase[] {
  return [
    ...DTYPES.flatMap((dtype) => [
      greedyCase(dtype, makeSampler),
      topKCase(dtype, makeSampler),
      topPCase(dtype, makeSampler),
      minPCase(dtype, makeSampler),
      orderCase(dtype, makeSampler),
      drawsCase(dtype, makeSampler),
    ]),
    reproducibleCase(makeSampler),
    chiSquareCase(makeSampler),
    errorsCase(makeSampler),
    ...samplingSizeCases(profile, makeSampler),
  ];
}
