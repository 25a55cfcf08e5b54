import type { FloatArray, RowPasses, RowStats } from '@softmax-kit/core/internal';
import type { Workspace } from '../candidates.js';
import type { Plan } from '../plan.js';

/**
 * How a row's kept tokens weigh (SPEC step 2, the temperature): `z(x)` is the log of a token's
 * unnormalised probability, `exp(z)` its weight. `'exp'`: `z = (x - max) / T`; `'uniform'`
 * (T = Infinity): 0 for every token not `-Infinity`; `'infinite'` (a `+Infinity` logit): 0 for
 * the `+Infinity` tokens, `-Infinity` elsewhere.
 */
export interface Weights {
  readonly kind: 'exp' | 'uniform' | 'infinite';
  readonly max: number;
  readonly temperature: number;
}

/** The log-weight of logit `v` (see {@link Weights}). */
export function logWeight(weights: Weights, v: number): number {
  switch (weights.kind) {
    case 'exp':
      return (v - weights.max) / weights.temperature;
    case 'uniform':
      return v > Number.NEGATIVE_INFINITY ? 0 : Number.NEGATIVE_INFINITY;
    case 'infinite':
      return v === Number.POSITIVE_INFINITY ? 0 : Number.NEGATIVE_INFINITY;
  }
}

/** One row on its way through the steps. Every pass over the row runs on first use, once. */
export interface RowContext {
  readonly plan: Plan;
  readonly row: number;
  readonly n: number;
  /** The processed logits `x'` of the row (the caller's row when nothing processed it). */
  readonly x: FloatArray;
  /** The row as given (SPEC step 5's raw log-probabilities read it). */
  readonly raw: FloatArray;
  /** True when a processing step changed the row (`x` is then a copy). */
  readonly processed: boolean;
  readonly passes: Required<RowPasses>;
  /** Row-sized scratch for the candidates. */
  readonly ws: Workspace;
  /** The row's temperature. */
  readonly temperature: number;
  /** max, argmax, NaN, -Infinity and +Infinity counts of `x'` (a pass, NaN and ALL_MASKED checked). */
  stats(): RowStats;
  /** The row's max: from a gather that holds it when there was one, else from {@link stats}. */
  max(): number;
  /** True once the max is known (no pass needed for it). */
  hasMax(): boolean;
  /** How the kept tokens weigh (from the max and the temperature). */
  weights(): Weights;
  /** Tokens not `-Infinity`: the most a truncation can keep. */
  live(): number;
  /** The total weight of the whole row (an exp-sum pass). */
  rowMass(): number;
  /** Records the row's total weight and its block sums, found by another pass (a split). */
  knowRowMass(total: number, sums: Float64Array): void;
  /** The exp-sum pass's sums of each block of `size` tokens (null when the row is not `'exp'`). */
  rowBlocks(): { readonly sums: Float64Array; readonly size: number } | null;
  /** A sample of the row's values (unsorted), and the row positions one sample stands for. */
  sample(): { readonly values: Float64Array; readonly stride: number };
  /**
   * The top-p band guessed for this row before it was sampled (split-kept.ts's `startAhead`,
   * from the same sample), or undefined when none was.
   */
  readonly bandGuess?: { readonly lo: number; readonly hi: number } | null;
}

/**
 * Tokens gathered from a row: every token with `x' >= threshold` (a ranking prefix with all its
 * ties), in index order, with their logits and weights. Truncation steps keep a subset,
 * still in index order (`keepRankedPrefix` and `compact` in `../candidates.ts`).
 */
export interface Candidates {
  ids: Int32Array;
  logits: Float64Array;
  /** The weights `exp(z)`, `z` the log-weight of the logit ({@link logWeight}). */
  w: Float64Array;
  count: number;
  threshold: number;
  /** The largest gathered logit (the row's max: every token above the threshold is here). */
  top: number;
  /** The sum of the weights, NaN until known ({@link massOf} in `../candidates.ts`). */
  mass: number;
  /**
   * True when the candidates are exactly the set the steps so far kept (a step that covered its
   * set applied itself); false while that set is the whole row, or reaches past the candidates.
   */
  exact: boolean;
}

/** SPEC step 1: changes the row's logits (a float64 copy the driver owns). */
export interface ProcessingStep {
  readonly name: string;
  /** True when the step changes this row (a step that is off costs nothing). */
  active(plan: Plan, row: number): boolean;
  apply(x: Float64Array, plan: Plan, row: number): void;
}

/**
 * SPEC step 3: one truncation. The driver gathers a ranking prefix that holds what the steps
 * keep: each active step proposes a `floor` (a logit below which it keeps nothing; a guess that
 * may be too high on early attempts, lower on later ones, `-Infinity` when unknown) and says
 * whether a gathered prefix `covers` its kept set. Then each step, in SPEC's order, `apply`s
 * itself to the candidates, seeing what the steps before it kept.
 */
export interface TruncationStep {
  readonly name: string;
  active(plan: Plan, row: number): boolean;
  /**
   * True when the step renormalises over the tokens kept so far (top-p): every active step
   * before it must then cover its own kept set, so that the candidates hold that set exactly.
   */
  readonly renormalises: boolean;
  /** `'free'`: `covers` costs nothing; `'pass'`: it may need a pass over the row. */
  readonly cost: 'free' | 'pass';
  floor(context: RowContext, attempt: number): number;
  covers(candidates: Candidates, context: RowContext): boolean;
  apply(candidates: Candidates, context: RowContext): void;
}
