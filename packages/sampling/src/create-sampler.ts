import type { Softmax, SyncSoftmax } from '@softmax-kit/core';
import { SoftmaxError } from '@softmax-kit/core';
import { completeRowPasses, describe, internalsOf, messageOf } from '@softmax-kit/core/internal';
import { Workspace } from './candidates.js';
import { fail } from './errors.js';
import { readPlan } from './plan.js';
import { sampleRow } from './sample-row.js';
import { startAhead } from './split-kept.js';
import type {
  SampledRow,
  SampleOptions,
  SampleResult,
  Sampler,
  SamplerInput,
  SyncSampler,
} from './types.js';

/** The sampler type for a softmax instance: with `sampleSync` when the instance is synchronous. */
export type SamplerFor<S extends Softmax> = S extends SyncSoftmax ? SyncSampler : Sampler;

const wrap = (error: unknown): SoftmaxError =>
  SoftmaxError.isInstance(error)
    ? error
    : new SoftmaxError('INVALID_INPUT', `sample: could not read the input (${messageOf(error)})`, {
        cause: error,
      });

/**
 * A sampler on any `createSoftmax` instance: SPEC's "Sampling (v1)" steps (processing,
 * temperature, truncation, a seeded Philox4x32-10 draw, the outputs) for a batch of rows. Each
 * call reads its input and options once, into a frozen plan, before any work; the row passes
 * (max, an exp sum, the tokens above a threshold) run on the backend's own row passes where it
 * has them, else in JavaScript, and only the passes the call needs are run (greedy: one argmax
 * pass; top-k: a gather of the k and their weights).
 *
 * @example
 * ```ts
 * import { createSoftmax } from '@softmax-kit/core';
 * import { tsBackend } from '@softmax-kit/backend-ts';
 * import { createSampler } from '@softmax-kit/sampling';
 *
 * const sampler = createSampler(await createSoftmax(tsBackend()));
 * const { rows, seed } = sampler.sampleSync([2, 1, 0.1], { topP: 0.9, seed: 7, draws: 20 });
 * rows[0].tokens; // 20 tokens from {0, 1}; the same for seed 7 on every backend
 * ```
 */
export function createSampler<S extends Softmax>(softmax: S): SamplerFor<S> {
  if (typeof softmax !== 'object' || softmax === null || typeof softmax.softmax !== 'function')
    fail('INVALID_INPUT', `createSampler needs a createSoftmax instance, got ${describe(softmax)}`);
  const internals = internalsOf(softmax);
  const passes = completeRowPasses(internals.rowPasses);
  const shared = new Workspace();

  const run = (input: SamplerInput, options: SampleOptions, snapshot: boolean): SampleResult => {
    internals.checkAlive();
    const plan = readPlan(input, options, snapshot);
    shared.prepare(plan.n);
    const rows: SampledRow[] = [];
    // A batch's row passes beside this thread where the backend has threads (split-kept.ts).
    const started = startAhead(plan, passes);
    try {
      for (let row = 0; row < plan.rows; row++)
        rows.push(
          sampleRow(
            plan,
            row,
            started?.ahead?.row(row) ?? passes,
            shared,
            started?.guesses[row] ?? null,
          ),
        );
    } finally {
      started?.ahead?.end();
    }
    return { rows, seed: plan.seeds === null ? plan.seed : Array.from(plan.seeds) };
  };

  const sample = (input: SamplerInput, options: SampleOptions = {}): Promise<SampleResult> => {
    try {
      return Promise.resolve(run(input, options, true));
    } catch (error) {
      return Promise.reject(wrap(error));
    }
  };
  if (typeof (softmax as Partial<SyncSoftmax>).softmaxSync !== 'function')
    return { sample } as SamplerFor<S>;
  const sampleSync = (input: SamplerInput, options: SampleOptions = {}): SampleResult => {
    try {
      return run(input, options, false);
    } catch (error) {
      throw wrap(error);
    }
  };
  return { sample, sampleSync } as unknown as SamplerFor<S>;
}
