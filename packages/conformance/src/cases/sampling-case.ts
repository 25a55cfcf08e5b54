/**
 * One case of the sampling group: the sampler under test is built from the instance under test
 * by an injectable factory (so the suite's own tests can prove that broken samplers fail), and
 * anything the sampler throws fails the case with its message.
 */
import type { Softmax } from '@softmax-kit/core';
import type { Sampler } from '@softmax-kit/sampling';
import { type CaseContext, type CaseOutcome, type ConformanceCase, Tracker } from '../case.js';

/** Makes the sampler under test from the instance under test. */
export type SamplerFactory = (sm: Softmax) => Sampler;

/**
 * A sampling case: `body` checks through the tracker and may return a note for a passing
 * outcome (e.g. how many draws were compared).
 */
export function samplingCase<Subject = Sampler>(
  id: string,
  title: string,
  boundDerivation: string | undefined,
  makeSampler: (sm: Softmax) => Subject,
  body: (subject: Subject, context: CaseContext, t: Tracker) => Promise<string | undefined>,
): ConformanceCase {
  return {
    id,
    group: 'sampling',
    title,
    ...(boundDerivation === undefined ? {} : { boundDerivation }),
    async run(context): Promise<CaseOutcome> {
      const t = new Tracker();
      let note: string | undefined;
      try {
        note = await body(makeSampler(context.sm), context, t);
      } catch (error) {
        t.fail(`unexpected error: ${error instanceof Error ? error.message : String(error)}`);
      }
      const outcome = t.outcome();
      return outcome.status === 'pass' && note !== undefined
        ? { ...outcome, reason: note }
        : outcome;
    },
  };
}
