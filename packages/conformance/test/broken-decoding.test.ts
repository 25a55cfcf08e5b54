import { createSoftmax, type Softmax } from '@softmax-kit/core';
import {
  createSampler,
  type Decoder,
  type SampledRow,
  type SampleOptions,
  type SampleResult,
  type Sampler,
  type SamplerInput,
  uniformAt,
  uniformPairAt,
  type VerifyOptions,
  type VerifyResult,
} from '@softmax-kit/sampling';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CaseContext, CaseOutcome } from '../src/case.js';
import {
  type DecodingKit,
  type DecodingKitFactory,
  realKit,
  samplingExtendedCases,
} from '../src/cases/sampling-extended.js';
import { precisionModel } from '../src/precision.js';
import { createRng, seedFor } from '../src/rng.js';
import { referenceDistribution } from '../src/sampling-reference.js';
import { referenceExtendedDistribution } from '../src/sampling-reference-extended.js';
import { referenceBackend } from './reference-backends.js';

let sm: Softmax;
beforeAll(async () => {
  sm = await createSoftmax(referenceBackend());
});

/** Runs the extended sampling cases with the kit `make` builds; returns the ids that failed. */
async function failures(make: DecodingKitFactory): Promise<string[]> {
  const failed: string[] = [];
  for (const testCase of samplingExtendedCases(make)) {
    const context: CaseContext = {
      sm,
      backend: referenceBackend(),
      capabilities: sm.backend.capabilities,
      seed: 7,
      rng: createRng(seedFor(7, testCase.id)),
      model: (dtype) => precisionModel(sm.backend.capabilities, dtype),
      cache: new Map(),
    };
    const outcome: CaseOutcome = await testCase.run(context);
    if (outcome.status === 'fail') failed.push(testCase.id);
  }
  return failed;
}

const both = (name: string) => [`sampling.${name}.float32`, `sampling.${name}.float64`];

/** The real kit with its sampler's `sample` replaced. */
function withSample(
  change: (real: Sampler, input: SamplerInput, options: SampleOptions) => Promise<SampleResult>,
): DecodingKitFactory {
  return (instance) => {
    const kit = realKit(instance);
    return {
      ...kit,
      sampler: { sample: (input, options = {}) => change(kit.sampler, input, options) },
    };
  };
}

/** The real kit with some decoder methods replaced. */
function withDecoder(
  change: (instance: Softmax, real: Decoder) => Partial<Decoder>,
): DecodingKitFactory {
  return (instance) => {
    const kit: DecodingKit = realKit(instance);
    return { ...kit, decoder: { ...kit.decoder, ...change(instance, kit.decoder) } };
  };
}

/** XTC's coin from the draw's FIRST output u (SPEC: the second, v), one-row calls. */
const xtcFirstCoin = withSample(async (real, input, options) => {
  const pi = options.xtcProbability;
  if (pi === undefined || typeof pi !== 'number' || (options.shape?.[0] ?? 1) !== 1)
    return real.sample(input, options);
  const seed = options.seed as number;
  const draws = (options.draws as number | undefined) ?? 1;
  const rows: SampledRow[] = [];
  for (let draw = 0; draw < Math.max(draws, 1); draw++) {
    // xtcProbability 1 fires (every v < 1), 0 never: the decision taken by u instead.
    const fires = uniformAt(seed, 0, draw) < pi;
    const one = await real.sample(input, {
      ...options,
      xtcProbability: fires ? 1 : 0,
      draws: 1,
      step: draw,
    });
    rows.push(one.rows[0]!);
  }
  const tokens = Int32Array.from(rows.slice(0, draws), (row) => row.tokens[0]!);
  return { seed, rows: [{ ...rows[0]!, tokens, logprobs: new Float64Array(draws) }] };
});

/** DRY that ignores its breakers. */
const dryWithoutBreakers = withSample((real, input, options) => {
  const { dryBreakers, ...rest } = options;
  return real.sample(input, rest);
});

/** typical-p that keeps a prefix of the tokens ranked by q (that is, top-p). */
const typicalByQ = withSample((real, input, options) => {
  const { typicalP, ...rest } = options;
  if (typicalP === undefined || options.topP !== undefined || options.minP !== undefined)
    return real.sample(input, options);
  return real.sample(input, { ...rest, topP: typicalP });
});

/** A verify written out with one fault: accepting with <=, or drawing the correction from p. */
function handmadeVerify(
  instance: Softmax,
  fault: 'none' | 'accept-le' | 'correction-from-p',
): Decoder['verify'] {
  const sampler = createSampler(instance);
  return async (input, options: VerifyOptions): Promise<VerifyResult> => {
    const [rows, n] = options.shape as [number, number];
    const flat = Array.from(input as ArrayLike<number>);
    const { draft, draftProbabilities, seed, row, step, history, shape, ...sampling } = options;
    const prior = (history ?? []) as readonly number[];
    const r = draftProbabilities as readonly (readonly number[])[];
    const tokens: number[] = [];
    const draftList = Array.from(draft);
    for (let i = 0; i < rows; i++) {
      const result = await sampler.sample(flat.slice(i * n, i * n + n), {
        ...sampling,
        history: [...prior, ...draftList.slice(0, i)],
        seed: seed as number,
        draws: 0,
        q: true,
      });
      const p = Array.from(result.rows[0]!.q!);
      const pair = uniformPairAt(
        seed as number,
        0,
        ((step as number | undefined) ?? 0) + i,
        new Float64Array(2),
      );
      const u = pair[0]!;
      const v = pair[1]!;
      const pick = (w: number[], x: number) => {
        const total = w.reduce((a, b) => a + b, 0);
        let sum = 0;
        let last = -1;
        for (let t = 0; t < n; t++) {
          if (!(w[t]! > 0)) continue;
          sum += w[t]!;
          last = t;
          if (sum > x * total) return t;
        }
        return last;
      };
      if (i === rows - 1) {
        tokens.push(pick(p, u));
        break;
      }
      const d = draftList[i]!;
      const accept = fault === 'accept-le' ? u * r[i]![d]! <= p[d]! : u * r[i]![d]! < p[d]!;
      if (accept) {
        tokens.push(d);
        continue;
      }
      const residual = p.map((value, t) => Math.max(0, value - r[i]![t]!));
      const empty = residual.every((value) => value === 0);
      tokens.push(pick(fault === 'correction-from-p' || empty ? p : residual, v));
      break;
    }
    return {
      accepted: tokens.length - 1,
      tokens: Int32Array.from(tokens),
      logprobs: new Float64Array(tokens.length),
      seed: seed as number,
    };
  };
}

/** beamStep with ties broken by the higher beam and token: beams and tokens reversed. */
const beamTiesByHigherIndex = withDecoder((_instance, real) => ({
  beamStep: async (input, options) => {
    const [rows, n] = options.shape as [number, number];
    const flat = Array.from(input as ArrayLike<number>);
    const reversed: number[] = [];
    for (let b = rows - 1; b >= 0; b--) reversed.push(...flat.slice(b * n, b * n + n).reverse());
    const result = await real.beamStep(Float64Array.from(reversed), {
      ...options,
      scores: Array.from(options.scores).reverse(),
    });
    return {
      ...result,
      beams: result.beams.map((b) => rows - 1 - b),
      tokens: result.tokens.map((t) => n - 1 - t),
    };
  },
}));

/** score as x_t - logSumExp(x): loses the result at large m. */
const scoreByLogSumExp = withDecoder((instance) => ({
  score: async (input, options) => {
    const [rows, n] = options.shape as [number, number];
    const flat = Float64Array.from(input as ArrayLike<number>);
    const lse = await instance.logSumExp(flat, { shape: [rows, n] });
    const logprobs = Float64Array.from(
      { length: rows },
      (_, i) => flat[i * n + options.targets[i]!]! - lse[i]!,
    );
    const sum = logprobs.reduce((a, b) => a + b, 0);
    const meanNll = rows === 0 ? 0 : -sum / rows;
    return { logprobs, sum, meanNll, perplexity: Math.exp(meanNll) };
  },
}));

describe('the extended sampling cases (SPEC v1.1)', () => {
  it('pass the real sampler and decoder on a correct backend', async () => {
    expect(await failures(realKit)).toEqual([]);
  });

  it('use a reference that is the v1 reference where every v1.1 option is off', () => {
    const rng = createRng(11);
    for (let trial = 0; trial < 300; trial++) {
      const n = rng.int(2, 30);
      const row = Array.from({ length: n }, () => rng.normal() * 2);
      const params = {
        temperature: [0.5, 1, 2][trial % 3]!,
        ...(trial % 2 ? { topK: rng.int(1, n) } : {}),
        ...(trial % 3 ? { topP: 0.2 + 0.8 * rng.next() } : {}),
        ...(trial % 5 ? {} : { minP: 0.3 * rng.next() }),
        ...(trial % 4
          ? {}
          : { history: [rng.int(0, n - 1), rng.int(0, n - 1)], presencePenalty: 0.7 }),
      };
      const v1 = referenceDistribution(row, params);
      const v11 = referenceExtendedDistribution(row, params, 0);
      expect(Array.from(v11.ranked)).toEqual(Array.from(v1.ranked));
      expect(Array.from(v11.q)).toEqual(Array.from(v1.q));
    }
  });

  it('fail XTC with the first output as its coin (the xtc cases)', async () => {
    expect(await failures(xtcFirstCoin)).toEqual(expect.arrayContaining(both('xtc')));
  });

  it('fail DRY without breakers (the dry cases)', async () => {
    expect(await failures(dryWithoutBreakers)).toEqual(expect.arrayContaining(both('dry')));
  });

  it('fail typical-p ranked by q (the typical-p cases)', async () => {
    expect(await failures(typicalByQ)).toEqual(expect.arrayContaining(both('typical-p')));
  });

  it('pass a verify written out correctly, and fail it accepting with <= (the verify cases)', async () => {
    const handmade = (fault: 'none' | 'accept-le' | 'correction-from-p') =>
      withDecoder((instance) => ({ verify: handmadeVerify(instance, fault) }));
    // The handmade verify checks none of its input, so only the errors case fails it.
    expect(await failures(handmade('none'))).toEqual(['sampling.errors-v1-1']);
    expect(await failures(handmade('accept-le'))).toEqual(expect.arrayContaining(both('verify')));
  });

  it('fail verify drawing the correction from p (the verify cases and its chi-square)', async () => {
    const failed = await failures(
      withDecoder((instance) => ({ verify: handmadeVerify(instance, 'correction-from-p') })),
    );
    expect(failed).toEqual(
      expect.arrayContaining([...both('verify'), 'sampling.verify.chi-square']),
    );
  });

  it('fail beamStep ties broken by the higher index (the beam-step cases)', async () => {
    expect(await failures(beamTiesByHigherIndex)).toEqual(
      expect.arrayContaining(both('beam-step')),
    );
  });

  it('fail score computed as x - logSumExp(x) (the score cases, at m = 1e6)', async () => {
    expect(await failures(scoreByLogSumExp)).toEqual(expect.arrayContaining(both('score')));
  });
});
