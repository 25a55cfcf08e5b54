import type { Candidates } from './step.js';

/**
 * The kept set after truncation, as the draw and the outputs see it: either the whole row (every
 * token not `-Infinity`) or listed tokens in index order with their log-weights `z`; `total` is
 * `S`, the sum of their weights `exp(z)` in float64.
 */
export interface Kept {
  /** Listed kept tokens in index order (null: the whole row). */
  readonly ids: Int32Array | null;
  readonly z: Float64Array | null;
  /** How many tokens are kept. */
  readonly count: number;
  /** The candidates in ranking order, when a step ranked them (first `count` are the kept set). */
  readonly ranked: Candidates | null;
  /** S. */
  readonly total: number;
}
