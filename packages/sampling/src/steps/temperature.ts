import type { Weights } from './step.js';

/**
 * SPEC step 2: how the temperature weighs the row's tokens (`T > 0`; `T = 0`, greedy, is the
 * driver's argmax and never reaches here). A `+Infinity` logit takes all the mass (as core's
 * softmax does, also at `T = Infinity`); `T = Infinity` is uniform over the tokens not
 * `-Infinity`; otherwise `exp((x - max) / T)`, the max subtracted first.
 */
export function temperatureWeights(max: number, temperature: number): Weights {
  if (max === Number.POSITIVE_INFINITY) return { kind: 'infinite', max, temperature };
  if (temperature === Number.POSITIVE_INFINITY) return { kind: 'uniform', max, temperature };
  return { kind: 'exp', max, temperature };
}
