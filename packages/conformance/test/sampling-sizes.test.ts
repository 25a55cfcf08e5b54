import { createSoftmax, type Softmax } from '@softmax-kit/core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CaseContext } from '../src/case.js';
import type { SamplerFactory } from '../src/cases/sampling.js';
import { samplingSizeCases } from '../src/cases/sampling-sizes.js';
import { precisionModel } from '../src/precision.js';
import { createRng, seedFor } from '../src/rng.js';
import { referenceBackend } from './reference-backends.js';
import { referenceSampler, todaysTopK } from './reference-sampler.js';

let sm: Softmax;
beforeAll(async () => {
  sm = await createSoftmax(referenceBackend());
});

/** One cache for every run, as the runner keeps one per run (the rows do not depend on the sampler). */
const cache = new Map<string, unknown>();

/**
 * Runs the real-size sampling cases (fast profile) whose id `select` accepts; returns the ids
 * that failed, with their reasons.
 */
async function failures(make: SamplerFactory, select: (id: string) => boolean) {
  const failed: Record<string, string> = {};
  const cases = samplingSizeCases('fast', make).filter((c) => select(c.id));
  for (const testCase of cases) {
    const context: CaseContext = {
      sm,
      backend: referenceBackend(),
      capabilities: sm.backend.capabilities,
      seed: 7,
      rng: createRng(seedFor(7, testCase.id)),
      model: (dtype) => precisionModel(sm.backend.capabilities, dtype),
      cache,
    };
    const outcome = await testCase.run(context);
    if (outcome.status === 'fail') failed[testCase.id] = outcome.reason ?? '';
  }
  return { ran: cases.map((c) => c.id), failed };
}

const topKAndBatch = (id: string) => /^sampling\.(top-k|combined|batch)\./.test(id);

describe('the sampling group at real sizes', () => {
  it('has a case per family, draw count (1, 4, 5) and dtype, and the batch', () => {
    const ids = samplingSizeCases('fast', referenceSampler()).map((c) => c.id);
    expect(ids).toContain('sampling.top-k.draws=1.float32');
    expect(ids).toContain('sampling.min-p.draws=5.float64');
    expect(ids).toContain('sampling.batch.float64');
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBe(2 * 5 * 3 + 2);
  });

  it('passes a sampler made of the float64 reference', async () => {
    const { ran, failed } = await failures(referenceSampler(), topKAndBatch);
    expect(ran.length).toBe(14);
    expect(failed).toEqual({});
  });

  it("fails today's top-k (S from the boundary bin's mass alone, draws <= 4) on exactly the top-k cases with 1 and 4 draws and the batch", async () => {
    const { failed } = await failures(referenceSampler(todaysTopK), topKAndBatch);
    expect(Object.keys(failed).sort()).toEqual([
      'sampling.batch.float32',
      'sampling.batch.float64',
      'sampling.top-k.draws=1.float32',
      'sampling.top-k.draws=1.float64',
      'sampling.top-k.draws=4.float32',
      'sampling.top-k.draws=4.float64',
    ]);
    // The issue's own row is what the top-k cases name first.
    expect(failed['sampling.top-k.draws=1.float64']).toMatch(/\[5, 1 x 600\] topK 3 \(issue 14\)/);
  });
});
