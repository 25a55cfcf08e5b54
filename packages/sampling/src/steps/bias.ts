import type { ProcessingStep } from './step.js';

/** SPEC step 1a: `bias` added to the logits; a `-Infinity` bias bans the token (over `+Infinity`). */
export const biasStep: ProcessingStep = {
  name: 'bias',
  active: (plan, row) => plan.bias(row) !== undefined,
  apply(x, plan, row) {
    const bias = plan.bias(row)!;
    const add = (token: number, value: number) => {
      x[token] = value === Number.NEGATIVE_INFINITY ? value : x[token]! + value;
    };
    if ('dense' in bias)
      for (let token = 0; token < x.length; token++) add(token, bias.dense[token]!);
    else for (let k = 0; k < bias.ids.length; k++) add(bias.ids[k]!, bias.values[k]!);
  },
};
