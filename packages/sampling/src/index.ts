/**
 * From logits to tokens on any softmax-kit backend: SPEC's "Sampling (v1)" (bias, allowed
 * tokens, penalties, temperature, top-k, top-p, min-p, a seeded counter-based draw).
 *
 * @packageDocumentation
 */
export { createSampler, type SamplerFor } from './create-sampler.js';
export {
  type DocsControl,
  OPTIONS as SAMPLE_OPTIONS,
  type OptionKind,
  type OptionSpec,
} from './options.js';
export { philox4x32, uniformAt } from './philox.js';
export type {
  AllowedTokens,
  LogitBias,
  PerRow,
  PerRowNumber,
  SampledRow,
  SampleOptions,
  SampleResult,
  Sampler,
  SamplerInput,
  SyncSampler,
  TokenHistory,
} from './types.js';
