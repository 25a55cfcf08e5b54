import type { ProcessingStep } from './step.js';

/** SPEC step 1b: every token not in `allowed` (ids, or a 0/1 mask) becomes `-Infinity`. */
export const allowedStep: ProcessingStep = {
  name: 'allowed',
  active: (plan, row) => plan.tokens('allowed', row) !== undefined,
  apply(x, plan, row) {
    const allowed = plan.tokens('allowed', row)!;
    let mask: Uint8Array;
    if ('mask' in allowed) mask = allowed.mask;
    else {
      mask = new Uint8Array(x.length); // per call: no state outlives it
      for (let k = 0; k < allowed.ids.length; k++) mask[allowed.ids[k]!] = 1;
    }
    for (let token = 0; token < x.length; token++)
      if (mask[token] === 0) x[token] = Number.NEGATIVE_INFINITY;
  },
};
