import { logWeight } from '../step.js';
import type { OutputStep } from './output.js';

/** SPEC step 5, `entropy`: `H = -sum q log q = log S - (sum w z) / S` over the kept tokens with w > 0. */
export const entropyOutput: OutputStep = {
  name: 'entropy',
  active: (plan) => plan.flag('entropy'),
  write(context, kept, _drawn, into) {
    let weighted = 0;
    const add = (z: number) => {
      if (z > Number.NEGATIVE_INFINITY) weighted += Math.exp(z) * z;
    };
    const weights = context.weights();
    const { candidates } = kept;
    if (candidates !== null) {
      for (let k = 0; k < kept.count; k++) {
        const z = logWeight(weights, candidates.logits[k]!);
        if (z > Number.NEGATIVE_INFINITY) weighted += candidates.w[k]! * z;
      }
    } else if (weights.kind === 'exp')
      for (let i = 0; i < context.n; i++) add(logWeight(weights, context.x[i]!));
    into.entropy = Math.max(0, Math.log(kept.total) - weighted / kept.total);
  },
  writeGreedy(_context, _token, _drawn, into) {
    into.entropy = 0;
  },
};
