import { logWeight } from '../step.js';
import type { OutputStep } from './output.js';

/** SPEC step 5, `q`: the processed distribution, length n, 0 outside the kept set. */
export const qOutput: OutputStep = {
  name: 'q',
  active: (plan) => plan.flag('q'),
  write(context, kept, _drawn, into) {
    const q = new Float64Array(context.n);
    const { candidates } = kept;
    if (candidates !== null) {
      for (let k = 0; k < candidates.count; k++)
        q[candidates.ids[k]!] = candidates.w[k]! / kept.total;
      const head = kept.head;
      if (head !== undefined) {
        const weights = context.weights();
        for (let i = 0; i < context.n; i++)
          if (context.x[i]! >= head.threshold)
            q[i] = Math.exp(logWeight(weights, context.x[i]!)) / kept.total;
      }
    } else {
      const weights = context.weights();
      for (let i = 0; i < context.n; i++)
        q[i] = Math.exp(logWeight(weights, context.x[i]!)) / kept.total;
    }
    into.q = q;
  },
  writeGreedy(context, token, _drawn, into) {
    const q = new Float64Array(context.n);
    q[token] = 1;
    into.q = q;
  },
};
