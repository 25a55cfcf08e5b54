import { createSoftmax, type RowPasses, type SyncBackend } from '@softmax-kit/core';
import { float64Backend, genericRowPasses } from '@softmax-kit/core/internal';
import { describe, expect, it } from 'vitest';
import {
  drawMargin,
  referenceEntropy,
  referenceLogprob,
  referenceRow,
  referenceToken,
  testRng,
} from '../test/reference-sampler.js';
import { createSampler } from './create-sampler.js';
import { uniformAt } from './philox.js';
import { SPLIT_MIN } from './split-kept.js';

/** A float64 backend whose row passes are core's, counting the splits and the gathers. */
function countingBackend(): { backend: SyncBackend; splits: () => number; gathers: () => number } {
  let splits = 0;
  let gathers = 0;
  const passes: Required<RowPasses> = {
    ...genericRowPasses,
    split(x, request, into) {
      splits++;
      return genericRowPasses.split(x, request, into);
    },
    gatherAtLeast(...args) {
      gathers++;
      return genericRowPasses.gatherAtLeast(...args);
    },
  };
  return {
    backend: { ...float64Backend(), rowPasses: passes },
    splits: () => splits,
    gathers: () => gathers,
  };
}

/**
 * Samples `logits` with `options` (one row, seed 1, step 0) and checks everything against the
 * float64 reference sampler: the kept count, each draw (unless `u * S` lies within a rounding
 * of a boundary of C), its log-probability, the top 5 and the entropy. Returns how many splits
 * the call made.
 */
async function checkRow(
  logits: number[],
  options: { topP: number; draws?: number; q?: boolean; topK?: number },
): Promise<number> {
  const { backend, splits } = countingBackend();
  const sampler = createSampler(await createSoftmax(backend));
  const draws = options.draws ?? 1;
  const row = sampler.sampleSync(Float64Array.from(logits), {
    seed: 1,
    topN: 5,
    entropy: true,
    ...options,
  }).rows[0]!;
  const reference = referenceRow(logits, options);
  expect(row.kept).toBe(reference.ranked.length);
  for (let draw = 0; draw < draws; draw++) {
    const u = uniformAt(1, 0, draw);
    // Within 1e-9 of a boundary of C, float64 sums in another order may pick the neighbour.
    if (drawMargin(reference, u) > 1e-9)
      expect(row.tokens[draw]).toBe(referenceToken(reference, u));
    expect(row.logprobs[draw]).toBeCloseTo(referenceLogprob(reference, row.tokens[draw]!), 9);
  }
  expect([...row.top!.tokens]).toEqual(reference.ranked.slice(0, 5));
  expect(row.entropy).toBeCloseTo(referenceEntropy(reference), 9);
  return splits();
}

describe("top-p on long rows in one pass (split-kept.ts) keeps SPEC's set and draws its tokens", () => {
  const rng = testRng(11);
  const uniform = (n: number, width: number) =>
    Array.from({ length: n }, () => (rng() - 0.5) * width);

  it('keeps a flat row from the split alone: no gather (nothing asked but the token)', async () => {
    const { backend, splits, gathers } = countingBackend();
    const sampler = createSampler(await createSoftmax(backend));
    const logits = Float64Array.from(uniform(131_072, 16));
    const row = sampler.sampleSync(logits, { topP: 0.9, seed: 2 }).rows[0]!;
    expect([splits(), gathers()]).toEqual([1, 0]);
    expect(row.kept).toBe(referenceRow([...logits], { topP: 0.9 }).ranked.length);
  });

  it('on flat rows at every size class, in one split', async () => {
    for (const n of [SPLIT_MIN, 32_768 + 7, 131_072]) {
      for (const topP of [0.9, 0.5, 0.999]) {
        expect(await checkRow(uniform(n, 16), { topP, draws: 2 })).toBe(1);
      }
    }
  });

  it('with exact ties across the cut (the lower index first), and -Infinity tokens', async () => {
    const n = 40_000;
    const logits = Array.from({ length: n }, (_, i) =>
      i % 11 === 0 ? Number.NEGATIVE_INFINITY : Math.floor(rng() * 12) / 2,
    );
    for (const topP of [0.9, 0.6, 0.3]) expect(await checkRow(logits, { topP })).toBe(1);
  });

  it('when the sample misleads the band (left to the general path, one split)', async () => {
    const n = 70_000;
    // The strided sample reads only large values: its guess of the cut is far too high.
    const stride = n / 1024;
    const sampled = new Set(Array.from({ length: 1024 }, (_, k) => Math.floor(k * stride)));
    const logits = Array.from({ length: n }, (_, i) => (sampled.has(i) ? 9 + rng() : rng() * 4));
    for (const topP of [0.9, 0.2]) expect(await checkRow(logits, { topP })).toBe(1);
    // A row whose mass is one token the sample misses.
    const peaked = uniform(n, 4);
    peaked[5] = 40;
    expect(await checkRow(peaked, { topP: 0.9 })).toBe(1);
  });

  it('keeps minKeep tokens when the mass is reached sooner, at temperatures, as the general path', async () => {
    const { backend, splits } = countingBackend();
    const sampler = createSampler(await createSoftmax(backend));
    const logits = Float64Array.from(uniform(50_000, 30));
    for (const [topP, minKeep, temperature] of [
      [0.5, 20_000, 1],
      [0.9, 3, 0.4],
      [0.9, 1, 3],
    ] as const) {
      const options = { topP, minKeep, temperature, seed: 3, draws: 2, entropy: true, topN: 5 };
      const before = splits();
      const split = sampler.sampleSync(logits, options).rows[0]!;
      expect(splits()).toBeGreaterThan(before);
      // q makes every kept token listed: the general path (tested against the reference).
      const general = sampler.sampleSync(logits, { ...options, q: true }).rows[0]!;
      expect(split.kept).toBe(general.kept);
      expect(split.kept).toBeGreaterThanOrEqual(Math.min(minKeep, logits.length));
      expect([...split.tokens]).toEqual([...general.tokens]);
      expect([...split.top!.tokens]).toEqual([...general.top!.tokens]);
      expect(split.entropy).toBeCloseTo(general.entropy!, 9);
      split.logprobs.forEach((v, k) => {
        expect(v).toBeCloseTo(general.logprobs[k]!, 9);
      });
    }
  });

  it('is not taken where every kept token must be listed (q, many draws), nor below SPLIT_MIN', async () => {
    const logits = uniform(SPLIT_MIN, 16);
    expect(await checkRow(logits, { topP: 0.9, q: true })).toBe(0);
    expect(await checkRow(logits, { topP: 0.9, draws: 3 })).toBe(0);
    expect(await checkRow(logits.slice(1), { topP: 0.9 })).toBe(0);
    expect(await checkRow(logits, { topP: 0.9, topK: 100 })).toBe(0);
  });
});
