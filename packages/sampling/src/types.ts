/** A value given once for every row, or one per row (length = number of rows). */
export type PerRow<T> = T | readonly T[];

/** A number given once for every row, or one per row (an array or typed array of length rows). */
export type PerRowNumber = number | readonly number[] | Float64Array | Float32Array | Int32Array;

/**
 * Tokens a row may produce. A `Uint8Array` is a 0/1 mask of length `n` (1 = allowed); anything
 * else is a list of token ids in `[0, n)`. An empty list allows nothing (the row fails with
 * `ALL_MASKED`).
 */
export type AllowedTokens = readonly number[] | Int32Array | Uint32Array | Uint8Array;

/**
 * Added to the logits: a dense array of length `n`, or a map from token id to bias. Each value
 * is finite or `-Infinity` (a ban, which wins over a `+Infinity` logit).
 */
export type LogitBias =
  | readonly number[]
  | Float32Array
  | Float64Array
  | ReadonlyMap<number, number>;

/** Token ids seen so far, for the penalties: integers in `[0, n)`. */
export type TokenHistory = readonly number[] | Int32Array | Uint32Array;

/** Parameters of {@link Sampler.sample}; each is given once or once per row. */
export interface SampleOptions {
  /**
   * Shape `[rows, n]` of a flat input (default: one row). A nested `number[][]` input gives its
   * own shape.
   */
  shape?: readonly [number, number];
  /** Temperature `T >= 0` (default 1). `0` is greedy (lowest index among the maxima); `Infinity` is uniform over the kept tokens. */
  temperature?: PerRowNumber;
  /** Keep the `topK` highest-ranked tokens (an integer >= 1; default: all). */
  topK?: PerRowNumber;
  /** Keep the shortest ranked prefix with probability `>= topP`, in `(0, 1]` (default 1: all). */
  topP?: PerRowNumber;
  /** Keep tokens with probability `>= minP` times the largest, in `[0, 1]` (default 0: all). */
  minP?: PerRowNumber;
  /** Added to the logits (first step). */
  bias?: PerRow<LogitBias>;
  /** Tokens allowed (second step); every other token becomes `-Infinity`. */
  allowed?: PerRow<AllowedTokens>;
  /** Token history for the penalties: one list for every row, or one list per row. */
  history?: PerRow<TokenHistory>;
  /** Repetition penalty `r > 0` (default 1): a seen token's logit is divided by `r` if positive, multiplied if not. */
  repetitionPenalty?: PerRowNumber;
  /** Presence penalty `a` (default 0): subtracted once from every seen token's logit. */
  presencePenalty?: PerRowNumber;
  /** Frequency penalty `f` (default 0): `f` times the token's count is subtracted. */
  frequencyPenalty?: PerRowNumber;
  /**
   * Seed, a safe integer. A single seed keys every row as `(seed, row, step)`; an array gives
   * each row its own stream `(seed[row], 0, step)`. Omitted: one is drawn from
   * `crypto.getRandomValues` and returned in {@link SampleResult.seed}.
   */
  seed?: PerRowNumber;
  /** The first step (a non-negative safe integer, default 0): draw `k` of a row uses step `step + k`. */
  step?: PerRowNumber;
  /** Draws per row (a non-negative safe integer, default 1). */
  draws?: PerRowNumber;
  /**
   * Penalty window `w` (a safe integer >= 0; default: the whole history): the repetition,
   * presence and frequency penalties and DRY see only the last `w` entries of `history`
   * (llama.cpp's `penalty_last_n`). SPEC v1.1.
   */
  penaltyWindow?: PerRowNumber;
  /**
   * DRY multiplier `mu >= 0` (default 0: off). A token that would extend a repeat of the
   * history's ending of length `l >= dryAllowedLength` loses `mu * dryBase^(l - dryAllowedLength)`.
   */
  dryMultiplier?: PerRowNumber;
  /** DRY base `b >= 1` (default 1.75). */
  dryBase?: PerRowNumber;
  /** DRY allowed length `a`, an integer >= 1 (default 2): shorter repeats cost nothing. */
  dryAllowedLength?: PerRowNumber;
  /** DRY sequence breakers: token ids that end a repeat (one list, or one per row; default none). */
  dryBreakers?: PerRow<TokenHistory>;
  /** top-nσ `s > 0` (default: off): keeps `x'_i >= max - s * sigma` (sigma of the finite `x'`), first of the truncations. */
  topNSigma?: PerRowNumber;
  /** Typical-p `tau` in `(0, 1]` (default 1: off), after min-p. */
  typicalP?: PerRowNumber;
  /** XTC threshold `theta` in `[0, 1]` (default 0.1): the tokens with `q >= theta` are the "top choices". */
  xtcThreshold?: PerRowNumber;
  /** XTC probability `pi` in `[0, 1]` (default 0: off), tested against the draw's second output. */
  xtcProbability?: PerRowNumber;
  /** `minKeep`, an integer >= 1 (default 1): top-nσ, top-p, min-p and typical-p each keep at least this many. */
  minKeep?: PerRowNumber;
  /** Also return the `topN` most probable tokens of `q` with their log-probabilities (default 0). */
  topN?: PerRowNumber;
  /** Also return the entropy of `q` (nats). */
  entropy?: boolean;
  /** Also return the log-probabilities of the drawn tokens under the raw `logSoftmax(x)` (T = 1, nothing processed). */
  rawLogprobs?: boolean;
  /** Also return `q` itself (length `n`, zero outside the kept set). */
  q?: boolean;
}

/** The result for one row. */
export interface SampledRow {
  /** The drawn tokens, one per draw. */
  readonly tokens: Int32Array;
  /** Their natural-log probabilities under `q`. */
  readonly logprobs: Float64Array;
  /** How many tokens the truncation kept. */
  readonly kept: number;
  /** Present when `rawLogprobs` was asked: log-probabilities of `tokens` under `logSoftmax(x)`. */
  readonly rawLogprobs?: Float64Array;
  /** Present when `topN > 0`: the most probable tokens of `q`, in ranking order, with log-probabilities. */
  readonly top?: { readonly tokens: Int32Array; readonly logprobs: Float64Array };
  /** Present when `entropy` was asked: `-sum q log q` in nats. */
  readonly entropy?: number;
  /** Present when `q` was asked: the processed distribution. */
  readonly q?: Float64Array;
}

/** What {@link Sampler.sample} resolves to. */
export interface SampleResult {
  /** One entry per row. */
  readonly rows: readonly SampledRow[];
  /** The seed used: as given, or the one drawn when none was given (pass it back to reproduce the run). */
  readonly seed: number | readonly number[];
}

/** A sampler on an asynchronous softmax instance. */
export interface Sampler {
  /** Samples every row of `logits` in one backend call. Rejects with a `SoftmaxError`. */
  sample(logits: SamplerInput, options?: SampleOptions): Promise<SampleResult>;
}

/** A sampler on a synchronous softmax instance: {@link Sampler} plus `sampleSync`. */
export interface SyncSampler extends Sampler {
  /** Same as `sample`, synchronously. Throws a `SoftmaxError`. */
  sampleSync(logits: SamplerInput, options?: SampleOptions): SampleResult;
}

/** Logits: one row (`number[]`, typed array), a flat batch with `shape`, or `number[][]`. */
export type SamplerInput =
  | readonly number[]
  | readonly (readonly number[])[]
  | Float32Array
  | Float64Array;
