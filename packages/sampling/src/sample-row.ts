import {
  type FloatArray,
  ROW_BLOCK,
  type RowPasses,
  type RowStats,
} from '@softmax-kit/core/internal';
import { gather, massOf, sampleOf, type Workspace, weigh } from './candidates.js';
import { fail } from './errors.js';
import type { Plan } from './plan.js';
import { keptBySplit, type RowGuess } from './split-kept.js';
import { type Drawn, drawTokens } from './steps/draw.js';
import { OUTPUTS, PROCESSING, TRUNCATION } from './steps/index.js';
import type { Kept } from './steps/kept.js';
import type { RowOutputs } from './steps/outputs/output.js';
import type { Candidates, RowContext, TruncationStep, Weights } from './steps/step.js';
import { temperatureWeights } from './steps/temperature.js';
import { excludeTopChoices, xtcActive, xtcFires } from './steps/xtc.js';
import type { SampledRow } from './types.js';

const nanAt = (row: number, column: number): never =>
  fail(
    'NAN_INPUT',
    `row ${row} has NaN at column ${column}; logits must be numbers (±Infinity allowed)`,
  );

/**
 * SPEC step 1: the processed row `x'`. Unprocessed, the row itself (nothing writes to it);
 * processed, a float64 copy in the workspace, checked for NaN first (a NaN is reported even
 * where a ban would overwrite it).
 */
function processedRow(plan: Plan, row: number, raw: FloatArray, ws: Workspace): FloatArray {
  const steps = PROCESSING.filter((step) => step.active(plan, row));
  if (steps.length === 0) return raw;
  const x = ws.processed.subarray(0, raw.length);
  for (let i = 0; i < raw.length; i++) {
    const v = raw[i]!;
    if (Number.isNaN(v)) nanAt(row, i);
    x[i] = v;
  }
  for (const step of steps) step.apply(x, plan, row);
  return x;
}

/**
 * The gather that holds what the truncation keeps (see {@link TruncationStep}): if a step
 * renormalises over the tokens kept before it (top-p), every active step before it must cover
 * its own set; otherwise one covering step is enough, and the free ones lead (their floors need
 * no pass over the row).
 */
function gatherKept(
  context: RowContext,
  steps: readonly TruncationStep[],
  ws: Workspace,
  setMax: (max: number) => void,
): Candidates {
  let lastRenormalising = -1;
  steps.forEach((step, k) => {
    if (step.renormalises) lastRenormalising = k;
  });
  const required = lastRenormalising > 0 ? steps.slice(0, lastRenormalising) : [];
  const free = steps.filter((step) => step.cost === 'free');
  const leaders = free.length > 0 ? free : steps;
  const checked = [...free, ...steps.filter((step) => step.cost !== 'free')];
  for (let attempt = 0; ; attempt++) {
    let threshold: number;
    if (required.length > 0) {
      threshold = Number.POSITIVE_INFINITY;
      for (const step of required) threshold = Math.min(threshold, step.floor(context, attempt));
    } else {
      threshold = Number.NEGATIVE_INFINITY;
      for (const step of leaders) threshold = Math.max(threshold, step.floor(context, attempt));
    }
    const candidates = gather(context, threshold, ws);
    if (candidates.count === 0 && threshold !== Number.NEGATIVE_INFINITY) continue;
    // Every token >= the threshold is gathered, so the row's max is the candidates' (no pass).
    if (!context.hasMax()) setMax(candidates.top);
    weigh(candidates, context);
    if (threshold === Number.NEGATIVE_INFINITY) return candidates;
    const covered =
      required.length > 0
        ? required.every((step) => step.covers(candidates, context))
        : checked.some((step) => step.covers(candidates, context));
    if (covered) return candidates;
  }
}

/** SPEC step 3: the kept set. */
function truncate(context: RowContext, setMax: (max: number) => void): Kept {
  const { plan, row, ws } = context;
  const steps = TRUNCATION.filter((step) => step.active(plan, row));
  if (steps.length === 0)
    return { candidates: null, count: context.live(), total: context.rowMass() };
  const split = keptBySplit(context, steps);
  if (split !== null) return split;
  const candidates = gatherKept(context, steps, ws, setMax);
  for (const step of steps) step.apply(candidates, context);
  return { candidates, count: candidates.count, total: massOf(candidates) };
}

const allMasked = (row: number): never =>
  fail(
    'ALL_MASKED',
    `row ${row}: every token is -Infinity or banned (bias, allowed); nothing to sample`,
  );

/**
 * One row through SPEC's steps 1 to 5; the row passes hold `x'` meanwhile (nothing changes it
 * during the row), so a backend that copies rows copies it once.
 */
export function sampleRow(
  plan: Plan,
  row: number,
  passes: Required<RowPasses>,
  ws: Workspace,
  guess: RowGuess | null = null,
): SampledRow {
  const n = plan.n;
  const raw = plan.logits.subarray(row * n, row * n + n);
  const x = processedRow(plan, row, raw, ws);
  // A guess made before (split-kept.ts's startAhead) is of the unprocessed row.
  const given = x === raw ? guess : null;
  return passes.holding(x, () => sampleHeldRow(plan, row, passes, ws, raw, x, given));
}

function sampleHeldRow(
  plan: Plan,
  row: number,
  passes: Required<RowPasses>,
  ws: Workspace,
  raw: FloatArray,
  x: FloatArray,
  given: RowGuess | null,
): SampledRow {
  const n = plan.n;
  const temperature = plan.number('temperature', row);
  let stats: RowStats | null = null;
  let max = Number.NaN;
  let weights: Weights | null = null;
  let mass = Number.NaN;
  let blocks: { sums: Float64Array; size: number } | null = null;
  let sampled = given?.sample ?? null;
  const blockSums = () => {
    blocks = { sums: new Float64Array(Math.ceil(n / ROW_BLOCK)), size: ROW_BLOCK };
    return blocks.sums;
  };
  const context: RowContext = {
    plan,
    row,
    n,
    x,
    raw,
    processed: x !== raw,
    passes,
    ws,
    temperature,
    bandGuess: given === null ? undefined : given.band,
    stats() {
      if (stats === null) {
        const found = passes.stats(x, { max: 0, argmax: 0, firstNaN: 0, masked: 0, positive: 0 });
        if (found.firstNaN >= 0) nanAt(row, found.firstNaN);
        if (found.masked === n) allMasked(row);
        stats = found;
      }
      return stats;
    },
    max: () => (Number.isNaN(max) ? context.stats().max : max),
    hasMax: () => stats !== null || !Number.isNaN(max),
    weights() {
      weights ??= temperatureWeights(context.max(), temperature);
      return weights;
    },
    live: () => n - context.stats().masked,
    rowMass() {
      if (Number.isNaN(mass)) {
        const w = context.weights();
        mass =
          w.kind === 'exp'
            ? passes.expSum(x, w.max, temperature, blockSums())
            : w.kind === 'uniform'
              ? context.live()
              : context.stats().positive;
      }
      return mass;
    },
    knowRowMass(total, sums) {
      mass = total;
      blocks = { sums, size: ROW_BLOCK };
    },
    rowBlocks() {
      context.rowMass();
      return blocks;
    },
    sample() {
      sampled ??= sampleOf(x);
      return sampled;
    },
  };
  const outputs = OUTPUTS.filter((output) => output.active(plan, row));
  const into: RowOutputs = {};
  if (temperature === 0) {
    // Greedy: the lowest index among the maxima, whatever the seed; q one-hot there.
    const argmax = context.stats().argmax;
    const draws = plan.number('draws', row);
    const drawn: Drawn = {
      tokens: new Int32Array(draws).fill(argmax),
      logprobs: new Float64Array(draws),
    };
    for (const output of outputs) output.writeGreedy(context, argmax, drawn, into);
    return { tokens: drawn.tokens, logprobs: drawn.logprobs, kept: 1, ...into };
  }
  const kept = truncate(context, (found) => {
    if (found === Number.NEGATIVE_INFINITY) allMasked(row);
    max = found;
  });
  if (!xtcActive(plan, row)) {
    const drawn = drawTokens(context, kept);
    for (const output of outputs) output.write(context, kept, drawn, into);
    return { tokens: drawn.tokens, logprobs: drawn.logprobs, kept: kept.count, ...into };
  }
  // XTC, last of the truncations: each draw's own coin picks the set with or without it; the
  // outputs (kept, q, top, entropy) describe the set of the first draw (of `step` if none).
  const excluded = excludeTopChoices(context, kept);
  const choose = (draw: number) => (xtcFires(plan, row, draw) ? excluded : kept);
  const shown = choose(0);
  const drawn = drawTokens(context, kept, choose);
  for (const output of outputs) output.write(context, shown, drawn, into);
  return { tokens: drawn.tokens, logprobs: drawn.logprobs, kept: shown.count, ...into };
}
