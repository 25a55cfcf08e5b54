import type { Softmax } from '@softmax-kit/core';
import type {
  AllowedTokens,
  LogitBias,
  PerRow,
  PerRowNumber,
  SyncSampler,
} from '@softmax-kit/sampling';

/** What to record per generated token (see {@link TokenRecord}). */
export interface RecordOptions {
  /** Also record the `topN` most probable tokens of `q` with their log-probabilities (default 0). */
  readonly topN?: number;
  /** Also record the entropy of `q` in nats (default true). */
  readonly entropy?: boolean;
}

/**
 * Options of {@link softmaxKitSampling}: where the draws come from (`sampler` or `softmax`), the
 * sampling parameters of `@softmax-kit/sampling` (each once, or one per sequence of the batch),
 * the seed, and what to record. Read once, when `softmaxKitSampling` is called.
 */
export interface SoftmaxKitSamplingOptions {
  /** A synchronous sampler, `createSampler(await createSoftmax(tsBackend()))`. Give this or `softmax`. */
  readonly sampler?: SyncSampler;
  /** A synchronous softmax instance (`tsBackend()`, `wasmBackend()`); a sampler is made from it. */
  readonly softmax?: Softmax;
  /** Temperature `T >= 0` (default 1; 0 is greedy). */
  readonly temperature?: PerRowNumber;
  /** Keep the `topK` highest-ranked tokens (default: all; transformers.js's own default of 50 does not apply). */
  readonly topK?: PerRowNumber;
  /** Keep the shortest ranked prefix with probability `>= topP`, in `(0, 1]`. */
  readonly topP?: PerRowNumber;
  /** Keep tokens with probability `>= minP` times the largest, in `[0, 1]`. */
  readonly minP?: PerRowNumber;
  /** Repetition penalty over the sequence's tokens (prompt and generated, padding excluded). */
  readonly repetitionPenalty?: PerRowNumber;
  /** Presence penalty over the sequence's tokens. */
  readonly presencePenalty?: PerRowNumber;
  /** Frequency penalty over the sequence's tokens. */
  readonly frequencyPenalty?: PerRowNumber;
  /** Added to the logits (`-Infinity` bans a token). */
  readonly bias?: PerRow<LogitBias>;
  /** The tokens a sequence may produce. */
  readonly allowed?: PerRow<AllowedTokens>;
  /**
   * A safe integer: sequence `row` of the batch draws its token at step `step` with the key
   * `(seed, row, step)`. One seed per sequence (an array as long as the batch) keys
   * `(seed[row], 0, step)`, so a sequence's text does not depend on its place in the batch.
   * Omitted: one is drawn per `generate()` call (read it back from {@link SoftmaxKitSampling.seed}).
   */
  readonly seed?: number | readonly number[];
  /**
   * The padding token: leading runs of it are left padding and not counted in `step` (the run
   * all sequences share is counted: it is part of every prompt). Needed with a pipeline and
   * prompts of different lengths (`generator.tokenizer.pad_token_id`); with `model.generate()`,
   * give `attention_mask` to {@link SoftmaxKitSampling.options} instead.
   */
  readonly padTokenId?: number;
  /**
   * End-of-text token(s): once a sequence has generated one, it gets that token again at every
   * later step (no draw, no record) while the rest of the batch finishes, as Hugging Face's
   * Python `generate()` pads finished sequences. Default: none (transformers.js keeps sampling
   * finished sequences until the whole batch stops).
   */
  readonly eosTokenId?: number | readonly number[];
  /** Record every generated token (`true`: token, log-probability, entropy; or what to add). */
  readonly record?: boolean | RecordOptions;
  /** The `@huggingface/transformers` module to use; by default it is imported lazily. */
  readonly transformers?: unknown;
}

/** One generated token of one sequence (recorded when `record` was asked). */
export interface TokenRecord {
  /** The sequence's index in the batch (after `num_return_sequences` expansion). */
  readonly sequence: number;
  /**
   * The token's index in the sequence as `generate()` returns it (left padding included): the
   * key to join records with the output tensor and with a streamer's tokens.
   */
  readonly position: number;
  /** The draw's step: the tokens the sequence held before this one, left padding not counted. */
  readonly step: number;
  /** The token id. */
  readonly token: number;
  /** Its natural-log probability under the processed distribution `q`. */
  readonly logprob: number;
  /** How many tokens the truncation kept. */
  readonly kept: number;
  /** The entropy of `q` in nats (unless `record.entropy` was false). */
  readonly entropy?: number;
  /** The `record.topN` most probable tokens of `q` with their log-probabilities. */
  readonly top?: { readonly tokens: Int32Array; readonly logprobs: Float64Array };
}
