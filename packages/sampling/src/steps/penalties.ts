import type { Plan } from '../plan.js';
import type { ProcessingStep } from './step.js';

/** The last `penaltyWindow` entries of a history (SPEC v1.1; default: all of it). */
export function windowed(ids: Int32Array, plan: Plan, row: number): Int32Array {
  const w = plan.number('penaltyWindow', row);
  return w >= ids.length ? ids : ids.subarray(ids.length - w);
}

/**
 * SPEC step 1c: the repetition (`/r` or `*r`), presence (`-a` once) and frequency (`-f` per
 * occurrence) penalties, once per distinct token of `history`; over its last `penaltyWindow`
 * entries (SPEC v1.1, llama.cpp's `penalty_last_n`).
 */
export const penaltiesStep: ProcessingStep = {
  name: 'penalties',
  active(plan, row) {
    const history = plan.tokens('history', row);
    return (
      history !== undefined &&
      'ids' in history &&
      history.ids.length > 0 &&
      (plan.number('repetitionPenalty', row) !== 1 ||
        plan.number('presencePenalty', row) !== 0 ||
        plan.number('frequencyPenalty', row) !== 0)
    );
  },
  apply(x, plan, row) {
    const history = plan.tokens('history', row) as { readonly ids: Int32Array };
    const counts = new Map<number, number>();
    for (const token of windowed(history.ids, plan, row))
      counts.set(token, (counts.get(token) ?? 0) + 1);
    const r = plan.number('repetitionPenalty', row);
    const a = plan.number('presencePenalty', row);
    const f = plan.number('frequencyPenalty', row);
    for (const [token, count] of counts) {
      let value = x[token]!;
      if (r !== 1) value = value > 0 ? value / r : value * r;
      x[token] = value - a - f * count;
    }
  },
};
