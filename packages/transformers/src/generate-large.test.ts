/**
 * At the sizes users run: a 32,000-token vocabulary (a folded table of 8 rows) and a padded
 * batch of 64 prompts of 1-4 words, with per-sequence top-p and the penalties, through the real
 * pipeline in Node, against the float64 reference.
 */
import { tsBackend } from '@softmax-kit/backend-ts';
import { createSoftmax } from '@softmax-kit/core';
import { describe, expect, it } from 'vitest';
import { softmaxKitSampling } from './index.js';
import { referenceGeneration } from './test-support/bigram-fixture.js';
import { installModels } from './test-support/node-models.js';

const SIZE = 32_000;
const ROWS = 8;
const BATCH = 64;
const NEW_TOKENS = 3;

describe('generate() at a 32k vocabulary and a batch of 64', () => {
  it('keys every sequence (seed, row, step) without its padding, with per-sequence top-p and penalties over its own tokens', async () => {
    const transformers = await import('@huggingface/transformers');
    const words = ['<eos>', ...Array.from({ length: SIZE - 1 }, (_, id) => `t${id + 1}`)];
    const table = new Float32Array(ROWS * SIZE);
    let state = 99;
    for (let index = 0; index < table.length; index++) {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      table[index] = Math.fround((state / 2 ** 32) * 10 - 5);
    }
    for (let row = 0; row < ROWS; row++) table[row * SIZE] = -20; // <eos> rare
    installModels(transformers.env, { large: table }, words);
    const generator = await transformers.pipeline('text-generation', 'large', { dtype: 'fp32' });

    const prompts = Array.from({ length: BATCH }, (_, row) =>
      Array.from({ length: 1 + (row % 4) }, (_, k) => 1 + ((row * 7919 + k * 104729) % (SIZE - 1))),
    );
    const topP = Array.from({ length: BATCH }, (_, row) => 0.5 + (row % 10) * 0.05);
    const penalties = { repetitionPenalty: 1.3, presencePenalty: 0.4 };
    const sampling = await softmaxKitSampling({
      transformers,
      softmax: await createSoftmax(tsBackend()),
      seed: 77,
      topP,
      ...penalties,
      padTokenId: 0,
      eosTokenId: 0,
    });
    const texts = prompts.map((ids) => ids.map((id) => words[id]).join(' '));
    const out = await generator(texts, sampling.options({ max_new_tokens: NEW_TOKENS }));
    const got = out.map((row: { generated_text: string }[]) => row[0]!.generated_text);
    const want = prompts.map((prompt, row) => {
      const generated = referenceGeneration(
        table,
        { prompt, seed: 77, row },
        { topP: topP[row]!, ...penalties },
        NEW_TOKENS,
        SIZE,
      );
      return [...prompt, ...generated.filter((id) => id !== 0)].map((id) => words[id]).join(' ');
    });
    expect(got).toEqual(want);
  });
});
