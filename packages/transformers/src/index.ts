/**
 * softmax-kit's sampler inside transformers.js `generate()`: SPEC's "The transformers.js
 * adapter". Draws keyed by `(seed, sequence, step)`, top-p / min-p / top-k / penalties from
 * `@softmax-kit/sampling`, NaN logits as `NAN_INPUT`, per-token records.
 *
 * @packageDocumentation
 */
export { INSTALL_HINT, SUPPORTED_RANGE } from './load-transformers.js';
export {
  REFUSED_GENERATE_OPTIONS,
  type SamplingGenerateOptions,
  SoftmaxKitSampling,
  softmaxKitSampling,
} from './softmax-kit-sampling.js';
export type { RecordOptions, SoftmaxKitSamplingOptions, TokenRecord } from './types.js';
