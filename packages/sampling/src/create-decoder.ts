import type { Softmax, SyncSoftmax } from '@softmax-kit/core';
import { SoftmaxError } from '@softmax-kit/core';
import { describe as show } from '@softmax-kit/core/internal';
import { type BeamCandidates, type BeamStepOptions, beamStepSteps } from './beam-step.js';
import { createSampler } from './create-sampler.js';
import { DecodingScratch, type DecodingSteps, runAsync, runSync } from './decoding-steps.js';
import { fail } from './errors.js';
import { type ScoreOptions, type ScoreResult, scoreSteps } from './score.js';
import type { SamplerInput, SyncSampler } from './types.js';
import { type VerifyOptions, type VerifyResult, verifySteps } from './verify.js';

/** SPEC v1.1's decoding primitives on an asynchronous softmax instance. */
export interface Decoder {
  /** Speculative decoding's acceptance rule for one sequence: `k + 1` rows of target logits. */
  verify(targetLogits: SamplerInput, options: VerifyOptions): Promise<VerifyResult>;
  /** One step of beam search over `B` rows of logits. */
  beamStep(logits: SamplerInput, options: BeamStepOptions): Promise<BeamCandidates>;
  /** Log-probabilities of one target per row, their sum, mean NLL and perplexity. */
  score(logits: SamplerInput, options: ScoreOptions): Promise<ScoreResult>;
}

/** The decoding primitives on a synchronous instance: {@link Decoder} plus `*Sync` methods. */
export interface SyncDecoder extends Decoder {
  verifySync(targetLogits: SamplerInput, options: VerifyOptions): VerifyResult;
  beamStepSync(logits: SamplerInput, options: BeamStepOptions): BeamCandidates;
  scoreSync(logits: SamplerInput, options: ScoreOptions): ScoreResult;
}

/** The decoder type for a softmax instance: with the `*Sync` methods when it is synchronous. */
export type DecoderFor<S extends Softmax> = S extends SyncSoftmax ? SyncDecoder : Decoder;

const wrap = (name: string, error: unknown): SoftmaxError =>
  SoftmaxError.isInstance(error)
    ? error
    : new SoftmaxError('INVALID_INPUT', `${name}: could not read the input (${String(error)})`, {
        cause: error,
      });

/**
 * SPEC v1.1's decoding primitives on any `createSoftmax` instance: `verify` (speculative
 * decoding: draft tokens accepted when `u * r(d) < p(d)`, else a correction from
 * `max(0, p - r)`; the output is distributed exactly as sampling from the target), `beamStep`
 * (the best `width` of every `(beam, token)` by `s_b + log q_b(t)`, ties by lower beam then
 * token) and `score` (each target's `logSoftmax(x)` at T = 1, their sum, mean negative
 * log-likelihood and perplexity). Each uses the sampler's processing, temperature and
 * truncation with the same parameters and the same key `(seed, row, step)`. On a synchronous
 * instance each also has a `*Sync` form.
 *
 * @example
 * ```ts
 * import { createSoftmax } from '@softmax-kit/core';
 * import { tsBackend } from '@softmax-kit/backend-ts';
 * import { createDecoder } from '@softmax-kit/sampling';
 *
 * const decoder = createDecoder(await createSoftmax(tsBackend()));
 * const { perplexity } = decoder.scoreSync([[2, 1, 0], [0, 3, 1]], { targets: [0, 1] });
 * const { tokens, accepted } = decoder.verifySync([[2, 1, 0], [0, 3, 1]], {
 *   draft: [0], draftProbabilities: [[0.7, 0.2, 0.1]], seed: 7,
 * });
 * const best = decoder.beamStepSync([[2, 1, 0], [0, 3, 1]], { scores: [-0.5, -1.2], width: 3 });
 * ```
 */
export function createDecoder<S extends Softmax>(softmax: S): DecoderFor<S> {
  if (typeof softmax !== 'object' || softmax === null || typeof softmax.softmax !== 'function')
    fail('INVALID_INPUT', `createDecoder needs a createSoftmax instance, got ${show(softmax)}`);
  const sampler = createSampler(softmax as Softmax);
  const shared = new DecodingScratch();
  /** The shared scratch, or a fresh one while another call holds it. */
  const acquire = (): DecodingScratch => {
    if (shared.busy) return new DecodingScratch();
    shared.busy = true;
    return shared;
  };
  const release = (scratch: DecodingScratch) => {
    scratch.busy = false;
  };
  const asynchronous =
    <O, R>(
      name: string,
      steps: (
        input: SamplerInput,
        options: O,
        synchronous: boolean,
        scratch: DecodingScratch,
      ) => DecodingSteps<R>,
    ) =>
    async (input: SamplerInput, options: O): Promise<R> => {
      const scratch = acquire();
      try {
        return await runAsync(steps(input, options, false, scratch), softmax, sampler);
      } catch (error) {
        throw wrap(name, error);
      } finally {
        release(scratch);
      }
    };
  const decoder: Decoder = {
    verify: asynchronous('verify', verifySteps),
    beamStep: asynchronous('beamStep', beamStepSteps),
    score: asynchronous('score', scoreSteps),
  };
  const sync = softmax as unknown as Partial<SyncSoftmax>;
  if (typeof sync.logSoftmaxSync !== 'function') return decoder as DecoderFor<S>;
  const syncSoftmax = softmax as unknown as SyncSoftmax;
  const syncSampler = sampler as SyncSampler;
  const synchronous =
    <O, R>(
      name: string,
      steps: (
        input: SamplerInput,
        options: O,
        synchronous: boolean,
        scratch: DecodingScratch,
      ) => DecodingSteps<R>,
    ) =>
    (input: SamplerInput, options: O): R => {
      const scratch = acquire();
      try {
        return runSync(steps(input, options, true, scratch), syncSoftmax, syncSampler);
      } catch (error) {
        throw wrap(name, error);
      } finally {
        release(scratch);
      }
    };
  return {
    ...decoder,
    verifySync: synchronous('verify', verifySteps),
    beamStepSync: synchronous('beamStep', beamStepSteps),
    scoreSync: synchronous('score', scoreSteps),
  } as SyncDecoder as DecoderFor<S>;
}
