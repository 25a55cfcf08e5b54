import type { OutputStep } from './output.js';

/**
 * SPEC step 5, `entropy`: `H = -sum q log q = log S - (sum w z) / S` over the kept tokens with
 * `w > 0` (`z` the log-weight). Off the `'exp'` kind every kept weight is 1 or 0 (z = 0): H is
 * `log S`.
 */
export const entropyOutput: OutputStep = {
  name: 'entropy',
  active: (plan) => plan.flag('entropy'),
  write(context, kept, _drawn, into) {
    const weights = context.weights();
    let weighted = 0;
    if (weights.kind === 'exp') {
      const { max, temperature } = weights;
      const { candidates } = kept;
      if (candidates !== null) {
        const { logits, w } = candidates;
        const count = candidates.count;
        // Two sums (independent adds); at T = 1, z = x - max exactly, without the division.
        let s0 = 0;
        let s1 = 0;
        let k = 0;
        if (temperature === 1)
          for (const stop = count - 1; k < stop; k += 2) {
            const w0 = w[k]!;
            const w1 = w[k + 1]!;
            if (w0 > 0) s0 += w0 * (logits[k]! - max);
            if (w1 > 0) s1 += w1 * (logits[k + 1]! - max);
          }
        for (; k < count; k++) {
          const weight = w[k]!;
          if (weight > 0) s0 += weight * ((logits[k]! - max) / temperature);
        }
        weighted = s0 + s1;
        // A head (not listed) brings its own sum from the split pass.
        if (kept.head !== undefined) weighted += kept.head.weighted;
      } else {
        const x = context.x;
        for (let i = 0; i < context.n; i++) {
          const z = (x[i]! - max) / temperature;
          const weight = Math.exp(z);
          if (weight > 0) weighted += weight * z;
        }
      }
    }
    into.entropy = Math.max(0, Math.log(kept.total) - weighted / kept.total);
  },
  writeGreedy(_context, _token, _drawn, into) {
    into.entropy = 0;
  },
};
