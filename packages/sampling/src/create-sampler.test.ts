import { createSoftmax, SoftmaxError } from '@softmax-kit/core';
import { float64Backend } from '@softmax-kit/core/internal';
import { beforeAll, describe, expect, it } from 'vitest';
import { drawMargin, referenceRow, referenceToken, testRng } from '../test/reference-sampler.js';
import { createSampler } from './create-sampler.js';
import { uniformAt } from './philox.js';
import type { SampleOptions, SyncSampler } from './types.js';

let sampler: SyncSampler;
beforeAll(async () => {
  sampler = createSampler(await createSoftmax(float64Backend()));
});

const kept = (q: Float64Array | undefined) => [...(q ?? [])].flatMap((v, i) => (v > 0 ? [i] : []));
const one = (logits: number[], options: SampleOptions) =>
  sampler.sampleSync(logits, { seed: 1, q: true, ...options }).rows[0]!;

function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(SoftmaxError.isInstance(error)).toBe(true);
    return (error as SoftmaxError).code;
  }
  return 'no error';
}

describe('greedy (T = 0)', () => {
  it('picks the lowest index among the maxima, whatever the seed', () => {
    for (const seed of [0, 1, 99, -5]) {
      const row = sampler.sampleSync([1, 3, 3, 2], {
        temperature: 0,
        seed,
        draws: 4,
        entropy: true,
        q: true,
      }).rows[0]!;
      expect([...row.tokens]).toEqual([1, 1, 1, 1]);
      expect([...row.logprobs]).toEqual([0, 0, 0, 0]);
      expect(row.entropy).toBe(0);
      expect([...row.q!]).toEqual([0, 1, 0, 0]);
    }
  });

  it('takes the first +Infinity over a finite max and ignores truncation', () => {
    expect(one([5, Infinity, Infinity], { temperature: 0, topK: 1, topP: 0.1 }).tokens[0]).toBe(1);
  });
});

describe('truncation keeps the SPEC set, ties by lower index', () => {
  it('topK keeps the first k of the ranking; equal logits at the boundary go to the lower index', () => {
    expect(kept(one([1, 3, 3, 3, 5], { topK: 2 }).q)).toEqual([1, 4]);
    expect(kept(one([3, 3, 3, 3], { topK: 3 }).q)).toEqual([0, 1, 2]);
    expect(one([3, 3, 3, 3], { topK: 3 }).kept).toBe(3);
  });

  it('topP keeps the shortest ranked prefix with mass >= topP, ties by lower index', () => {
    // p = [0.5, 0.25, 0.25] (exact in binary): topP 0.75 needs the first two of the ranking.
    const x = [Math.log(2), 0, 0];
    expect(kept(one(x, { topP: 0.75 }).q)).toEqual([0, 1]);
    expect(kept(one(x, { topP: 0.5 }).q)).toEqual([0]);
    expect(kept(one(x, { topP: 0.5000001 }).q)).toEqual([0, 1]);
    expect(kept(one(x, { topP: 1 }).q)).toEqual([0, 1, 2]);
    // Equal logits: 4 tokens of 1/4 each, topP 0.3 keeps two, the lower indices.
    expect(kept(one([0, 0, 0, 0], { topP: 0.3 }).q)).toEqual([0, 1]);
  });

  it('minP keeps (x - max)/T >= log(minP): 1 keeps every maximum, 0 keeps all', () => {
    expect(kept(one([3, 1, 3, 2], { minP: 1 }).q)).toEqual([0, 2]);
    expect(kept(one([3, 1, 3, -1e300], { minP: 0 }).q)).toEqual([0, 1, 2]); // p of -1e300 is 0
    expect(one([3, 1, 3, -1e300], { minP: 0 }).kept).toBe(4);
    // (0 - 1)/T >= log(0.5) holds for T = 2 (-0.5), not for T = 1 (-1).
    expect(kept(one([1, 0], { minP: 0.5, temperature: 1 }).q)).toEqual([0]);
    expect(kept(one([1, 0], { minP: 0.5, temperature: 2 }).q)).toEqual([0, 1]);
  });

  it('applies top-k, then top-p renormalised over the top-k set, then min-p', () => {
    // p ∝ [4, 3, 2, 1]. topK 2 then topP 0.5 of {0, 1}: 4/7 >= 0.5 keeps {0}. topP first would keep {0, 1}.
    const x = [Math.log(4), Math.log(3), Math.log(2), 0];
    expect(kept(one(x, { topK: 2, topP: 0.5 }).q)).toEqual([0]);
    expect(kept(one(x, { topP: 0.5 }).q)).toEqual([0, 1]);
    // Temperature before truncation: at T = 100 the row is nearly flat, min-p 0.9 keeps all.
    expect(kept(one(x, { minP: 0.9, temperature: 100 }).q)).toEqual([0, 1, 2, 3]);
    expect(kept(one(x, { minP: 0.9, temperature: 1 }).q)).toEqual([0]);
  });

  it('T = Infinity is uniform over what is still allowed after truncation', () => {
    const row = one([5, 1, -Infinity, 3], { temperature: Infinity, topK: 2 });
    expect([...row.q!]).toEqual([0.5, 0, 0, 0.5]);
  });
});

describe('logit processing', () => {
  it('applies repetition, presence and frequency penalties per seen token', () => {
    // x' = [2/2 - 0.5 - 2*0.25, -2*2 - 0.5 - 0.25, 1] = [0, -4.75, 1].
    const row = one([2, -2, 1], {
      history: [0, 0, 1],
      repetitionPenalty: 2,
      presencePenalty: 0.5,
      frequencyPenalty: 0.25,
    });
    const z = Math.exp(0) + Math.exp(-4.75) + Math.exp(1);
    const expected = [1 / z, Math.exp(-4.75) / z, Math.exp(1) / z];
    // float64 p: a few rounding steps of 2^-53 per entry.
    row.q!.forEach((v, i) => {
      expect(Math.abs(v - expected[i]!)).toBeLessThanOrEqual(8 * 2 ** -53);
    });
  });

  it('a -Infinity bias bans a +Infinity logit; +Infinity otherwise takes all the mass', () => {
    expect([...one([Infinity, 0, 1], {}).q!]).toEqual([1, 0, 0]);
    const banned = one([Infinity, 0, 1], { bias: [-Infinity, 0, 0], draws: 50 });
    expect(banned.q![0]).toBe(0);
    expect([...banned.tokens].includes(0)).toBe(false);
    const sparse = one([Infinity, 0, 1], { bias: new Map([[0, -Infinity]]) });
    expect(sparse.q![0]).toBe(0);
  });

  it('allowed ids and 0/1 masks ban every other token; bias comes before allowed', () => {
    expect(kept(one([1, 2, 3, 4], { allowed: [0, 2] }).q)).toEqual([0, 2]);
    expect(kept(one([1, 2, 3, 4], { allowed: Uint8Array.of(0, 1, 0, 1) }).q)).toEqual([1, 3]);
    expect(codeOf(() => one([1, 2, 3], { allowed: [] }))).toBe('ALL_MASKED');
    expect(codeOf(() => one([1, 2, 3], { allowed: [1], bias: [0, -Infinity, 0] }))).toBe(
      'ALL_MASKED',
    );
  });

  it('takes every parameter once or per row', () => {
    const result = sampler.sampleSync(
      [
        [1, 2, 3],
        [3, 2, 1],
      ],
      {
        allowed: [[0], [2]],
        temperature: [1, 0.5],
        seed: 3,
        q: true,
      },
    );
    expect(kept(result.rows[0]!.q)).toEqual([0]);
    expect(kept(result.rows[1]!.q)).toEqual([2]);
  });
});

describe('errors', () => {
  const x = [1, 2, 3];
  it.each<[string, SampleOptions, string]>([
    ['topK 0', { topK: 0 }, 'INVALID_INPUT'],
    ['topK 1.5', { topK: 1.5 }, 'INVALID_INPUT'],
    ['topP 0', { topP: 0 }, 'INVALID_INPUT'],
    ['topP 1.1', { topP: 1.1 }, 'INVALID_INPUT'],
    ['topP NaN', { topP: Number.NaN }, 'INVALID_INPUT'],
    ['minP -0.1', { minP: -0.1 }, 'INVALID_INPUT'],
    ['minP 1.5', { minP: 1.5 }, 'INVALID_INPUT'],
    ['repetition 0', { repetitionPenalty: 0 }, 'INVALID_INPUT'],
    ['repetition Infinity', { repetitionPenalty: Infinity }, 'INVALID_INPUT'],
    ['presence NaN', { presencePenalty: Number.NaN }, 'INVALID_INPUT'],
    ['frequency Infinity', { frequencyPenalty: Infinity }, 'INVALID_INPUT'],
    ['bias NaN', { bias: [0, Number.NaN, 0] }, 'INVALID_INPUT'],
    ['bias +Infinity', { bias: [0, Infinity, 0] }, 'INVALID_INPUT'],
    ['bias of the wrong length', { bias: [0, 0] }, 'INVALID_INPUT'],
    ['history id 3 of n = 3', { history: [0, 3], presencePenalty: 1 }, 'INVALID_INPUT'],
    ['history id -1', { history: [-1], presencePenalty: 1 }, 'INVALID_INPUT'],
    ['allowed id 1.5', { allowed: [1.5] }, 'INVALID_INPUT'],
    ['mask value 2', { allowed: Uint8Array.of(0, 2, 1) }, 'INVALID_INPUT'],
    ['seed 1.5', { seed: 1.5 }, 'INVALID_INPUT'],
    ['seed 2^53', { seed: 2 ** 53 }, 'INVALID_INPUT'],
    ['temperature -1', { temperature: -1 }, 'INVALID_TEMPERATURE'],
    ['temperature NaN', { temperature: Number.NaN }, 'INVALID_TEMPERATURE'],
    ['two temperatures for one row', { temperature: [1, 1] }, 'INVALID_INPUT'],
    ['draws -1', { draws: -1 }, 'INVALID_INPUT'],
  ])('%s is rejected', (_, options, code) => {
    expect(codeOf(() => sampler.sampleSync(x, options))).toBe(code);
  });

  it('names the row and the position', () => {
    expect(() =>
      sampler.sampleSync(
        [
          [1, 2],
          [3, 4],
        ],
        { history: [[0], [0, 1, 7]], presencePenalty: 1 },
      ),
    ).toThrow(/row 1 .*position 2/);
    expect(() =>
      sampler.sampleSync(
        [
          [1, 2],
          [-Infinity, -Infinity],
        ],
        {},
      ),
    ).toThrow(/row 1/);
    expect(() =>
      sampler.sampleSync(
        [
          [1, 2],
          [3, Number.NaN],
        ],
        {},
      ),
    ).toThrow(/row 1.*column 1/);
  });

  it('rejects bad logits with their codes', () => {
    expect(codeOf(() => sampler.sampleSync([Number.NaN, 1], {}))).toBe('NAN_INPUT');
    expect(codeOf(() => sampler.sampleSync([Number.NaN, 1], { temperature: 0 }))).toBe('NAN_INPUT');
    expect(codeOf(() => sampler.sampleSync([Number.NaN, 1], { allowed: [1] }))).toBe('NAN_INPUT');
    expect(codeOf(() => sampler.sampleSync([-Infinity, -Infinity], {}))).toBe('ALL_MASKED');
    expect(codeOf(() => sampler.sampleSync([[1, 2], [3]], {}))).toBe('SHAPE_MISMATCH');
    expect(codeOf(() => sampler.sampleSync([], {}))).toBe('EMPTY_AXIS');
    expect(codeOf(() => sampler.sampleSync(['a'] as unknown as number[], {}))).toBe(
      'INVALID_INPUT',
    );
    expect(codeOf(() => sampler.sampleSync(new Int8Array(3) as unknown as Float32Array, {}))).toBe(
      'UNSUPPORTED_DTYPE',
    );
  });

  it('the async call rejects with the same codes', async () => {
    await expect(sampler.sample([1, 2], { topK: 0 })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
  });
});

describe('reproducibility', () => {
  const rows = [
    [1, 2, 3, 0.5, -1],
    [0, 0, 0, 0, 0],
    [4, -2, 1, 1, 3],
  ];
  it('a row draws the same whatever rows follow it and in any call order', () => {
    const options = { seed: 77, draws: 6, topP: 0.95 };
    const three = sampler.sampleSync(rows, options);
    const two = sampler.sampleSync(rows.slice(0, 2), options);
    expect(two.rows.map((r) => [...r.tokens])).toEqual(
      three.rows.slice(0, 2).map((r) => [...r.tokens]),
    );
    const again = sampler.sampleSync(rows, options);
    expect(again.rows.map((r) => [...r.tokens])).toEqual(three.rows.map((r) => [...r.tokens]));
  });

  it('a per-row seed draws the same as that seed on a one-row call', () => {
    const batch = sampler.sampleSync(rows, { seed: [5, 6, 7], draws: 8 });
    rows.forEach((row, r) => {
      expect([...sampler.sampleSync(row, { seed: 5 + r, draws: 8 }).rows[0]!.tokens]).toEqual([
        ...batch.rows[r]!.tokens,
      ]);
    });
  });

  it('N draws use steps step, step + 1, ...', () => {
    const all = sampler.sampleSync(rows[0]!, { seed: 9, draws: 5 }).rows[0]!.tokens;
    const head = sampler.sampleSync(rows[0]!, { seed: 9, draws: 2 }).rows[0]!.tokens;
    const tail = sampler.sampleSync(rows[0]!, { seed: 9, draws: 3, step: 2 }).rows[0]!.tokens;
    expect([...all]).toEqual([...head, ...tail]);
  });

  it('without a seed, one is drawn and returned, and passing it back reproduces the run', () => {
    const first = sampler.sampleSync(rows, { draws: 10 });
    expect(Number.isSafeInteger(first.seed)).toBe(true);
    const again = sampler.sampleSync(rows, { draws: 10, seed: first.seed as number });
    expect(again.rows.map((r) => [...r.tokens])).toEqual(first.rows.map((r) => [...r.tokens]));
  });

  it('sample and sampleSync agree, also for concurrent calls', async () => {
    const options = { seed: 3, draws: 4, topK: 3 };
    const expected = sampler.sampleSync(rows, options).rows.map((r) => [...r.tokens]);
    const results = await Promise.all([
      sampler.sample(rows, options),
      sampler.sample(rows, options),
    ]);
    for (const result of results) expect(result.rows.map((r) => [...r.tokens])).toEqual(expected);
  });
});

describe('against the float64 reference sampler', () => {
  // The ts backend computes float64 rows with relative error about n * 2^-53 per entry; a draw
  // may differ from the reference only where |u * S - C_i| is within that (counted).
  const bound = (n: number) => 64 * n * 2 ** -53;

  it('draws the reference token for the same u on random rows and parameters', () => {
    const rng = testRng(2024);
    let compared = 0;
    let nearBoundary = 0;
    for (let trial = 0; trial < 300; trial++) {
      const n = 1 + Math.floor(rng() * 40);
      const logits = Array.from({ length: n }, () =>
        rng() < 0.1 ? Math.floor(rng() * 3) : (rng() - 0.5) * 12,
      );
      const params = {
        temperature: [0.5, 1, 2, Infinity][Math.floor(rng() * 4)]!,
        ...(rng() < 0.5 ? { topK: 1 + Math.floor(rng() * n) } : {}),
        ...(rng() < 0.5 ? { topP: 0.05 + 0.95 * rng() } : {}),
        ...(rng() < 0.3 ? { minP: rng() * 0.5 } : {}),
      };
      const reference = referenceRow(logits, params);
      const result = sampler.sampleSync(logits, { ...params, seed: trial, draws: 20, q: true })
        .rows[0]!;
      for (let draw = 0; draw < 20; draw++) {
        const u = uniformAt(trial, 0, draw);
        if (drawMargin(reference, u) <= bound(n)) {
          nearBoundary++;
          continue;
        }
        compared++;
        expect(result.tokens[draw]).toBe(referenceToken(reference, u));
      }
      expect(result.kept).toBe(reference.ranked.length);
    }
    expect(compared).toBeGreaterThan(5000);
    expect(nearBoundary).toBeLessThan(50);
  });

  it('finds the same kept sets on long rows, with ties and a wide range (the histogram paths)', () => {
    const rng = testRng(7);
    for (const [n, make] of [
      [50_000, () => (rng() - 0.5) * 20],
      [50_000, () => Math.floor(rng() * 8)], // many exact ties
      [20_000, () => (rng() < 0.01 ? -Infinity : Math.round((rng() - 0.5) * 1e6) / 1000)],
      [29_999, () => 3], // all equal (29,999 * topP lies away from an integer)
      // The 512 entries the candidate threshold reads are the largest: the first gathers are
      // too small for top-k 7,000 and are retried lower.
      [
        70_000,
        (() => {
          const sampled = new Set(
            Array.from({ length: 512 }, (_, j) => Math.floor((j * 40_000) / 512)),
          );
          let i = 0;
          return () => (sampled.has(i++) ? 10 + rng() : rng());
        })(),
      ],
    ] as const) {
      const logits = Array.from({ length: n }, make);
      for (const params of [
        { topK: 50 },
        { topK: 7_000 },
        { topP: 0.9 },
        // 19,999 (not 20,000): on the all-equal row 0.3 * 20,000 is an exact boundary, where the
        // kept count depends only on how the sum is rounded.
        { topP: 0.3, topK: 19_999 },
        { minP: 0.2 },
      ]) {
        const reference = referenceRow(logits, params);
        const row = sampler.sampleSync(Float64Array.from(logits), {
          ...params,
          seed: 1,
          q: true,
          topN: 5,
        }).rows[0]!;
        expect(row.kept).toBe(reference.ranked.length);
        expect([...row.top!.tokens]).toEqual(reference.ranked.slice(0, 5));
        const keptSet = new Set(reference.ranked);
        let outside = 0;
        for (let i = 0; i < n; i++) if (!keptSet.has(i) && row.q![i] !== 0) outside++;
        expect(outside).toBe(0);
      }
    }
  });

  it('a long row with one +Infinity the threshold sample misses keeps it first', () => {
    const rng = testRng(5);
    const logits = Array.from({ length: 10_000 }, () => rng() * 10);
    logits[5] = Infinity; // index 5 is not among the 128 sampled entries (multiples of 78.1)
    const byTopP = sampler.sampleSync(logits, { topP: 0.9, seed: 1, q: true, draws: 5 }).rows[0]!;
    expect(byTopP.kept).toBe(1);
    expect([...byTopP.tokens]).toEqual([5, 5, 5, 5, 5]);
    const byTopK = sampler.sampleSync(logits, { topK: 3, seed: 1, topN: 3 }).rows[0]!;
    expect(byTopK.top!.tokens[0]).toBe(5);
    expect([...byTopK.top!.tokens]).toEqual(referenceRow(logits, { topK: 3 }).ranked);
  });

  it('a float32 row keeps the same sets and its log-probabilities are log q of the tokens', () => {
    const rng = testRng(3);
    const logits = Float32Array.from({ length: 5000 }, () => (rng() - 0.5) * 10);
    const reference = referenceRow([...logits], { topP: 0.8 });
    const row = sampler.sampleSync(logits, {
      topP: 0.8,
      seed: 4,
      draws: 50,
      q: true,
      entropy: true,
      rawLogprobs: true,
    }).rows[0]!;
    // The kept set is a ranking prefix; float32 p may move the top-p boundary by a token at most.
    expect(Math.abs(row.kept - reference.ranked.length)).toBeLessThanOrEqual(1);
    const eps32 = 2 ** -24;
    let max = -Infinity;
    for (const v of logits) max = Math.max(max, v);
    const z = Math.log(logits.reduce((s, v) => s + Math.exp(v - max), 0)) + max;
    // q and logSoftmax come from float32 p (relative error a few eps32 each): 64 eps32 of room.
    row.tokens.forEach((token, k) => {
      expect(Math.abs(row.logprobs[k]! - Math.log(row.q![token]!))).toBeLessThanOrEqual(64 * eps32);
      expect(Math.abs(row.rawLogprobs![k]! - (logits[token]! - z))).toBeLessThanOrEqual(
        64 * eps32 * (1 + Math.abs(z)),
      );
    });
    const q = row.q!;
    const entropy = -[...q].reduce((s, v) => (v > 0 ? s + v * Math.log(v) : s), 0);
    expect(Math.abs(row.entropy! - entropy)).toBeLessThanOrEqual(1e-9);
  });
});
