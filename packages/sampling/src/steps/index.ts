/**
 * The sampler's chain: SPEC's steps, each a unit of its own, in SPEC's order. A new step is a
 * file under `steps/` and one entry in its list here (and its options in `../options.ts`).
 */
import { allowedStep } from './allowed.js';
import { biasStep } from './bias.js';
import { dryStep } from './dry.js';
import { minPStep } from './min-p.js';
import { entropyOutput } from './outputs/entropy.js';
import type { OutputStep } from './outputs/output.js';
import { qOutput } from './outputs/q.js';
import { rawLogprobsOutput } from './outputs/raw-logprobs.js';
import { topNOutput } from './outputs/top-n.js';
import { penaltiesStep } from './penalties.js';
import type { ProcessingStep, TruncationStep } from './step.js';
import { topKStep } from './top-k.js';
import { topNSigmaStep } from './top-n-sigma.js';
import { topPStep } from './top-p.js';
import { typicalPStep } from './typical-p.js';

/** SPEC step 1, in order: bias, allowed, penalties, DRY (v1.1). */
export const PROCESSING: readonly ProcessingStep[] = [
  biasStep,
  allowedStep,
  penaltiesStep,
  dryStep,
];

/**
 * SPEC step 3, in order: top-nσ (v1.1), top-k, top-p, min-p, typical-p (v1.1). XTC (v1.1)
 * comes last, per draw (`./xtc.ts`, run by the driver: its coin is each draw's own).
 */
export const TRUNCATION: readonly TruncationStep[] = [
  topNSigmaStep,
  topKStep,
  topPStep,
  minPStep,
  typicalPStep,
];

/** SPEC step 5's optional outputs (each computed only when asked). */
export const OUTPUTS: readonly OutputStep[] = [
  rawLogprobsOutput,
  topNOutput,
  entropyOutput,
  qOutput,
];
