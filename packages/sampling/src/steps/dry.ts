import { dryMatchLengths, dryScratch } from './dry-match.js';
import { windowed } from './penalties.js';
import type { ProcessingStep } from './step.js';

/**
 * SPEC v1.1 step 1, DRY ("don't repeat yourself", koboldcpp's and llama.cpp's), after the
 * penalties: a token `t` whose match length `l(t)` (the longest repeat of the windowed
 * history's ending that `t` would extend, cut at a breaker) is at least `dryAllowedLength`
 * loses `dryMultiplier * dryBase^(l - dryAllowedLength)`, in float64; a penalty that overflows
 * bans the token (`-Infinity`). Match lengths in time linear in the window (a Z-array).
 */
export const dryStep: ProcessingStep = {
  name: 'dry',
  active(plan, row) {
    const history = plan.tokens('history', row);
    return (
      plan.number('dryMultiplier', row) > 0 &&
      history !== undefined &&
      'ids' in history &&
      windowed(history.ids, plan, row).length >= 2
    );
  },
  apply(x, plan, row) {
    const history = plan.tokens('history', row) as { readonly ids: Int32Array };
    const h = windowed(history.ids, plan, row);
    const breakerList = plan.tokens('dryBreakers', row);
    let breakers: Uint8Array | undefined;
    if (breakerList !== undefined && 'ids' in breakerList && breakerList.ids.length > 0) {
      // Marks up to the largest breaker id (a read past the end is undefined: not a breaker).
      let largest = 0;
      for (const id of breakerList.ids) if (id > largest) largest = id;
      breakers = new Uint8Array(largest + 1);
      for (const id of breakerList.ids) breakers[id] = 1;
    }
    const longest = new Map<number, number>();
    dryMatchLengths(h, 0, h.length, breakers, dryScratch(), (token, length) => {
      if (length > (longest.get(token) ?? -1)) longest.set(token, length);
    });
    const mu = plan.number('dryMultiplier', row);
    const base = plan.number('dryBase', row);
    const allowed = plan.number('dryAllowedLength', row);
    for (const [token, length] of longest) {
      if (length < allowed) continue;
      const penalty = mu * base ** (length - allowed);
      x[token] =
        penalty === Number.POSITIVE_INFINITY ? Number.NEGATIVE_INFINITY : x[token]! - penalty;
    }
  },
};
