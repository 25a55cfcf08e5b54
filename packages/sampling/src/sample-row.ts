import type { FloatArray, RowPasses, RowStats } from '@softmax-kit/core/internal';
import { gather, rank, type Workspace } from './candidates.js';
import { fail } from './errors.js';
import type { Plan } from './plan.js';
import { type Drawn, drawTokens } from './steps/draw.js';
import { OUTPUTS, PROCESSING, TRUNCATION } from './steps/index.js';
import type { Kept } from './steps/kept.js';
import type { RowOutputs } from './steps/outputs/output.js';
import type { Candidates, RowContext, TruncationStep } from './steps/step.js';
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
    if (threshold === Number.NEGATIVE_INFINITY) return candidates;
    const covered =
      required.length > 0
        ? required.every((step) => step.covers(candidates, context))
        : checked.some((step) => step.covers(candidates, context));
    if (covered) return candidates;
  }
}

/** SPEC step 3: the kept set. */
function truncate(context: RowContext, ws: Workspace): Kept {
  const { plan, row } = context;
  const steps = TRUNCATION.filter((step) => step.active(plan, row));
  if (steps.length === 0)
    return { ids: null, z: null, count: context.live, ranked: null, total: context.rowMass() };
  const candidates = gatherKept(context, steps, ws);
  for (const step of steps) {
    if (step.ranks) rank(candidates, ws);
    step.apply(candidates, context);
  }
  const count = candidates.count;
  let ids = candidates.ids.slice(0, count);
  let z = candidates.z.slice(0, count);
  if (candidates.ranked) {
    // Back to index order for the draw.
    const order = Int32Array.from({ length: count }, (_, k) => k).sort((a, b) => ids[a]! - ids[b]!);
    ids = Int32Array.from(order, (k) => candidates.ids[k]!);
    z = Float64Array.from(order, (k) => candidates.z[k]!);
  }
  let total = 0;
  for (let k = 0; k < count; k++) total += Math.exp(z[k]!);
  return { ids, z, count, ranked: candidates.ranked ? candidates : null, total };
}

/** One row through SPEC's steps 1 to 5. */
export function sampleRow(plan: Plan, row: number, passes: RowPasses, ws: Workspace): SampledRow {
  const n = plan.n;
  const raw = plan.logits.subarray(row * n, row * n + n);
  const x = processedRow(plan, row, raw, ws);
  const stats = passes.stats(x, {
    max: 0,
    argmax: 0,
    firstNaN: 0,
    masked: 0,
    positive: 0,
  } as RowStats);
  if (stats.firstNaN >= 0) nanAt(row, stats.firstNaN);
  const live = n - stats.masked;
  if (live === 0)
    fail(
      'ALL_MASKED',
      `row ${row}: every token is -Infinity or banned (bias, allowed); nothing to sample`,
    );
  const temperature = plan.number('temperature', row);
  const weights = temperatureWeights(stats, temperature);
  let mass = Number.NaN;
  const context: RowContext = {
    plan,
    row,
    n,
    x,
    passes,
    stats,
    temperature,
    weights,
    live,
    rowMass() {
      if (Number.isNaN(mass))
        mass =
          weights.kind === 'exp'
            ? passes.expSum(x, weights.max, temperature)
            : weights.kind === 'uniform'
              ? live
              : stats.positive;
      return mass;
    },
  };
  const outputs = OUTPUTS.filter((output) => output.active(plan, row));
  const into: RowOutputs = {};
  if (temperature === 0) {
    // Greedy: the lowest index among the maxima, whatever the seed; q one-hot there.
    const draws = plan.number('draws', row);
    const drawn: Drawn = {
      tokens: new Int32Array(draws).fill(stats.argmax),
      logprobs: new Float64Array(draws),
    };
    for (const output of outputs) output.writeGreedy(context, stats.argmax, drawn, into);
    return { tokens: drawn.tokens, logprobs: drawn.logprobs, kept: 1, ...into };
  }
  const truncated = truncate(context, ws);
  if (!xtcActive(plan, row)) {
    const drawn = drawTokens(context, truncated);
    for (const output of outputs) output.write(context, truncated, drawn, into);
    return { tokens: drawn.tokens, logprobs: drawn.logprobs, kept: truncated.count, ...into };
  }
  // XTC, last of the truncations: each draw's own coin picks the set with or without it; the
  // outputs (kept, q, top, entropy) describe the set of the first draw (of `step` if none).
  const excluded = excludeTopChoices(context, truncated);
  const choose = (draw: number) => (xtcFires(plan, row, draw) ? excluded : truncated);
  const kept = choose(0);
  const drawn = drawTokens(context, truncated, choose);
  for (const output of outputs) output.write(context, kept, drawn, into);
  return { tokens: drawn.tokens, logprobs: drawn.logprobs, kept: kept.count, ...into };
}
