import type { Plan } from '../../plan.js';
import type { SampledRow } from '../../types.js';
import type { Drawn } from '../draw.js';
import type { Kept } from '../kept.js';
import type { RowContext } from '../step.js';

/** What an output step adds to a row's result. */
export type RowOutputs = { -readonly [K in keyof SampledRow]?: SampledRow[K] };

/** SPEC step 5: an optional output, computed only when asked. */
export interface OutputStep {
  readonly name: string;
  active(plan: Plan, row: number): boolean;
  /** Writes the output of a sampled row (T > 0). */
  write(context: RowContext, kept: Kept, drawn: Drawn, into: RowOutputs): void;
  /** Writes the output of a greedy row (T = 0: q one-hot at `token`). */
  writeGreedy(context: RowContext, token: number, drawn: Drawn, into: RowOutputs): void;
}
