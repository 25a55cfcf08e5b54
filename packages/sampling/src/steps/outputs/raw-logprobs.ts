import type { FloatArray } from '@softmax-kit/core/internal';
import type { RowContext } from '../step.js';
import type { OutputStep, RowOutputs } from './output.js';

/**
 * `log(1 + s)` of the raw row at T = 1, `s` the sum of `exp(x_j - m)` over every `j` but the
 * first maximum (SPEC's accurate form). Reuses the sampler's own row mass when the row was not
 * processed, its temperature is 1 and `s` is large enough that `Z - 1` loses nothing that
 * matters; otherwise one pass of its own.
 */
function logSum(context: RowContext, raw: FloatArray, m: number, argmax: () => number): number {
  if (!context.processed && context.temperature === 1 && context.weights().kind === 'exp') {
    const s = context.rowMass() - 1;
    if (s > 0.5) return Math.log1p(s);
  }
  const first = argmax();
  let s = 0;
  for (let j = 0; j < raw.length; j++) if (j !== first) s += Math.exp(raw[j]! - m);
  return Math.log1p(s);
}

/** The drawn tokens' log-probabilities under the raw `logSoftmax(x)` (T = 1, nothing processed). */
function rawLogprobs(context: RowContext, tokens: Int32Array, into: RowOutputs): void {
  const { raw, processed } = context;
  const fresh = () => ({ max: 0, argmax: 0, firstNaN: 0, masked: 0, positive: 0 });
  // The sampled row's own max serves when the row was not processed (no pass for it).
  const max = processed ? Number.NaN : context.max();
  const stats = processed
    ? context.passes.stats(raw, fresh())
    : max === Number.POSITIVE_INFINITY
      ? context.stats()
      : null;
  const m = stats === null ? max : stats.max;
  const values = new Float64Array(tokens.length);
  if (m === Number.POSITIVE_INFINITY) {
    const share = 0 - Math.log(stats!.positive);
    for (let k = 0; k < tokens.length; k++)
      values[k] = raw[tokens[k]!] === Number.POSITIVE_INFINITY ? share : Number.NEGATIVE_INFINITY;
  } else {
    const log = logSum(context, raw, m, () => (stats ?? context.passes.stats(raw, fresh())).argmax);
    for (let k = 0; k < tokens.length; k++) values[k] = raw[tokens[k]!]! - m - log;
  }
  into.rawLogprobs = values;
}

/** SPEC step 5, `rawLogprobs`. */
export const rawLogprobsOutput: OutputStep = {
  name: 'rawLogprobs',
  active: (plan) => plan.flag('rawLogprobs'),
  write: (context, _kept, drawn, into) => rawLogprobs(context, drawn.tokens, into),
  writeGreedy: (context, _token, drawn, into) => rawLogprobs(context, drawn.tokens, into),
};
