/**
 * The sampling group, extended: SPEC's "Sampling (v1.1)" checks, run on `@softmax-kit/sampling`
 * on top of the backend's public instance: each new parameter on constructed rows whose
 * boundaries lie far beyond the error bound (and exact ties), the order of the new steps, XTC's
 * coin against the published generator's second output, DRY with overlaps and breakers against
 * the float64 reference, `verify` against the reference with the same `u` and `v` plus a
 * chi-square test of its output, `beamStep`'s exact ranking and ties, `score`'s accuracy, and
 * every new error.
 *
 * The sampler and decoder are injectable (`samplingExtendedCases(makeKit)`) so the suite's own
 * tests can prove that deliberately broken versions fail, each on its case ids.
 */
import type { Dtype, Softmax } from '@softmax-kit/core';
import {
  createDecoder,
  createSampler,
  type Decoder,
  type SampledRow,
  type SampleOptions,
  type Sampler,
  uniformPairAt,
} from '@softmax-kit/sampling';
import type { ConformanceCase, Tracker } from '../case.js';
import { chiSquareTail } from '../sampling-reference.js';
import {
  type ExtendedReferenceSampling,
  referenceBeamStep,
  referenceDraw,
  referenceDrawMargin,
  referenceExtendedDistribution,
  referenceLogSoftmax,
  referenceVerify,
} from '../sampling-reference-extended.js';
import { samplingCase } from './sampling-case.js';

/** What the extended cases run: a sampler and the decoding primitives on the instance. */
export interface DecodingKit {
  readonly sampler: Sampler;
  readonly decoder: Decoder;
}

/** Makes the sampler and decoder under test from the instance under test. */
export type DecodingKitFactory = (sm: Softmax) => DecodingKit;

/** The real ones: `createSampler` and `createDecoder` of `@softmax-kit/sampling`. */
export const realKit: DecodingKitFactory = (sm) => ({
  sampler: createSampler(sm),
  decoder: createDecoder(sm),
});

const DTYPES: readonly Dtype[] = ['float32', 'float64'];
/** The seed of verify's chi-square test, fixed so it cannot flake. */
export const VERIFY_CHI_SQUARE_SEED = 20_261_207;
const SIGNIFICANCE = 1e-4;
const ln = Math.log;
const list = (values: ArrayLike<number>) => `[${Array.from(values).join(', ')}]`;

function typed(dtype: Dtype, rows: readonly (readonly number[])[]): Float32Array | Float64Array {
  const flat = rows.flat();
  return dtype === 'float32' ? Float32Array.from(flat) : Float64Array.from(flat);
}

/** Rows as the backend sees them (float32 rows rounded), for the reference. */
const asDtype = (dtype: Dtype, rows: readonly (readonly number[])[]) =>
  dtype === 'float32' ? rows.map((row) => row.map(Math.fround)) : rows.map((row) => [...row]);

function sampleRows(
  kit: DecodingKit,
  dtype: Dtype,
  rows: readonly (readonly number[])[],
  options: SampleOptions,
) {
  return kit.sampler.sample(typed(dtype, rows), {
    ...options,
    shape: [rows.length, rows[0]?.length ?? 0],
  });
}

const keptOf = (row: SampledRow): number[] =>
  [...(row.q ?? [])].flatMap((value, token) => (value > 0 ? [token] : []));

/** A case of the decoding kit (sampler plus decoder): {@link samplingCase} with a kit. */
const kitCase = samplingCase<DecodingKit>;

type KeptCase = readonly [
  label: string,
  row: readonly number[],
  options: SampleOptions,
  kept: readonly number[],
];

async function checkKept(
  kit: DecodingKit,
  dtype: Dtype,
  t: Tracker,
  cases: readonly KeptCase[],
): Promise<void> {
  for (const [label, row, options, expected] of cases) {
    const result = await sampleRows(kit, dtype, [row], { seed: 1, q: true, ...options });
    const got = keptOf(result.rows[0]!);
    t.require(
      got.join() === expected.join() && result.rows[0]!.kept === expected.length,
      () =>
        `${label}: kept ${list(got)} (kept = ${result.rows[0]!.kept}), SPEC keeps ${list(expected)}`,
    );
  }
}

/** p = [1, 8, 1, 4, 2] / 16: ranking 1, 3, 4, 0, 2; H = 1.2997 nats. */
const ROW = [0, ln(8), 0, ln(4), ln(2)];

function topNSigmaCase(dtype: Dtype, make: DecodingKitFactory): ConformanceCase {
  return kitCase(
    `sampling.top-n-sigma.${dtype}`,
    `topNSigma keeps x' >= max - s * sigma (population sigma of the finite x'), ties whole, at least minKeep, before top-k (${dtype}).`,
    'exact sets: each threshold lies >= 0.17 from every logit',
    make,
    async (kit, _context, t) => {
      // mean 0.8, sigma 3.655: thresholds 3.27, 2.17, 0.345, -0.386.
      const x = [4, 3, 0, -6, 3];
      await checkKept(kit, dtype, t, [
        ['s = 0.2', x, { topNSigma: 0.2 }, [0]],
        ['s = 0.5 (the tie 3, 3 whole)', x, { topNSigma: 0.5 }, [0, 1, 4]],
        ['s = 1', x, { topNSigma: 1 }, [0, 1, 4]],
        ['s = 1.2', x, { topNSigma: 1.2 }, [0, 1, 2, 4]],
        ['s = 0.2, minKeep 2', x, { topNSigma: 0.2, minKeep: 2 }, [0, 1]],
        [
          'with -Infinity (not in sigma)',
          [4, Number.NEGATIVE_INFINITY, 3, 0],
          { topNSigma: 0.6 },
          [0, 2],
        ],
      ]);
      return undefined;
    },
  );
}

function typicalCase(dtype: Dtype, make: DecodingKitFactory): ConformanceCase {
  return kitCase(
    `sampling.typical-p.${dtype}`,
    `typicalP orders the kept tokens by |-log q - H| (ties by the ranking) and keeps the shortest prefix with mass >= tau: a set that need not be a ranking prefix (${dtype}).`,
    'exact sets: every cumulative mass lies >= 0.025 from tau',
    make,
    async (kit, _context, t) => {
      // |-log q - H|: token 3: 0.087, 1: 0.607, 4: 0.780, 0 and 2: 1.473 (a tie).
      await checkKept(kit, dtype, t, [
        ['tau 0.2', ROW, { typicalP: 0.2 }, [3]],
        ['tau 0.5', ROW, { typicalP: 0.5 }, [1, 3]],
        ['tau 0.8', ROW, { typicalP: 0.8 }, [1, 3, 4]],
        ['tau 0.9 (tie 0 / 2 by the ranking)', ROW, { typicalP: 0.9 }, [0, 1, 3, 4]],
        ['tau 0.2, minKeep 2', ROW, { typicalP: 0.2, minKeep: 2 }, [1, 3]],
        ['tau 1 keeps all', ROW, { typicalP: 1 }, [0, 1, 2, 3, 4]],
      ]);
      return undefined;
    },
  );
}

function minKeepCase(dtype: Dtype, make: DecodingKitFactory): ConformanceCase {
  return kitCase(
    `sampling.min-keep.${dtype}`,
    `minKeep makes top-p and min-p keep at least min(k, m) tokens, the first in the ranking; top-k is not covered (${dtype}).`,
    undefined,
    make,
    async (kit, _context, t) => {
      await checkKept(kit, dtype, t, [
        ['topP 0.4, minKeep 3', ROW, { topP: 0.4, minKeep: 3 }, [1, 3, 4]],
        ['minP 0.9, minKeep 2', ROW, { minP: 0.9, minKeep: 2 }, [1, 3]],
        ['minKeep above n', ROW, { topP: 0.4, minKeep: 9 }, [0, 1, 2, 3, 4]],
        ['topK 1 is not raised', ROW, { topK: 1, minKeep: 3 }, [1]],
      ]);
      return undefined;
    },
  );
}

function xtcCase(dtype: Dtype, make: DecodingKitFactory): ConformanceCase {
  return kitCase(
    `sampling.xtc.${dtype}`,
    `XTC removes every token with q >= theta but the last of them in the ranking when the draw's second output v (Philox words 3 and 2) is below xtcProbability; each draw has its own coin (${dtype}).`,
    '|u S - C_i| > 2 (n + 8) eps for each compared draw; q is >= 0.05 from theta',
    make,
    async (kit, context, t) => {
      // The compute's rounding plus the output dtype's (a float32 p, x' or log q).
      const { eps: computeEps, epsOut } = context.model(dtype);
      const eps = computeEps + epsOut;
      await checkKept(kit, dtype, t, [
        ['theta 0.2, pi 1', ROW, { xtcThreshold: 0.2, xtcProbability: 1 }, [0, 2, 3, 4]],
        [
          'theta 0.6: one top choice, nothing removed',
          ROW,
          { xtcThreshold: 0.6, xtcProbability: 1 },
          [0, 1, 2, 3, 4],
        ],
        ['theta 0: all but the last', [1, 1, 1], { xtcThreshold: 0, xtcProbability: 1 }, [2]],
      ]);
      const seed = 4242;
      const draws = 400;
      const result = await sampleRows(kit, dtype, [ROW], {
        seed,
        draws,
        xtcThreshold: 0.2,
        xtcProbability: 0.5,
      });
      const tokens = result.rows[0]!.tokens;
      const row = asDtype(dtype, [ROW])[0]!;
      let compared = 0;
      for (let draw = 0; draw < draws; draw++) {
        const pair = uniformPairAt(seed, 0, draw, new Float64Array(2));
        const reference = referenceExtendedDistribution(
          row,
          { xtcThreshold: 0.2, xtcProbability: 0.5 },
          pair[1]!,
        );
        if (referenceDrawMargin(reference.q, pair[0]!) <= 2 * (row.length + 8) * eps) continue;
        compared++;
        const expected = referenceDraw(reference.q, pair[0]!);
        t.require(
          tokens[draw] === expected,
          () =>
            `draw ${draw} (u = ${pair[0]}, v = ${pair[1]}): token ${tokens[draw]}, reference ${expected}`,
        );
      }
      t.require(compared >= 380, `only ${compared} draws compared`);
      return `compared ${compared} draws`;
    },
  );
}

function windowAndDryCase(dtype: Dtype, make: DecodingKitFactory): ConformanceCase {
  return kitCase(
    `sampling.dry.${dtype}`,
    `DRY (with the penalty window) on histories with overlaps, self-overlapping repeats and breakers: q against the float64 reference; a penalty that overflows bans the token (${dtype}).`,
    "|q - q_ref| <= (n + 8 + 4 max|x'|) eps: p within (n + 8) eps relative, plus x' stored in the dtype",
    make,
    async (kit, context, t) => {
      // The compute's rounding plus the output dtype's (a float32 p, x' or log q).
      const { eps: computeEps, epsOut } = context.model(dtype);
      const eps = computeEps + epsOut;
      const n = 12;
      const check = async (
        label: string,
        logits: readonly number[],
        params: ExtendedReferenceSampling,
      ) => {
        const row = asDtype(dtype, [logits])[0]!;
        const result = await sampleRows(kit, dtype, [row], {
          ...(params as SampleOptions),
          seed: 1,
          q: true,
        });
        const reference = referenceExtendedDistribution(row, params, 1);
        const q = result.rows[0]!.q!;
        const top = Math.max(...reference.processed.filter(Number.isFinite).map(Math.abs), 1);
        const bound = (n + 8 + 4 * top) * eps;
        for (let token = 0; token < row.length; token++)
          t.check(
            Math.abs(q[token]! - reference.q[token]!),
            bound,
            () => `${label}: q[${token}] = ${q[token]}, reference ${reference.q[token]}`,
          );
      };
      const flat = new Array<number>(n).fill(0);
      // Overlapping and self-overlapping repeats, and a breaker that cuts one.
      await check('a b c a b: c continues "a b"', flat, {
        history: [1, 2, 3, 1, 2],
        dryMultiplier: 0.8,
        dryBase: 1.75,
        dryAllowedLength: 2,
      });
      await check('a a a a: a continues itself', flat, {
        history: [4, 4, 4, 4],
        dryMultiplier: 0.5,
        dryBase: 2,
        dryAllowedLength: 1,
      });
      await check('a breaker inside the repeat', flat, {
        history: [1, 2, 3, 5, 1, 2, 3, 5, 1, 2],
        dryMultiplier: 1,
        dryBase: 1.5,
        dryAllowedLength: 1,
        dryBreakers: [1],
      });
      await check('the window drops the first repeat', flat, {
        history: [6, 7, 8, 0, 0, 0, 6, 7],
        penaltyWindow: 5,
        dryMultiplier: 1,
        dryAllowedLength: 1,
        presencePenalty: 0.3,
      });
      for (let trial = 0; trial < 40; trial++) {
        const history = Array.from({ length: context.rng.int(0, 40) }, () => context.rng.int(0, 3));
        const logits = Array.from({ length: n }, () => context.rng.normal());
        await check(`random history ${list(history)}`, logits, {
          history,
          dryMultiplier: 0.2 + context.rng.next(),
          dryBase: 1 + context.rng.next(),
          dryAllowedLength: context.rng.int(1, 3),
          ...(trial % 2 ? { dryBreakers: [context.rng.int(0, 3)] } : {}),
          ...(trial % 3 ? {} : { penaltyWindow: context.rng.int(0, 20) }),
        });
      }
      const long = Array.from({ length: 3000 }, (_, i) => i % 2);
      const banned = await sampleRows(kit, dtype, [[0, 0, 5]], {
        seed: 1,
        q: true,
        history: long,
        dryMultiplier: 1,
        dryBase: 2,
        dryAllowedLength: 1,
      });
      t.require(banned.rows[0]!.q![0] === 0, 'a DRY penalty of 2^2998 must ban the token (q = 0)');
      return undefined;
    },
  );
}

function orderCase(dtype: Dtype, make: DecodingKitFactory): ConformanceCase {
  return kitCase(
    `sampling.order-v1-1.${dtype}`,
    `The v1.1 steps run in SPEC's order: top-nσ before top-k, typical-p after min-p (and on the set min-p kept), XTC last; rows where another order keeps another set (${dtype}).`,
    undefined,
    make,
    async (kit, _context, t) => {
      await checkKept(kit, dtype, t, [
        // top-k 2 first would leave [4, 3]: sigma 0.5, threshold 3.5 keeps [0].
        ['topNSigma 1 before topK 2', [4, 3, 0, -6, 3], { topNSigma: 1, topK: 2 }, [0, 1]],
        // p = [0.4, 0.3, 0.2, 0.1]. min-p 0.4 first keeps [0, 1, 2]: H = 1.061, order 1, 0, 2,
        // tau 0.35 keeps [0, 1]. Typical-p first (H = 1.280, order 1, 2, 0, 3) would keep [1, 2].
        [
          'minP 0.4 then typicalP 0.35',
          [ln(4), ln(3), ln(2), 0],
          { minP: 0.4, typicalP: 0.35 },
          [0, 1],
        ],
        // XTC after typical-p: typical 0.5 keeps [1, 3] (q = 2/3, 1/3); XTC theta 0.3 removes 1.
        [
          'typicalP 0.5 then XTC',
          ROW,
          { typicalP: 0.5, xtcThreshold: 0.3, xtcProbability: 1 },
          [3],
        ],
      ]);
      return undefined;
    },
  );
}

function drawsCase(dtype: Dtype, make: DecodingKitFactory): ConformanceCase {
  return kitCase(
    `sampling.draws-v1-1.${dtype}`,
    `Each draw with v1.1 parameters is the token the float64 reference picks with the same u and v, on random rows and parameters; draws and rows within the bound of a boundary are counted, not compared (${dtype}).`,
    '|u S - C_i| <= 2 (n + 8) eps and truncation margins <= 4 (n + 8) eps are not compared',
    make,
    async (kit, context, t) => {
      // The compute's rounding plus the output dtype's (a float32 p, x' or log q).
      const { eps: computeEps, epsOut } = context.model(dtype);
      const eps = computeEps + epsOut;
      let compared = 0;
      let near = 0;
      for (let trial = 0; trial < 60; trial++) {
        const n = context.rng.int(2, 40);
        const row = asDtype(dtype, [
          Array.from({ length: n }, () =>
            context.rng.next() < 0.2 ? context.rng.int(-2, 2) : context.rng.normal() * 2,
          ),
        ])[0]!;
        const pick = () => context.rng.next() < 0.4;
        const params: ExtendedReferenceSampling = {
          temperature: [0.7, 1, 1.5][context.rng.int(0, 2)]!,
          ...(pick() ? { topNSigma: 0.5 + 2 * context.rng.next() } : {}),
          ...(pick() ? { topK: context.rng.int(1, n) } : {}),
          ...(pick() ? { topP: 0.3 + 0.7 * context.rng.next() } : {}),
          ...(pick() ? { minP: 0.2 * context.rng.next() } : {}),
          ...(pick() ? { typicalP: 0.3 + 0.7 * context.rng.next() } : {}),
          ...(pick()
            ? { xtcThreshold: 0.05 + 0.3 * context.rng.next(), xtcProbability: context.rng.next() }
            : {}),
          ...(pick() ? { minKeep: context.rng.int(1, 4) } : {}),
        };
        const seed = context.rng.int(0, 2 ** 31);
        const draws = 12;
        const result = await sampleRows(kit, dtype, [row], {
          ...(params as SampleOptions),
          seed,
          draws,
        });
        const tokens = result.rows[0]!.tokens;
        const bound = 2 * (n + 8) * eps;
        for (let draw = 0; draw < draws; draw++) {
          const pair = uniformPairAt(seed, 0, draw, new Float64Array(2));
          const reference = referenceExtendedDistribution(row, params, pair[1]!);
          if (
            reference.margin <= 2 * bound ||
            referenceDrawMargin(reference.q, pair[0]!) <= bound
          ) {
            near++;
            continue;
          }
          compared++;
          const expected = referenceDraw(reference.q, pair[0]!);
          t.require(
            tokens[draw] === expected,
            () =>
              `trial ${trial} draw ${draw} (${JSON.stringify(params)}): token ${tokens[draw]}, reference ${expected}`,
          );
        }
      }
      t.require(compared >= 400, `only ${compared} draws were far enough from a boundary`);
      return `compared ${compared} draws; ${near} within the bound of a boundary`;
    },
  );
}

function verifyCase(dtype: Dtype, make: DecodingKitFactory): ConformanceCase {
  return kitCase(
    `sampling.verify.${dtype}`,
    `verify's tokens equal the float64 reference's with the same u and v (accepted when u r(d) < p(d), strictly; the correction from max(0, p - r) drawn with v), on random sequences, an exact tie u r(d) = p(d), and exact-match verification at T = 0 (${dtype}).`,
    'sequences with an acceptance test or a draw within 2 (n + 8) eps of its boundary are counted, not compared',
    make,
    async (kit, context, t) => {
      // The compute's rounding plus the output dtype's (a float32 p, x' or log q).
      const { eps: computeEps, epsOut } = context.model(dtype);
      const eps = computeEps + epsOut;
      let compared = 0;
      for (let trial = 0; trial < 40; trial++) {
        const n = context.rng.int(2, 12);
        const k = context.rng.int(0, 4);
        const rows = asDtype(
          dtype,
          Array.from({ length: k + 1 }, () =>
            Array.from({ length: n }, () => context.rng.normal() * 1.5),
          ),
        );
        const r = Array.from({ length: k }, () => {
          const w = Array.from({ length: n }, () => context.rng.next() + 0.01);
          const total = w.reduce((a, b) => a + b, 0);
          return w.map((v) => v / total);
        });
        const draft = r.map((ri) => referenceDraw(ri, context.rng.next()));
        const params: ExtendedReferenceSampling = {
          temperature: [0.8, 1, 1.3][context.rng.int(0, 2)]!,
          ...(context.rng.next() < 0.3 ? { topK: context.rng.int(1, n) } : {}),
          ...(context.rng.next() < 0.3
            ? { history: [context.rng.int(0, n - 1)], presencePenalty: 0.5 }
            : {}),
        };
        const seed = context.rng.int(0, 2 ** 31);
        const step = context.rng.int(0, 1000);
        const reference = referenceVerify(rows, draft, r, params, { seed, row: 0, step });
        if (reference.margin <= 2 * (n + 8) * eps) continue;
        const got = await kit.decoder.verify(typed(dtype, rows), {
          ...(params as SampleOptions),
          shape: [k + 1, n],
          draft,
          draftProbabilities: r,
          seed,
          step,
        });
        compared++;
        t.require(
          list(got.tokens) === list(reference.tokens) && got.accepted === reference.accepted,
          () =>
            `trial ${trial}: tokens ${list(got.tokens)} (accepted ${got.accepted}), reference ${list(reference.tokens)} (accepted ${reference.accepted})`,
        );
      }
      t.require(compared >= 25, `only ${compared} sequences compared`);
      // An exact tie: p_0 = [0.5, 0.5] (equal logits), r_0(0) = 0.5 / u with u r_0(0) = 0.5
      // exactly: SPEC rejects (strict <) and corrects to token 1.
      let found = false;
      for (let seed = 0; seed < 1000 && !found; seed++) {
        const u = uniformPairAt(seed, 0, 0, new Float64Array(2))[0]!;
        const r0 = 0.5 / u;
        if (u < 0.55 || u * r0 !== 0.5) continue;
        found = true;
        const got = await kit.decoder.verify(
          typed(dtype, [
            [0, 0],
            [0, 0],
          ]),
          {
            shape: [2, 2],
            draft: [0],
            draftProbabilities: [[r0, 1 - r0]],
            seed,
          },
        );
        t.require(
          got.accepted === 0 && got.tokens[0] === 1,
          () =>
            `u r(d) = p(d) exactly (seed ${seed}): accepted ${got.accepted}, tokens ${list(got.tokens)}; SPEC rejects and corrects to 1`,
        );
      }
      t.require(found, 'no seed below 1000 gave an exact tie');
      // T = 0 on both sides: exact-match verification.
      const oneHot = (token: number, size: number) =>
        Array.from({ length: size }, (_, j) => (j === token ? 1 : 0));
      const greedy = await kit.decoder.verify(
        typed(dtype, [
          [3, 1, 0],
          [0, 1, 2],
          [2, 2, 0],
        ]),
        {
          shape: [3, 3],
          draft: [0, 1],
          draftProbabilities: [oneHot(0, 3), oneHot(1, 3)],
          temperature: 0,
          seed: 3,
        },
      );
      t.require(
        list(greedy.tokens) === '[0, 2]' && greedy.accepted === 1,
        () => `T = 0: tokens ${list(greedy.tokens)}, exact match gives [0, 2]`,
      );
      return `compared ${compared} sequences`;
    },
  );
}

function verifyChiSquareCase(make: DecodingKitFactory): ConformanceCase {
  const runs = 4000;
  return kitCase(
    'sampling.verify.chi-square',
    `verify's first token follows the target distribution p_0 when the draft's tokens are drawn from r: chi-square of ${runs} sequences (seeds ${VERIFY_CHI_SQUARE_SEED} + i), bins pooled to an expected count >= 5, significance ${SIGNIFICANCE}.`,
    `statistic <= the chi-square quantile at 1 - ${SIGNIFICANCE}`,
    make,
    async (kit, _context, t) => {
      const rows = [
        [3, 0, 1, 0.5, -1, 2],
        [0, 2, 1, 0, 0, 1],
      ];
      const r0 = [0.05, 0.4, 0.1, 0.3, 0.1, 0.05];
      const p0 = referenceExtendedDistribution(rows[0]!, {}, 1).q;
      const counts = new Array<number>(6).fill(0);
      // The draft tokens from r_0 with a stream of their own (the generator's row 1).
      for (let i = 0; i < runs; i++) {
        const seed = VERIFY_CHI_SQUARE_SEED + i;
        const draft = [referenceDraw(r0, uniformPairAt(seed, 1, 0, new Float64Array(2))[0]!)];
        const got = await kit.decoder.verify(Float64Array.from(rows.flat()), {
          shape: [2, 6],
          draft,
          draftProbabilities: [r0],
          seed,
        });
        counts[got.tokens[0]!]!++;
      }
      let statistic = 0;
      for (let token = 0; token < 6; token++)
        statistic += (counts[token]! - runs * p0[token]!) ** 2 / (runs * p0[token]!);
      const df = 5;
      let low = 0;
      let high = 200;
      for (let k = 0; k < 200; k++) {
        const middle = (low + high) / 2;
        if (chiSquareTail(middle, df) > SIGNIFICANCE) low = middle;
        else high = middle;
      }
      t.check(
        statistic,
        high,
        () => `chi-square ${statistic.toFixed(2)}, df ${df}, counts ${list(counts)}`,
      );
      return `chi-square ${statistic.toFixed(2)}, df ${df}`;
    },
  );
}

function beamStepCase(dtype: Dtype, make: DecodingKitFactory): ConformanceCase {
  return kitCase(
    `sampling.beam-step.${dtype}`,
    `beamStep returns the first width candidates by s_b + log q_b(t), ties by lower beam then lower token (exact ties from equal rows, scores and logits), never a -Infinity one (${dtype}).`,
    '|score - reference| <= (n + 8) eps (|s_b| + |log q| + 1); distinct scores differ by >= 0.05',
    make,
    async (kit, context, t) => {
      // The compute's rounding plus the output dtype's (a float32 p, x' or log q).
      const { eps: computeEps, epsOut } = context.model(dtype);
      const eps = computeEps + epsOut;
      const rows = [
        [1, 1, 0, Number.NEGATIVE_INFINITY],
        [1, 1, 0, Number.NEGATIVE_INFINITY],
        [2, 0, 0, -1],
        [0, 0, 0, 0],
      ];
      const scores = [-1, -1, -1.5, Number.NEGATIVE_INFINITY];
      for (const width of [3, 5, 12, 20]) {
        const got = await kit.decoder.beamStep(typed(dtype, rows), {
          shape: [4, 4],
          scores,
          width,
        });
        const expected = referenceBeamStep(rows, scores, width);
        t.require(
          list(got.beams) === list(expected.map((c) => c.beam)) &&
            list(got.tokens) === list(expected.map((c) => c.token)),
          () =>
            `width ${width}: (beam, token) ${list(got.beams)} / ${list(got.tokens)}, SPEC ${list(expected.map((c) => c.beam))} / ${list(expected.map((c) => c.token))}`,
        );
        for (const [k, c] of expected.entries())
          t.check(
            Math.abs(got.scores[k]! - c.score),
            (4 + 8) * eps * (Math.abs(c.score) + 4),
            () => `width ${width}, rank ${k}: score ${got.scores[k]}, reference ${c.score}`,
          );
      }
      const defaulted = await kit.decoder.beamStep(typed(dtype, rows.slice(0, 2)), {
        shape: [2, 4],
        scores: [0, 0],
      });
      t.require(
        defaulted.tokens.length === 4,
        () => `default width 2B = 4, got ${defaulted.tokens.length}`,
      );
      return undefined;
    },
  );
}

function scoreCase(dtype: Dtype, make: DecodingKitFactory): ConformanceCase {
  return kitCase(
    `sampling.score.${dtype}`,
    `score gives each target's logSoftmax(x) accurately relative to its terms (score([0, -40], 0) = -4.248354e-18, also at m = 1e6), their sum, mean NLL and perplexity; zero rows give 0, 0, 1 (${dtype}).`,
    "|logp - ref| <= (n + 8) eps (|x_t - m| + log1p(s)), the terms of SPEC's accurate form",
    make,
    async (kit, context, t) => {
      // The compute's rounding plus the output dtype's (a float32 p, x' or log q).
      const { eps: computeEps, epsOut } = context.model(dtype);
      const eps = computeEps + epsOut;
      const rows = asDtype(dtype, [
        [0, -40],
        [1e6, 1e6 - 40],
        [3, 1, 2, 0.5],
        [-1e4, -1e4, -1e4 + 1, -1e4],
      ]);
      const targets = [0, 0, 2, 1];
      const n = 4;
      const padded = rows.map((row) => [
        ...row,
        ...new Array<number>(n - row.length).fill(Number.NEGATIVE_INFINITY),
      ]);
      const got = await kit.decoder.score(typed(dtype, padded), { shape: [4, n], targets });
      for (const [i, row] of padded.entries()) {
        const finite = row.filter(Number.isFinite);
        const reference = referenceLogSoftmax(finite)[targets[i]!]!;
        // The two terms of (x_t - m) - log1p(s) have one sign: |reference| is their sum.
        t.check(
          Math.abs(got.logprobs[i]! - reference),
          (n + 8) * eps * Math.abs(reference),
          () => `row ${i}: ${got.logprobs[i]}, reference ${reference}`,
        );
      }
      t.check(
        Math.abs(got.logprobs[0]! - -4.248354255291589e-18),
        (n + 8) * eps * 4.25e-18,
        () => `score([0, -40], 0) = ${got.logprobs[0]}, SPEC -4.248354e-18`,
      );
      // The totals from the returned log-probabilities (float64 arithmetic on them).
      const total = Array.from(got.logprobs).reduce((a, b) => a + b, 0);
      t.check(
        Math.abs(got.sum - total),
        8 * 2 ** -53 * (Math.abs(total) + 1),
        () => `sum ${got.sum}, ${total}`,
      );
      t.check(
        Math.abs(got.perplexity - Math.exp(-total / 4)),
        8 * 2 ** -53 * Math.exp(-total / 4) * (Math.abs(total) + 1),
        () => `perplexity ${got.perplexity}, exp(-sum / 4) = ${Math.exp(-total / 4)}`,
      );
      const empty = await kit.decoder.score(typed(dtype, []), { shape: [0, 3], targets: [] });
      t.require(
        empty.sum === 0 && empty.meanNll === 0 && empty.perplexity === 1,
        () => `zero rows: ${empty.sum}, ${empty.meanNll}, ${empty.perplexity}; SPEC 0, 0, 1`,
      );
      return undefined;
    },
  );
}

function errorsCase(make: DecodingKitFactory): ConformanceCase {
  return kitCase(
    'sampling.errors-v1-1',
    "Every invalid v1.1 input rejects with INVALID_INPUT naming the option (and row or position): each new parameter out of range, per-row arrays of the wrong length, breaker ids, verify's draft and r, beamStep and verify refusing XTC, score's targets.",
    undefined,
    make,
    async (kit, _context, t) => {
      const expect = async (label: string, run: () => Promise<unknown>, pattern: RegExp) => {
        try {
          await run();
          t.fail(`${label}: resolved, expected INVALID_INPUT`);
        } catch (error) {
          const e = error as { code?: unknown; message?: unknown };
          t.require(
            e?.code === 'INVALID_INPUT' && pattern.test(String(e?.message)),
            () =>
              `${label}: got ${String(e?.code)} '${String(e?.message)}', expected INVALID_INPUT matching ${pattern}`,
          );
        }
      };
      const bad: [string, SampleOptions][] = [
        ['penaltyWindow', { penaltyWindow: -1 }],
        ['penaltyWindow', { penaltyWindow: 0.5 }],
        ['dryMultiplier', { dryMultiplier: -1 }],
        ['dryBase', { dryBase: 0.5 }],
        ['dryAllowedLength', { dryAllowedLength: 0 }],
        ['dryAllowedLength', { dryAllowedLength: 1.5 }],
        ['topNSigma', { topNSigma: 0 }],
        ['typicalP', { typicalP: 0 }],
        ['typicalP', { typicalP: 1.5 }],
        ['xtcThreshold', { xtcThreshold: 2 }],
        ['xtcProbability', { xtcProbability: -0.1 }],
        ['minKeep', { minKeep: 0 }],
        ['minKeep', { minKeep: 2.5 }],
      ];
      for (const [name, options] of bad)
        await expect(
          `${name} ${JSON.stringify(options)}`,
          () => sampleRows(kit, 'float64', [[1, 2, 3]], { seed: 1, ...options }),
          new RegExp(name),
        );
      const two = [
        [1, 2, 3],
        [3, 2, 1],
      ];
      await expect(
        'typicalP per row of the wrong length',
        () => sampleRows(kit, 'float64', two, { seed: 1, typicalP: [0.5, 0.5, 0.5] }),
        /typicalP/,
      );
      await expect(
        'a breaker outside [0, n) in row 1',
        () =>
          sampleRows(kit, 'float64', two, {
            seed: 1,
            history: [0],
            dryMultiplier: 1,
            dryBreakers: [[0], [3]],
          }),
        /dryBreakers.*row 1.*position 0/,
      );
      const target = Float64Array.of(1, 2, 3, 3, 2, 1);
      const r = [0.2, 0.3, 0.5];
      const verify = (options: Record<string, unknown>) => () =>
        kit.decoder.verify(target, {
          shape: [2, 3],
          draft: [1],
          draftProbabilities: [r],
          seed: 1,
          ...options,
        });
      await expect('verify with XTC', verify({ xtcProbability: 0.5 }), /xtc/i);
      await expect('draft id 3', verify({ draft: [3] }), /i = 0/);
      await expect('r_0(d_0) = 0', verify({ draftProbabilities: [[0.5, 0, 0.5]] }), /i = 0/);
      await expect('r_0 sums to 1.1', verify({ draftProbabilities: [[0.2, 0.4, 0.5]] }), /i = 0/);
      await expect('r_0 negative', verify({ draftProbabilities: [[-0.1, 0.6, 0.5]] }), /i = 0/);
      await expect('r_0 NaN', verify({ draftProbabilities: [[Number.NaN, 0.5, 0.5]] }), /i = 0/);
      await expect(
        'beamStep with XTC',
        () => kit.decoder.beamStep(target, { shape: [2, 3], scores: [0, 0], xtcProbability: 1 }),
        /xtc/i,
      );
      await expect(
        'score target 3 in row 1',
        () => kit.decoder.score(target, { shape: [2, 3], targets: [0, 3] }),
        /row 1/,
      );
      return undefined;
    },
  );
}

/**
 * The extended sampling group's cases (SPEC v1.1); `makeKit` (default: the real sampler and
 * decoder of `@softmax-kit/sampling`) builds what is tested from the instance under test.
 *
 * @example
 * ```ts
 * samplingExtendedCases().map((c) => c.id); // ['sampling.top-n-sigma.float32', ...]
 * ```
 */
export function samplingExtendedCases(makeKit: DecodingKitFactory = realKit): ConformanceCase[] {
  return [
    ...DTYPES.flatMap((dtype) => [
      topNSigmaCase(dtype, makeKit),
      typicalCase(dtype, makeKit),
      minKeepCase(dtype, makeKit),
      xtcCase(dtype, makeKit),
      windowAndDryCase(dtype, makeKit),
      orderCase(dtype, makeKit),
      drawsCase(dtype, makeKit),
      verifyCase(dtype, makeKit),
      beamStepCase(dtype, makeKit),
      scoreCase(dtype, makeKit),
    ]),
    verifyChiSquareCase(makeKit),
    errorsCase(makeKit),
  ];
}
