import { tsBackend } from '@softmax-kit/backend-ts';
import { type Backend, createSoftmax, SoftmaxError } from '@softmax-kit/core';
import { createSampler } from '@softmax-kit/sampling';
import { describe, expect, it } from 'vitest';
import { findPadding } from './generation-step.js';
import { checkTransformers } from './load-transformers.js';
import { softmaxKitSampling } from './softmax-kit-sampling.js';

/** An asynchronous-only backend (a float64 kernel, like the README's example). */
function asyncBackend(): Backend {
  return {
    specificationVersion: 'v1',
    name: 'async-only',
    async doInit() {
      return {
        dtypes: ['float64'],
        computePrecision: { float32: 'float64', float64: 'float64' },
        sync: false,
        device: 'js',
      };
    },
    async doCompute() {},
    async doDispose() {},
  } as unknown as Backend;
}

const code = (error: unknown) => (SoftmaxError.isInstance(error) ? error.code : error);

describe('softmaxKitSampling', () => {
  it('refuses an asynchronous backend, saying the hook is synchronous', async () => {
    const softmax = await createSoftmax(asyncBackend());
    const error = await softmaxKitSampling({ softmax }).catch((caught: unknown) => caught);
    expect(code(error)).toBe('INVALID_INPUT');
    expect(String(error)).toMatch(/synchronous/);
    const sampler = createSampler(softmax);
    await expect(softmaxKitSampling({ sampler: sampler as never })).rejects.toThrow(/sampleSync/);
  });

  it('wants exactly one of sampler and softmax', async () => {
    const softmax = await createSoftmax(tsBackend());
    await expect(softmaxKitSampling({})).rejects.toThrow(/exactly one/);
    await expect(softmaxKitSampling({ softmax, sampler: createSampler(softmax) })).rejects.toThrow(
      /exactly one/,
    );
  });

  it('refuses a bad seed, padTokenId, eosTokenId or record before generating', async () => {
    const softmax = await createSoftmax(tsBackend());
    for (const bad of [
      { seed: 1.5 },
      { seed: [1, Number.NaN] },
      { padTokenId: -1 },
      { eosTokenId: [0, 0.5] },
      { record: { topN: -1 } },
      { record: 'yes' },
    ]) {
      const error = await softmaxKitSampling({ softmax, ...(bad as object) }).catch(
        (caught: unknown) => caught,
      );
      expect(code(error), JSON.stringify(bad)).toBe('INVALID_INPUT');
    }
  });

  it('reads its options once: getters run once and later changes to arrays change nothing', async () => {
    const softmax = await createSoftmax(tsBackend());
    let reads = 0;
    const topP = [0.5];
    const options = {
      softmax,
      get seed() {
        reads++;
        return 4;
      },
      topP,
    };
    const sampling = await softmaxKitSampling(options);
    topP[0] = 2; // out of range: would fail a later call if it were read again
    expect(reads).toBe(1);
    expect(sampling.seed).toBeUndefined(); // no generation yet
  });

  it('names the install command when the transformers module is missing pieces or out of range', () => {
    for (const module of [{}, null, { LogitsProcessor: class {} }]) {
      expect(() => checkTransformers(module)).toThrow(/npm install @huggingface\/transformers/);
    }
    const parts = { LogitsProcessor: class {}, LogitsProcessorList: class {}, Tensor: class {} };
    for (const version of ['2.17.2', '3.0.2', '5.0.0']) {
      let error: unknown;
      try {
        checkTransformers({ ...parts, env: { version } });
      } catch (caught) {
        error = caught;
      }
      expect(code(error), version).toBe('BACKEND_UNAVAILABLE');
      expect(String(error)).toMatch(/>=3\.1 <5/);
    }
    expect(() => checkTransformers({ ...parts, env: { version: '3.1.0' } })).not.toThrow();
  });
});

describe('left padding from the padding token', () => {
  it('counts a leading run beyond the one every sequence shares, and none for one sequence', () => {
    // Rows: 2 pads + prompt starting with the pad-like token, 0 pads + same, 1 pad.
    const batch = [
      [0n, 0n, 0n, 5n],
      [0n, 7n, 8n, 9n],
      [0n, 0n, 6n, 6n],
    ];
    expect(Array.from(findPadding(batch, null, 0))).toEqual([2, 0, 1]);
    expect(Array.from(findPadding([[0n, 0n, 3n]], null, 0))).toEqual([0]);
    expect(Array.from(findPadding(batch, null, undefined))).toEqual([0, 0, 0]);
    // An attention mask's count wins when it covers the batch.
    expect(Array.from(findPadding(batch, Int32Array.of(1, 0, 3), 0))).toEqual([1, 0, 3]);
  });
});

describe('softmaxKitSampling on any input', () => {
  it('either accepts the options or rejects with a SoftmaxError, never another error', async () => {
    const fc = await import('fast-check');
    const softmax = await createSoftmax(tsBackend());
    const anyValue = fc.oneof(
      fc.anything(),
      fc.double(),
      fc.array(fc.double(), { maxLength: 3 }),
      fc.constantFrom(Number.NaN, -1, 0, 1.5, 2 ** 60, Number.POSITIVE_INFINITY),
    );
    const keys = ['seed', 'padTokenId', 'eosTokenId', 'record', 'topP', 'temperature', 'sampler'];
    await fc.assert(
      fc.asyncProperty(fc.dictionary(fc.constantFrom(...keys), anyValue), async (options) => {
        const given = 'sampler' in options ? options : { ...options, softmax };
        const outcome = await softmaxKitSampling(given as never).then(
          () => 'ok',
          (error: unknown) => (SoftmaxError.isInstance(error) ? error.code : `other: ${error}`),
        );
        expect(outcome).toMatch(/^(ok|INVALID_INPUT)$/);
      }),
      { numRuns: 300, seed: 20261207 },
    );
  });
});
