import type { Candidates } from './step.js';

/**
 * The kept set after truncation, as the draw and the outputs see it: the whole row (every token
 * not `-Infinity`: `candidates` null) or the candidates, in index order; `total` is `S`, the sum
 * of the kept weights `exp(z)` in float64.
 */
export interface Kept {
  readonly candidates: Candidates | null;
  /** How many tokens are kept. */
  readonly count: number;
  /** S. */
  readonly total: number;
}
