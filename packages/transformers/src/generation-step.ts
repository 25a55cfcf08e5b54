import { SoftmaxError } from '@softmax-kit/core';
import type { SampleOptions, SampleResult } from '@softmax-kit/sampling';
import type { TransformersTensor } from './load-transformers.js';
import { invalid, type ReadOptions } from './read-options.js';
import type { TokenRecord } from './types.js';

/** The state of one `generate()` call, keyed by its `input_ids` array (the same object every step). */
export interface Generation {
  readonly batch: number;
  /** Left padding per sequence (leading tokens not counted in `step`). */
  readonly padding: Int32Array;
  /** The seed of this generation (given, or drawn when it started). */
  readonly seed: number | readonly number[];
  /** Per sequence: the end-of-text token it generated (then forced), or -1 while it runs. */
  readonly finished: Int32Array;
  readonly records: TokenRecord[];
}

/** A seed from the platform's secure random source (53 bits: a safe integer). */
export function drawSeed(): number {
  const words = crypto.getRandomValues(new Uint32Array(2));
  return (words[0]! & 0x1fffff) * 2 ** 32 + words[1]!;
}

const leadingRun = (ids: readonly bigint[], token: bigint) => {
  let count = 0;
  while (count < ids.length && ids[count] === token) count++;
  return count;
};

/**
 * Left padding of each sequence: from the attention mask when `options()` saw one for this
 * batch, else from the padding token (a sequence's leading run of it, less the run every
 * sequence of the batch has, which belongs to the prompts), else none.
 */
export function findPadding(
  inputIds: readonly (readonly bigint[])[],
  fromMask: Int32Array | null,
  padTokenId: number | undefined,
): Int32Array {
  const batch = inputIds.length;
  if (fromMask !== null && fromMask.length === batch) return fromMask;
  const padding = new Int32Array(batch);
  if (padTokenId === undefined || batch < 2) return padding;
  const pad = BigInt(padTokenId);
  let shared = Number.POSITIVE_INFINITY;
  inputIds.forEach((ids, row) => {
    padding[row] = leadingRun(ids, pad);
    shared = Math.min(shared, padding[row]!);
  });
  for (let row = 0; row < batch; row++) padding[row]! -= shared;
  return padding;
}

/** Starts the state of a new `generate()` call at its first step. */
export function startGeneration(
  options: ReadOptions,
  inputIds: readonly (readonly bigint[])[],
  fromMask: Int32Array | null,
): Generation {
  const batch = inputIds.length;
  const seed = options.seed ?? drawSeed();
  if (typeof seed !== 'number' && seed.length !== batch) {
    invalid(
      `seed has ${seed.length} values for a batch of ${batch} sequences (after num_return_sequences); give one seed or one per sequence`,
    );
  }
  return {
    batch,
    padding: findPadding(inputIds, fromMask, options.padTokenId),
    seed,
    finished: new Int32Array(batch).fill(-1),
    records: [],
  };
}

/** The first NaN among the running sequences' logits, as an error naming sequence and position. */
function nanError(
  data: ArrayLike<number>,
  vocab: number,
  generation: Generation,
  inputIds: readonly (readonly bigint[])[],
  cause: unknown,
): SoftmaxError | undefined {
  for (let row = 0; row < generation.batch; row++) {
    if (generation.finished[row]! >= 0) continue;
    for (let token = 0; token < vocab; token++) {
      if (Number.isNaN(data[row * vocab + token])) {
        const held = inputIds[row]!.length;
        return new SoftmaxError(
          'NAN_INPUT',
          `@softmax-kit/transformers: the model's logits for sequence ${row} at position ${held} (step ${held - generation.padding[row]!}, the token after ${held} held) are NaN at token id ${token}; generation stopped instead of emitting a token (check the model's dtype: fp16 logits overflow)`,
          { cause },
        );
      }
    }
  }
  return undefined;
}

/**
 * One step of `generate()` for the whole batch: draws each running sequence's token with the
 * sampler (keyed `(seed, row, step)`), forces finished sequences to repeat their end token, and
 * rewrites `logits` in place so that only the chosen token is finite (0): transformers.js's
 * greedy pick (`do_sample: false`) then emits exactly that token.
 */
export function generationStep(
  options: ReadOptions,
  generation: Generation,
  inputIds: readonly (readonly bigint[])[],
  logits: TransformersTensor,
): TransformersTensor {
  const [batch, vocab] = logits.dims as [number, number];
  if (logits.dims.length !== 2 || logits.type !== 'float32') {
    invalid(
      `expected float32 logits of shape [batch, vocab] from generate(), got ${logits.type} [${logits.dims.join(', ')}]`,
    );
  }
  if (batch !== generation.batch || inputIds.length !== batch) {
    invalid(
      `the batch changed from ${generation.batch} to ${batch} sequences within one generate() call`,
    );
  }
  const data = logits.data as Float32Array;
  const step = new Float64Array(batch);
  for (let row = 0; row < batch; row++) {
    step[row] = inputIds[row]!.length - generation.padding[row]!;
    // A finished sequence's row is sampled but not used: make it harmless (no NaN, not empty).
    if (generation.finished[row]! >= 0) data.fill(0, row * vocab, (row + 1) * vocab);
  }
  const call: SampleOptions = {
    ...options.parameters,
    shape: [batch, vocab],
    seed: generation.seed as SampleOptions['seed'],
    step,
  };
  if (options.needsHistory) {
    (call as { history?: Int32Array[] }).history = inputIds.map((ids, row) =>
      Int32Array.from(ids.slice(generation.padding[row]!), Number),
    );
  }
  let result: SampleResult;
  try {
    result = options.sampler.sampleSync(data, call);
  } catch (error) {
    if (SoftmaxError.isInstance(error) && error.code === 'NAN_INPUT') {
      throw nanError(data, vocab, generation, inputIds, error) ?? error;
    }
    throw error;
  }
  for (let row = 0; row < batch; row++) {
    const forced = generation.finished[row]!;
    const sampled = result.rows[row]!;
    const token = forced >= 0 ? forced : sampled.tokens[0]!;
    if (forced < 0 && options.record !== null) {
      const record: {
        -readonly [K in keyof TokenRecord]: TokenRecord[K];
      } = {
        sequence: row,
        position: inputIds[row]!.length,
        step: step[row]!,
        token,
        logprob: sampled.logprobs[0]!,
        kept: sampled.kept,
      };
      if (sampled.entropy !== undefined) record.entropy = sampled.entropy;
      if (sampled.top !== undefined) record.top = sampled.top;
      generation.records.push(record);
    }
    if (forced < 0 && options.eosTokenIds.includes(token)) generation.finished[row] = token;
    const base = row * vocab;
    data.fill(Number.NEGATIVE_INFINITY, base, base + vocab);
    data[base + token] = 0;
  }
  return logits;
}
