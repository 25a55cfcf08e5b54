/**
 * From logits to tokens on any softmax-kit backend: SPEC's "Sampling (v1)" (bias, allowed
 * tokens, penalties, temperature, top-k, top-p, min-p, a seeded counter-based draw) and
 * "Sampling (v1.1)" (penalty window, DRY, top-nσ, typical-p, XTC, minKeep; the decoding
 * primitives verify, beamStep and score).
 *
 * @packageDocumentation
 */
export type { BeamCandidates, BeamStepOptions } from './beam-step.js';
export {
  createDecoder,
  type Decoder,
  type DecoderFor,
  type SyncDecoder,
} from './create-decoder.js';
export { createSampler, type SamplerFor } from './create-sampler.js';
export {
  type DocsControl,
  OPTIONS as SAMPLE_OPTIONS,
  type OptionKind,
  type OptionSpec,
} from './options.js';
export { philox4x32, uniformAt, uniformPairAt } from './philox.js';
export type { ScoreOptions, ScoreResult, ScoreTotals } from './score.js';
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
export type { VerifyOptions, VerifyResult } from './verify.js';
