import type { Candidates } from './step.js';

/**
 * The tokens of a long row that a split pass keeps without listing them (`../split-kept.ts`):
 * every token with `x' >= threshold`, summarised by their count, their weight and each block's
 * part of it.
 */
export interface KeptHead {
  readonly threshold: number;
  readonly count: number;
  /** Their weight: the sum of `exp(z)`, float64. */
  readonly mass: number;
  /** Their weight in each block of `ROW_BLOCK` tokens, in index order. */
  readonly blocks: Float64Array;
  /** The block length. */
  readonly size: number;
  /** The sum of `exp(z) * z` over them (the entropy's), NaN when the pass did not take it. */
  readonly weighted: number;
}

/**
 * The kept set after truncation, as the draw and the outputs see it: the whole row (every token
 * not `-Infinity`: `candidates` null) or the candidates, in index order, and with a `head` the
 * head's tokens too (none of them among the candidates, all above them); `total` is `S`, the
 * sum of the kept weights `exp(z)` in float64.
 */
export interface Kept {
  readonly candidates: Candidates | null;
  /** How many tokens are kept. */
  readonly count: number;
  /** S. */
  readonly total: number;
  readonly head?: KeptHead;
}
