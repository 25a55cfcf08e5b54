import { SoftmaxError } from '@softmax-kit/core';

/** The range of `@huggingface/transformers` versions this package drives (its peer range). */
export const SUPPORTED_RANGE = '>=3.1 <5';

/** The install command printed when `@huggingface/transformers` is missing or out of range. */
export const INSTALL_HINT =
  'Install it with `npm install @huggingface/transformers@^4` (a peer dependency, versions >=3.1 <5), or pass the module you imported as the `transformers` option.';

/** A transformers.js tensor as the logits processor hook sees it (a subset of its `Tensor`). */
export interface TransformersTensor {
  readonly type: string;
  readonly dims: readonly number[];
  readonly data: ArrayLike<number | bigint> & { length: number };
}

/** The parts of the `@huggingface/transformers` module the adapter uses. */
export interface TransformersModule {
  /** Base class of a logits processor: callable, calls `_call(input_ids, logits)`. */
  readonly LogitsProcessor: new () => object;
  /** The list `generate({ logits_processor })` takes. */
  readonly LogitsProcessorList: new () => { push(item: unknown): void };
  /** Tensor constructor, for expanding `input_ids` for `num_return_sequences`. */
  readonly Tensor: new (
    type: string,
    data: ArrayLike<number | bigint>,
    dims: readonly number[],
  ) => TransformersTensor;
  readonly env?: { readonly version?: string };
}

function unavailable(reason: string, cause?: unknown): SoftmaxError {
  return new SoftmaxError(
    'BACKEND_UNAVAILABLE',
    `@softmax-kit/transformers: ${reason}. ${INSTALL_HINT}`,
    cause === undefined ? undefined : { cause },
  );
}

/** Checks a module (imported here or given by the user) and its version. */
export function checkTransformers(module: unknown): TransformersModule {
  const found = module as Partial<TransformersModule> | null;
  if (
    typeof found !== 'object' ||
    found === null ||
    typeof found.LogitsProcessor !== 'function' ||
    typeof found.LogitsProcessorList !== 'function' ||
    typeof found.Tensor !== 'function'
  ) {
    throw unavailable(
      'the transformers module has no LogitsProcessor, LogitsProcessorList and Tensor exports (they exist since 3.1)',
    );
  }
  const version = found.env?.version;
  const match = typeof version === 'string' ? /^(\d+)\.(\d+)/.exec(version) : null;
  if (match !== null) {
    const major = Number(match[1]);
    const minor = Number(match[2]);
    if (major < 3 || (major === 3 && minor < 1) || major >= 5) {
      throw unavailable(
        `@huggingface/transformers ${version} is outside the supported range ${SUPPORTED_RANGE}`,
      );
    }
  }
  return found as TransformersModule;
}

/**
 * Imports `@huggingface/transformers` lazily (an optional peer), or checks the module given.
 *
 * @example
 * ```ts
 * const transformers = await loadTransformers(); // or loadTransformers(await import('@huggingface/transformers'))
 * ```
 */
export async function loadTransformers(given?: unknown): Promise<TransformersModule> {
  if (given !== undefined) return checkTransformers(given);
  let module: unknown;
  try {
    module = await import('@huggingface/transformers');
  } catch (error) {
    throw unavailable('@huggingface/transformers could not be loaded', error);
  }
  return checkTransformers(module);
}
