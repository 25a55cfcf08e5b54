import { createSoftmax, SoftmaxError } from '@softmax-kit/core';
import { float64Backend } from '@softmax-kit/core/internal';
import { beforeAll, describe, expect, it } from 'vitest';
import { createSampler } from './create-sampler.js';
import { OPTIONS } from './options.js';
import type { SampleOptions, SyncSampler } from './types.js';

let sampler: SyncSampler;
beforeAll(async () => {
  sampler = createSampler(await createSoftmax(float64Backend()));
});

/** Valid values for every option of the table (so each is read and used). */
const VALUES: Record<string, unknown> = {
  bias: [0, 0.5, 0, 0, 0],
  allowed: [0, 1, 2, 3],
  history: [1, 1, 2],
  repetitionPenalty: 1.2,
  presencePenalty: 0.1,
  frequencyPenalty: 0.2,
  penaltyWindow: 2,
  dryMultiplier: 0.5,
  dryBase: 1.5,
  dryAllowedLength: 1,
  dryBreakers: [4],
  temperature: 0.8,
  topNSigma: 3,
  topK: 3,
  topP: 0.95,
  minP: 0.01,
  typicalP: 0.99,
  xtcThreshold: 0.3,
  xtcProbability: 0.5,
  minKeep: 2,
  seed: 11,
  step: 2,
  draws: 3,
  topN: 2,
  entropy: true,
  rawLogprobs: true,
  q: true,
};

describe('the plan reads every option once, before any work', () => {
  it('the table lists every option the test gives, and each getter runs exactly once', () => {
    expect(OPTIONS.map((spec) => spec.name).sort()).toEqual(Object.keys(VALUES).sort());
    const reads = new Map<string, number>();
    const options = {} as Record<string, unknown>;
    for (const [name, value] of Object.entries(VALUES))
      Object.defineProperty(options, name, {
        enumerable: true,
        get() {
          reads.set(name, (reads.get(name) ?? 0) + 1);
          return value;
        },
      });
    const result = sampler.sampleSync([1, 2, 3, 0.5, -1], options as SampleOptions);
    expect(result.rows[0]!.tokens).toHaveLength(3);
    for (const name of Object.keys(VALUES)) expect(reads.get(name), name).toBe(1);
  });

  it('a getter that changes its answer between reads cannot slip a NaN seed or a bias through', () => {
    let seedReads = 0;
    const options = {
      get seed() {
        seedReads++;
        return seedReads === 1 ? 5 : Number.NaN;
      },
    };
    expect(sampler.sampleSync([1, 2, 3], options).seed).toBe(5);
    const x = [1, 2, 3];
    let biasReads = 0;
    sampler.sampleSync(x, {
      seed: 1,
      get bias() {
        biasReads++;
        return biasReads === 1 ? [Number.NEGATIVE_INFINITY, 0, 5] : undefined;
      },
    } as SampleOptions);
    expect(x).toEqual([1, 2, 3]);
  });

  it('changing the options and logits after sample() returned its promise changes nothing', async () => {
    const sm = await createSoftmax(float64Backend());
    const asyncSampler = createSampler(sm);
    const logits = Float64Array.from({ length: 64 }, (_, i) => Math.sin(i));
    const options: SampleOptions = { seed: 4, topP: 0.9, draws: 8 };
    const expected = sampler.sampleSync(logits.slice(), { ...options, q: true, entropy: true });
    const mutable: SampleOptions & { q?: boolean; entropy?: boolean } = { ...options };
    const pending = asyncSampler.sample(logits, mutable);
    mutable.q = true;
    mutable.entropy = true;
    mutable.seed = 5;
    logits.fill(Number.NaN);
    const result = await pending;
    expect(result.rows[0]!.q).toBeUndefined();
    expect(result.rows[0]!.entropy).toBeUndefined();
    expect([...result.rows[0]!.tokens]).toEqual([...expected.rows[0]!.tokens]);
    await sm.dispose();
  });

  it('a disposed instance rejects with DISPOSED, also with rawLogprobs', async () => {
    const sm = await createSoftmax(float64Backend());
    const disposed = createSampler(sm);
    await sm.dispose();
    await expect(disposed.sample([1, 2], { rawLogprobs: true })).rejects.toMatchObject({
      code: 'DISPOSED',
    });
    await expect(disposed.sample([1, Number.NaN], { rawLogprobs: true })).rejects.toBeInstanceOf(
      SoftmaxError,
    );
  });
});
