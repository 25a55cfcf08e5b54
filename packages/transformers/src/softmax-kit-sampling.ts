import { type Generation, generationStep, startGeneration } from './generation-step.js';
import {
  loadTransformers,
  type TransformersModule,
  type TransformersTensor,
} from './load-transformers.js';
import { invalid, type ReadOptions, readOptions, show } from './read-options.js';
import type { SoftmaxKitSamplingOptions, TokenRecord } from './types.js';

/**
 * transformers.js's own sampling settings, refused by {@link SoftmaxKitSampling.options} (each
 * would be applied before our sampler, twice with ours, or fight it), with the option that
 * replaces each.
 */
export const REFUSED_GENERATE_OPTIONS: Readonly<Record<string, string>> = {
  do_sample: 'softmax-kit draws the token itself; leave do_sample out',
  temperature: 'give `temperature` to softmaxKitSampling',
  top_k: 'give `topK` to softmaxKitSampling',
  top_p: 'give `topP` to softmaxKitSampling',
  min_p: 'give `minP` to softmaxKitSampling',
  typical_p: 'not supported by this adapter',
  repetition_penalty: 'give `repetitionPenalty` to softmaxKitSampling',
  num_beams: 'beam search is not sampling; leave num_beams out',
  penalty_alpha: 'contrastive search is not sampling; leave penalty_alpha out',
};

/**
 * What {@link SoftmaxKitSampling.options} adds to the options it is given (a type alias, not an
 * interface, so that it fits transformers.js's index-signature option types).
 */
export type SamplingGenerateOptions = {
  /**
   * A transformers.js `LogitsProcessorList` whose last processor draws the token. Typed `any`:
   * it is an instance of whichever transformers.js version you use (an optional peer whose
   * types this package does not import), and must fit that version's `generate()` options.
   */
  // biome-ignore lint/suspicious/noExplicitAny: see above; `unknown` would not fit generate()'s type.
  readonly logits_processor: any;
  /** transformers.js's greedy pick emits the one finite token our processor leaves. */
  readonly do_sample: false;
  /** The model's own default (generation_config.json) is switched off: ours is `repetitionPenalty`. */
  readonly repetition_penalty: 1;
};

const isTensor = (value: unknown): value is TransformersTensor =>
  typeof value === 'object' &&
  value !== null &&
  Array.isArray((value as TransformersTensor).dims) &&
  typeof (value as TransformersTensor).type === 'string';

/** Left padding per row of an attention mask `[batch, length]` (its leading zeros). */
function maskPadding(mask: TransformersTensor): Int32Array {
  const [batch, length] = mask.dims as [number, number];
  if (mask.dims.length !== 2) invalid(`attention_mask has shape [${mask.dims.join(', ')}]`);
  const padding = new Int32Array(batch);
  for (let row = 0; row < batch; row++) {
    let count = 0;
    while (count < length && Number(mask.data[row * length + count]) === 0) count++;
    padding[row] = count;
  }
  return padding;
}

/** Whether a `[batch, length]` ids tensor holds exactly the rows of `inputIds`. */
function sameTokens(ids: TransformersTensor, inputIds: readonly (readonly bigint[])[]): boolean {
  const [batch, length] = ids.dims as [number, number];
  if (ids.dims.length !== 2 || batch !== inputIds.length) return false;
  for (let row = 0; row < batch; row++) {
    const held = inputIds[row]!;
    if (held.length !== length) return false;
    for (let k = 0; k < length; k++) {
      if (BigInt(ids.data[row * length + k]!) !== held[k]) return false;
    }
  }
  return true;
}

/** Repeats each row of a `[batch, length]` tensor `times` times (Hugging Face's expansion order). */
function repeatRows(
  transformers: TransformersModule,
  tensor: TransformersTensor,
  times: number,
): TransformersTensor {
  const [batch, length] = tensor.dims as [number, number];
  const source = tensor.data as ArrayLike<bigint | number> & {
    slice(start: number, end: number): ArrayLike<bigint | number>;
  };
  const Out = (source as object).constructor as new (
    n: number,
  ) => {
    set(part: ArrayLike<bigint | number>, at: number): void;
  } & ArrayLike<bigint | number>;
  const out = new Out(batch * times * length);
  for (let row = 0; row < batch; row++) {
    const part = source.slice(row * length, (row + 1) * length);
    for (let copy = 0; copy < times; copy++) out.set(part, (row * times + copy) * length);
  }
  return new transformers.Tensor(tensor.type, out, [batch * times, length]);
}

/**
 * softmax-kit's sampler inside transformers.js `generate()`. Get it from
 * {@link softmaxKitSampling}; pass `sampling.options({ ...your generate options })` to a
 * text-generation pipeline or to `model.generate()`.
 */
export class SoftmaxKitSampling {
  readonly #options: ReadOptions;
  readonly #transformers: TransformersModule;
  readonly #processor: unknown;
  readonly #generations = new WeakMap<object, Generation>();
  #latest: Generation | undefined;
  /**
   * Left padding from the attention masks `options()` saw, each with the `input_ids` it belongs
   * to: a generation whose first `input_ids` hold exactly those tokens takes it (so concurrent
   * calls cannot take each other's).
   */
  #pending: { readonly ids: TransformersTensor; readonly padding: Int32Array }[] = [];

  /** @internal Use {@link softmaxKitSampling}. */
  constructor(options: ReadOptions, transformers: TransformersModule) {
    this.#options = options;
    this.#transformers = transformers;
    const process = (inputIds: bigint[][], logits: TransformersTensor) =>
      this.#step(inputIds, logits);
    // A real LogitsProcessor subclass (transformers.js's Callable), so generate() treats it as
    // one of its own: synchronous `_call(input_ids, logits)` returning the logits tensor.
    const Base = transformers.LogitsProcessor as new () => object;
    class SoftmaxKitLogitsProcessor extends Base {
      _call(inputIds: bigint[][], logits: TransformersTensor): TransformersTensor {
        return process(inputIds, logits);
      }
    }
    this.#processor = new SoftmaxKitLogitsProcessor();
  }

  #step(inputIds: bigint[][], logits: TransformersTensor): TransformersTensor {
    if (!Array.isArray(inputIds)) invalid('the logits processor got no input_ids array');
    let generation = this.#generations.get(inputIds);
    if (generation === undefined) {
      const found = this.#pending.findIndex(({ ids }) => sameTokens(ids, inputIds));
      const padding = found < 0 ? null : this.#pending.splice(found, 1)[0]!.padding;
      generation = startGeneration(this.#options, inputIds, padding);
      this.#generations.set(inputIds, generation);
      this.#latest = generation;
    }
    return generationStep(this.#options, generation, inputIds, logits);
  }

  /**
   * The options for one `generate()` call: yours plus the logits processor that draws with
   * softmax-kit and `do_sample: false`. Refuses transformers.js's own sampling options (each has
   * an equivalent here, given to {@link softmaxKitSampling}); keeps your `logits_processor`s
   * (they run before ours). With `model.generate()`, `attention_mask` gives the left padding
   * exactly, and `num_return_sequences: n` repeats each row of `input_ids` / `attention_mask`
   * `n` times (transformers.js 3-4 does not expand the batch itself).
   *
   * @example
   * ```ts
   * const [{ generated_text }] = await generator('the cat', sampling.options({ max_new_tokens: 8 }));
   * ```
   */
  options<K extends object = Record<never, never>>(
    generateOptions?: K,
  ): Omit<K, keyof SamplingGenerateOptions | 'num_return_sequences'> & SamplingGenerateOptions {
    const given: Record<string, unknown> = { ...(generateOptions ?? {}) };
    for (const [name, instead] of Object.entries(REFUSED_GENERATE_OPTIONS)) {
      if (given[name] === undefined) continue;
      if (name === 'num_beams' && given[name] === 1) continue;
      if (name === 'do_sample' && given[name] === false) continue;
      invalid(
        `generate option ${name} (${show(given[name])}) would be applied by transformers.js next to softmax-kit's sampler: ${instead}`,
      );
    }
    const list = new this.#transformers.LogitsProcessorList();
    const theirs = given.logits_processor;
    if (theirs !== undefined && theirs !== null) {
      if (typeof (theirs as Iterable<unknown>)[Symbol.iterator] !== 'function') {
        invalid('logits_processor must be a LogitsProcessorList or an array of processors');
      }
      for (const processor of theirs as Iterable<unknown>) list.push(processor);
    }
    list.push(this.#processor);
    const copies = given.num_return_sequences ?? 1;
    delete given.num_return_sequences;
    if (typeof copies !== 'number' || !Number.isSafeInteger(copies) || copies < 1) {
      invalid(`num_return_sequences is ${show(copies)}; accepted: an integer >= 1`);
    }
    const ids = given.input_ids;
    const mask = given.attention_mask;
    if (copies > 1) {
      if (!isTensor(ids)) {
        invalid(
          'num_return_sequences needs input_ids (model.generate()) to expand; with a pipeline, repeat each prompt num_return_sequences times (transformers.js does not expand the batch itself)',
        );
      }
      given.input_ids = repeatRows(this.#transformers, ids, copies);
      if (isTensor(mask)) given.attention_mask = repeatRows(this.#transformers, mask, copies);
    }
    if (isTensor(given.attention_mask) && isTensor(given.input_ids)) {
      // At most a few pending (calls prepared and not yet run): the oldest go first.
      if (this.#pending.length >= 16) this.#pending.shift();
      this.#pending.push({
        ids: given.input_ids as TransformersTensor,
        padding: maskPadding(given.attention_mask as TransformersTensor),
      });
    }
    return {
      ...given,
      logits_processor: list,
      do_sample: false,
      repetition_penalty: 1,
    } as unknown as Omit<K, keyof SamplingGenerateOptions | 'num_return_sequences'> &
      SamplingGenerateOptions;
  }

  /** The tokens recorded by the latest `generate()` call (when `record` was asked), in order. */
  get records(): readonly TokenRecord[] {
    return this.#latest?.records ?? [];
  }

  /** The seed of the latest `generate()` call: as given, or the one drawn (pass it to repeat). */
  get seed(): number | readonly number[] | undefined {
    return this.#latest?.seed;
  }
}

/**
 * Makes transformers.js `generate()` draw its tokens with softmax-kit's sampler
 * (`@softmax-kit/sampling`): SPEC's top-k, top-p, min-p and penalties, draws keyed by
 * `(seed, sequence, step)` so a seed reproduces the text on every backend and runtime, NaN
 * logits as a `SoftmaxError` (`NAN_INPUT`), and optional records of each token's
 * log-probability, top alternatives and entropy. `@huggingface/transformers` (>=3.1 <5) is
 * imported here, lazily, unless given as `transformers`.
 *
 * @example
 * ```ts
 * import { pipeline } from '@huggingface/transformers';
 * import { createSoftmax } from '@softmax-kit/core';
 * import { tsBackend } from '@softmax-kit/backend-ts';
 * import { softmaxKitSampling } from '@softmax-kit/transformers';
 *
 * const generator = await pipeline('text-generation', 'onnx-community/Qwen3-0.6B-ONNX');
 * const sampling = await softmaxKitSampling({ softmax: await createSoftmax(tsBackend()), topP: 0.9, seed: 7 });
 * const [{ generated_text }] = await generator('Once upon a time', sampling.options({ max_new_tokens: 40 }));
 * ```
 */
export async function softmaxKitSampling(
  options: SoftmaxKitSamplingOptions,
): Promise<SoftmaxKitSampling> {
  const read = readOptions(options);
  const transformers = await loadTransformers(read.transformers);
  return new SoftmaxKitSampling(read, transformers);
}
