/**
 * The end-to-end suite: the bigram test model through the real `pipeline('text-generation')` and
 * `model.generate()` of one transformers.js version, compared with the float64 reference of
 * bigram-fixture.ts. Runs in Node (once per installed transformers.js version) and in Chromium.
 */
import { tsBackend } from '@softmax-kit/backend-ts';
import { wasmBackend } from '@softmax-kit/backend-wasm';
import { createSoftmax, SoftmaxError, type SyncSoftmax } from '@softmax-kit/core';
import { createSampler } from '@softmax-kit/sampling';
import { beforeAll, describe, expect, it } from 'vitest';
import { softmaxKitSampling } from '../index.js';
import {
  bigramTable,
  ids,
  referenceGeneration,
  referenceQ,
  type Truncation,
  text,
  V,
  WORDS,
} from './bigram-fixture.js';

// biome-ignore lint/suspicious/noExplicitAny: transformers.js 3 and 4 differ in their types.
type Module = any;

/** float32 unit roundoff. */
const U32 = 2 ** -24;
/**
 * Bound on |log q - log q_ref| for one token: q_i = p_i / sum(kept p), p from the backend's
 * float32 softmax (each p_i within 4u relative: the exp and the rounding of the division; the
 * float64 sum of at most V = 64 kept values adds no float32 error), so log q within 8u.
 */
const LOGPROB_BOUND = 8 * U32;

export interface GenerateSuite {
  readonly label: string;
  /** Imports the transformers.js version under test. */
  readonly load: () => Promise<Module>;
  /** Points `env` at the models `bigram` (bigramTable()) and `nan` (nanTable(5, 3)) and returns nothing. */
  readonly install: (env: Module, transformers: Module) => Promise<void> | void;
  /** Steps of the kept-set check (10,000 by default). */
  readonly longSteps?: number;
}

export function describeGenerate(suite: GenerateSuite): void {
  describe(`generate() with @huggingface/transformers ${suite.label}`, () => {
    const table = bigramTable();
    let transformers: Module;
    let generator: Module;
    let nanGenerator: Module;
    let ts: SyncSoftmax;
    let wasm: SyncSoftmax;

    beforeAll(async () => {
      transformers = await suite.load();
      await suite.install(transformers.env, transformers);
      generator = await transformers.pipeline('text-generation', 'bigram', { dtype: 'fp32' });
      nanGenerator = await transformers.pipeline('text-generation', 'nan', { dtype: 'fp32' });
      ts = await createSoftmax(tsBackend());
      wasm = await createSoftmax(wasmBackend());
    }, 120_000);

    const sampling = (options: Parameters<typeof softmaxKitSampling>[0]) =>
      softmaxKitSampling({ transformers, ...options });

    /** Full text of the reference continuation of `prompt` with key `(seed, row)`. */
    const expected = (
      prompt: string,
      seed: number,
      row: number,
      params: Truncation,
      maxNew: number,
    ) => {
      const generated = referenceGeneration(
        table,
        { prompt: ids(prompt), seed, row },
        params,
        maxNew,
      );
      return [prompt, text(generated)].filter((part) => part !== '').join(' ');
    };

    const single = async (result: Promise<Module>) => {
      const output = await result;
      return output[0].generated_text as string;
    };

    const params = { temperature: 0.9, topP: 0.8 } as const;

    it('gives the same text for the same seed across runs and on tsBackend and wasmBackend, as SPEC draws it; another seed gives another text', async () => {
      const texts: string[] = [];
      for (const softmax of [ts, wasm, ts, wasm]) {
        const s = await sampling({ softmax, seed: 7, ...params });
        texts.push(await single(generator('w1 w2', s.options({ max_new_tokens: 30 }))));
      }
      const reference = expected('w1 w2', 7, 0, params, 30);
      expect(texts).toEqual([reference, reference, reference, reference]);
      expect(reference.split(' ').length).toBeGreaterThan(10);
      const other = await sampling({ softmax: ts, seed: 8, ...params });
      const otherText = await single(generator('w1 w2', other.options({ max_new_tokens: 30 })));
      expect(otherText).toBe(expected('w1 w2', 8, 0, params, 30));
      expect(otherText).not.toBe(reference);
    });

    it("makes the first step's q the q of createSampler for the logits read from the model itself", async () => {
      const inputs = generator.tokenizer('w3 w9');
      const { logits } = await generator.model(inputs);
      expect(logits.dims).toEqual([1, 2, V]);
      const last = Float32Array.from(logits.data.subarray(V, 2 * V));
      // The model is a Gather of the table: its logits after w9 are the table's row, exactly.
      expect(last).toEqual(table.subarray(9 * V, 10 * V));
      const direct = createSampler(ts).sampleSync(last, { ...params, q: true }).rows[0]!.q!;
      const s = await sampling({ softmax: ts, seed: 3, ...params, record: { topN: V } });
      await generator('w3 w9', s.options({ max_new_tokens: 1 }));
      const [first] = s.records;
      const q = new Float64Array(V);
      first!.top!.tokens.forEach((token, k) => {
        q[token] = Math.exp(first!.top!.logprobs[k]!);
      });
      // exp(log q) rounds twice in float64: within 4 ulps of q.
      direct.forEach((value, token) => {
        expect(Math.abs(q[token]! - value)).toBeLessThanOrEqual(4 * 2 ** -53 * value);
      });
      expect(first!.kept).toBe(direct.filter((value) => value > 0).length);
      // And both match the float64 reference's kept set and values.
      const reference = referenceQ(table, 9, params);
      reference.forEach((value, token) => {
        expect(direct[token]! > 0).toBe(value > 0);
        if (value > 0)
          expect(Math.abs(Math.log(direct[token]!) - Math.log(value))).toBeLessThanOrEqual(
            LOGPROB_BOUND,
          );
      });
    });

    const steps = suite.longSteps ?? 10_000;
    it(`over ${steps} steps never emits a token outside the kept set of top-p, min-p or top-k, where transformers.js's own top_p does`, async () => {
      /** Count of (previous, next) pairs whose next token the reference's kept set leaves out. */
      const outside = (sequences: readonly (readonly number[])[], truncation: Truncation) => {
        const kept = Array.from({ length: V }, (_, a) => referenceQ(table, a, truncation));
        let count = 0;
        for (const tokens of sequences) {
          for (let k = 1; k < tokens.length; k++)
            if (kept[tokens[k - 1]!]![tokens[k]!] === 0) count++;
        }
        return count;
      };
      // `steps` draws as a batch of 100 sequences (one long sequence costs transformers.js
      // O(length) per step in its own bookkeeping): prompts w1..w63 in turn.
      const batch = 100;
      const run = async (kwargs: object) => {
        const prompts = Array.from({ length: batch }, (_, row) => WORDS[1 + (row % (V - 1))]);
        const inputs = generator.tokenizer(prompts, { padding: true });
        const out = await generator.model.generate({
          ...inputs,
          max_new_tokens: steps / batch,
          suppress_tokens: [0], // no <eos>: every sequence is steps / batch long
          ...kwargs,
        });
        expect(out.dims).toEqual([batch, steps / batch + 1]);
        return out.tolist().map((row: bigint[]) => row.map(Number));
      };
      for (const truncation of [{ topP: 0.6 }, { minP: 0.3 }, { topK: 4 }]) {
        const s = await sampling({ softmax: wasm, seed: 1, ...truncation });
        expect(outside(await run(s.options()), truncation)).toBe(0);
      }
      // transformers.js alone: top_p accepted, silently ignored (top_k 50 of 64 instead).
      const theirs = outside(await run({ do_sample: true, top_p: 0.6 }), { topP: 0.6 });
      expect(theirs).toBeGreaterThan(steps / 10);
    });

    it('keys a padded batch of 4 by (seed, row, step), step not counting left padding; per-sequence seeds give a prompt the same text alone and in the batch', async () => {
      const prompts = ['w1', 'w2 w3 w4', 'w5 w6', 'w1'];
      const s = await sampling({ softmax: ts, seed: 11, ...params, padTokenId: 0, eosTokenId: 0 });
      const out = await generator(prompts, s.options({ max_new_tokens: 12 }));
      const texts = out.map((row: Module) => row[0].generated_text);
      expect(texts).toEqual(prompts.map((prompt, row) => expected(prompt, 11, row, params, 12)));
      // Rows 0 and 3 hold the same prompt and draw different noise.
      expect(texts[3]).not.toBe(texts[0]);

      const seeds = [101, 102, 103, 104];
      const perSequence = await sampling({
        softmax: ts,
        seed: seeds,
        ...params,
        padTokenId: 0,
        eosTokenId: 0,
      });
      const batch = await generator(prompts, perSequence.options({ max_new_tokens: 12 }));
      for (let row = 0; row < 4; row++) {
        const alone = await sampling({ softmax: wasm, seed: [seeds[row]!], ...params });
        const aloneText = await single(
          generator(prompts[row], alone.options({ max_new_tokens: 12 })),
        );
        expect(batch[row][0].generated_text).toBe(aloneText);
        expect(aloneText).toBe(expected(prompts[row]!, seeds[row]!, 0, params, 12));
      }
    });

    it('expands num_return_sequences: 3 with model.generate() into rows prompt * 3 + copy, keyed like a batch', async () => {
      const tokenizer = generator.tokenizer;
      tokenizer.padding_side = 'left';
      const prompts = ['w1 w2', 'w7'];
      const inputs = tokenizer(prompts, { padding: true });
      const s = await sampling({ softmax: ts, seed: 21, ...params, eosTokenId: 0 });
      const out = await generator.model.generate(
        s.options({ ...inputs, num_return_sequences: 3, max_new_tokens: 10 }),
      );
      expect(out.dims[0]).toBe(6);
      const texts = tokenizer.batch_decode(out, { skip_special_tokens: true });
      const want = prompts.flatMap((prompt, index) =>
        [0, 1, 2].map((copy) => expected(prompt, 21, index * 3 + copy, params, 10)),
      );
      expect(texts).toEqual(want);
      expect(new Set(texts).size).toBeGreaterThan(2);
    });

    it("takes model.generate()'s left padding from the attention mask given to options(), also with calls prepared before they run", async () => {
      const tokenizer = generator.tokenizer;
      tokenizer.padding_side = 'left';
      const first = ['w1', 'w3 w4 w5'];
      const second = ['w6 w7 w8', 'w2'];
      const s = await sampling({ softmax: ts, seed: 31, ...params, eosTokenId: 0 });
      const optionsFirst = s.options({ ...tokenizer(first, { padding: true }), max_new_tokens: 6 });
      const optionsSecond = s.options({
        ...tokenizer(second, { padding: true }),
        max_new_tokens: 6,
      });
      const outSecond = await generator.model.generate(optionsSecond);
      const outFirst = await generator.model.generate(optionsFirst);
      for (const [prompts, out] of [
        [first, outFirst],
        [second, outSecond],
      ] as const) {
        const texts = tokenizer.batch_decode(out, { skip_special_tokens: true });
        expect(texts).toEqual(prompts.map((prompt, row) => expected(prompt, 31, row, params, 6)));
      }
    });

    it('continues a generated prefix with the tokens the whole run drew', async () => {
      const s = await sampling({ softmax: ts, seed: 5, ...params });
      const whole = await single(
        generator('w1 w2', s.options({ max_new_tokens: 20, suppress_tokens: [0] })),
      );
      const words = whole.split(' ');
      expect(words).toHaveLength(22);
      const prefix = words.slice(0, 12).join(' ');
      const rest = await single(
        generator(prefix, s.options({ max_new_tokens: 10, suppress_tokens: [0] })),
      );
      expect(rest).toBe(whole);
    });

    it('stops on NaN logits with NAN_INPUT naming the sequence and position, where transformers.js alone emits a token', async () => {
      // The `nan` model's logits after w5 hold NaN at token 3.
      const s = await sampling({ softmax: ts, seed: 2, ...params, padTokenId: 0 });
      const error = await nanGenerator(
        ['w1 w2 w3', 'w2 w5'],
        s.options({ max_new_tokens: 4 }),
      ).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(SoftmaxError.isInstance(error)).toBe(true);
      expect((error as SoftmaxError).code).toBe('NAN_INPUT');
      expect((error as SoftmaxError).message).toMatch(
        /sequence 1 at position 3 \(step 2\b.*token id 3\b/,
      );
      // transformers.js alone: greedy and sampling both emit a token for the NaN row, silently.
      const inputs = nanGenerator.tokenizer('w2 w5');
      for (const kwargs of [{ do_sample: false }, { do_sample: true }]) {
        const out = await nanGenerator.model.generate({ ...inputs, max_new_tokens: 1, ...kwargs });
        expect(out.dims).toEqual([1, 3]);
      }
      // The failed call left nothing behind: the same object generates as SPEC says afterwards.
      const after = await single(generator('w1 w2', s.options({ max_new_tokens: 8 })));
      expect(after).toBe(expected('w1 w2', 2, 0, params, 8));
    });

    it('records each token with log q (as the float64 reference), the top alternatives and the entropy, joinable with the output and a streamer', async () => {
      const tokenizer = generator.tokenizer;
      tokenizer.padding_side = 'left';
      const inputs = tokenizer(['w4', 'w8 w9 w10'], { padding: true });
      const puts: bigint[][][] = [];
      const streamer = new (class extends transformers.BaseStreamer {
        put(value: bigint[][]) {
          puts.push(value);
        }
        end() {}
      })();
      const s = await sampling({
        softmax: wasm,
        seed: 9,
        ...params,
        eosTokenId: 0,
        record: { topN: 3 },
      });
      const out = await generator.model.generate(
        s.options({ ...inputs, max_new_tokens: 15, streamer }),
      );
      const rows = out.tolist().map((row: bigint[]) => row.map(Number));
      const width = inputs.input_ids.dims[1];
      expect(s.records.length).toBeGreaterThan(10);
      for (const record of s.records) {
        const row = rows[record.sequence];
        // The output tensor and the streamer's put number (position - prompt width + 1) hold it.
        expect(row[record.position]).toBe(record.token);
        expect(Number(puts[record.position - width + 1]![record.sequence]![0])).toBe(record.token);
        const q = referenceQ(table, row[record.position - 1], params);
        expect(Math.abs(record.logprob - Math.log(q[record.token]!))).toBeLessThanOrEqual(
          LOGPROB_BOUND,
        );
        const entropy = -q.reduce(
          (sum, value) => (value > 0 ? sum + value * Math.log(value) : sum),
          0,
        );
        // H = -sum q log q: each term's error is within 8u of q_i (|log q_i| + 1), summed.
        expect(Math.abs(record.entropy! - entropy)).toBeLessThanOrEqual(
          8 * U32 * (entropy + 1) * 2,
        );
        const ranked = q
          .map((value, token) => [value, token] as const)
          .filter(([value]) => value > 0)
          .sort((a, b) => b[0] - a[0] || a[1] - b[1])
          .slice(0, 3)
          .map(([, token]) => token);
        expect(Array.from(record.top!.tokens)).toEqual(ranked);
      }
    });

    it("refuses transformers.js's own sampling options and names the replacement", async () => {
      const s = await sampling({ softmax: ts, seed: 1 });
      for (const [kwargs, pattern] of [
        [{ temperature: 0.7 }, /temperature.*give `temperature`/],
        [{ top_p: 0.9 }, /top_p.*`topP`/],
        [{ top_k: 5 }, /top_k.*`topK`/],
        [{ repetition_penalty: 1.2 }, /repetition_penalty.*`repetitionPenalty`/],
        [{ do_sample: true }, /do_sample/],
        [{ num_return_sequences: 2 }, /repeat each prompt/],
      ] as const) {
        expect(() => s.options(kwargs)).toThrow(pattern);
      }
      // Parameters only the sampler can check (against the vocabulary) fail the first step.
      for (const [options, errorCode] of [
        [{ topP: 2 }, 'INVALID_INPUT'],
        [{ allowed: [] }, 'ALL_MASKED'],
        [{ seed: [1, 2] }, 'INVALID_INPUT'], // two seeds for one sequence
      ] as const) {
        const bad = await sampling({ softmax: ts, ...options });
        const error = await generator('w1', bad.options({ max_new_tokens: 2 })).then(
          () => undefined,
          (caught: unknown) => caught,
        );
        expect(SoftmaxError.isInstance(error) && error.code).toBe(errorCode);
      }
      // The model's generation_config sampling defaults are switched off, ours stand alone.
      expect(s.options({ max_new_tokens: 3 })).toMatchObject({
        do_sample: false,
        repetition_penalty: 1,
      });
    });
  });
}
