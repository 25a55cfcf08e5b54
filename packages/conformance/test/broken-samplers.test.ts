import { createSoftmax, type Softmax } from '@softmax-kit/core';
import {
  createSampler,
  type SampledRow,
  type SampleOptions,
  type SampleResult,
  type Sampler,
  type SamplerInput,
} from '@softmax-kit/sampling';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CaseContext, CaseOutcome } from '../src/case.js';
import { type SamplerFactory, samplingCases } from '../src/cases/sampling.js';
import { samplingSizeCases } from '../src/cases/sampling-sizes.js';
import { precisionModel } from '../src/precision.js';
import { createRng, seedFor } from '../src/rng.js';
import { referenceBackend } from './reference-backends.js';

let sm: Softmax;
beforeAll(async () => {
  sm = await createSoftmax(referenceBackend());
});

/**
 * Runs the sampling group with the sampler `make` builds; returns the ids that failed. The
 * real-size cases (`sampling-sizes.test.ts` proves them with broken samplers of their own) run
 * only where `withSizes` is set: the wrapped samplers here call the real one twice a call.
 */
async function failures(make: SamplerFactory, withSizes = false): Promise<string[]> {
  const failed: string[] = [];
  const sized = new Set(samplingSizeCases('fast', make).map((c) => c.id));
  const cache = new Map<string, unknown>(); // one per run, as the runner keeps
  for (const testCase of samplingCases(make)) {
    if (!withSizes && sized.has(testCase.id)) continue;
    const context: CaseContext = {
      sm,
      backend: referenceBackend(),
      capabilities: sm.backend.capabilities,
      seed: 7,
      rng: createRng(seedFor(7, testCase.id)),
      model: (dtype) => precisionModel(sm.backend.capabilities, dtype),
      cache,
    };
    const outcome: CaseOutcome = await testCase.run(context);
    if (outcome.status === 'fail') failed.push(testCase.id);
  }
  return failed;
}

/** The logits as rows of numbers (the group passes a flat typed array with a shape). */
function rowsOf(input: SamplerInput, options: SampleOptions): number[][] {
  const flat = Array.from(input as ArrayLike<number>);
  const [rows, n] = options.shape ?? [1, flat.length];
  return Array.from({ length: rows }, (_, r) => flat.slice(r * n, r * n + n));
}

/** A sampler that wraps the real one, changing its input and output. */
function wrapped(
  change: (real: Sampler, input: SamplerInput, options: SampleOptions) => Promise<SampleResult>,
): SamplerFactory {
  return (instance) => {
    const real = createSampler(instance);
    return { sample: (input, options = {}) => change(real, input, options) };
  };
}

/** top-p applied before top-k. */
const wrongOrder = wrapped(async (real, input, options) => {
  if (options.topK === undefined || options.topP === undefined) return real.sample(input, options);
  const { topK, ...noTopK } = options;
  const first = await real.sample(input, { ...noTopK, q: true });
  const allowed = first.rows.map((row) => [...(row.q ?? [])].flatMap((v, i) => (v > 0 ? [i] : [])));
  const { topP, ...noTopP } = options;
  return real.sample(input, { ...noTopP, topK, allowed });
});

/** top-p keeps one token more than SPEC. */
const topPOffByOne = wrapped(async (real, input, options) => {
  if (options.topP === undefined || options.topP === 1) return real.sample(input, options);
  const first = await real.sample(input, { ...options, q: true });
  const { topP, ...rest } = options;
  const n = options.shape?.[1] ?? (input as ArrayLike<number>).length;
  return real.sample(input, { ...rest, topK: first.rows.map((row) => Math.min(row.kept + 1, n)) });
});

/** Ties broken by the higher index: the rows reversed, the tokens mapped back. */
const tiesByHigherIndex = wrapped(async (real, input, options) => {
  const rows = rowsOf(input, options);
  const n = rows[0]?.length ?? 0;
  const flip = (token: number) => n - 1 - token;
  const reversed = rows.map((row) => [...row].reverse());
  const { shape, bias, allowed, history, ...rest } = options;
  const mapList = (value: unknown): unknown =>
    Array.isArray(value) && Array.isArray(value[0])
      ? value.map(mapList)
      : Array.isArray(value) && bias === value
        ? [...value].reverse()
        : Array.isArray(value)
          ? value.map((token: number) => flip(token))
          : value;
  const result = await real.sample(reversed, {
    ...rest,
    ...(bias === undefined
      ? {}
      : {
          bias: Array.isArray((bias as unknown[])[0])
            ? (bias as number[][]).map((b) => [...b].reverse())
            : [...(bias as number[])].reverse(),
        }),
    ...(allowed === undefined ? {} : { allowed: mapList(allowed) as number[] }),
    ...(history === undefined ? {} : { history: mapList(history) as number[] }),
  });
  const back = (row: SampledRow): SampledRow => ({
    ...row,
    tokens: row.tokens.map(flip),
    ...(row.q ? { q: Float64Array.from(row.q).reverse() } : {}),
    ...(row.top ? { top: { tokens: row.top.tokens.map(flip), logprobs: row.top.logprobs } } : {}),
  });
  return { ...result, rows: result.rows.map(back) };
});

/** A generator keyed by the batch size too. */
const batchSizeSeed = wrapped(async (real, input, options) => {
  const rows = options.shape?.[0] ?? 1;
  const seed = options.seed;
  if (seed === undefined) return real.sample(input, options);
  const shifted =
    typeof seed === 'number' ? seed + rows : Array.from(seed as ArrayLike<number>, (s) => s + rows);
  const result = await real.sample(input, { ...options, seed: shifted });
  return { ...result, seed: seed as number };
});

describe('the sampling group', () => {
  it('passes the real sampler on a correct backend, at every size', async () => {
    expect(await failures(createSampler, true)).toEqual([]);
  });

  it('fails top-p applied before top-k (the order cases)', async () => {
    const failed = await failures(wrongOrder);
    expect(failed).toEqual(
      expect.arrayContaining(['sampling.order.float32', 'sampling.order.float64']),
    );
  });

  it('fails a top-p that keeps one token too many (top-p and the draws)', async () => {
    const failed = await failures(topPOffByOne);
    expect(failed).toEqual(
      expect.arrayContaining([
        'sampling.top-p.float32',
        'sampling.top-p.float64',
        'sampling.draws.float64',
      ]),
    );
  });

  it('fails ties broken by the higher index (greedy and top-k)', async () => {
    const failed = await failures(tiesByHigherIndex);
    expect(failed).toEqual(
      expect.arrayContaining([
        'sampling.greedy.float32',
        'sampling.greedy.float64',
        'sampling.top-k.float64',
      ]),
    );
  });

  it('fails a generator that depends on the batch size (reproducible and the draws)', async () => {
    const failed = await failures(batchSizeSeed);
    expect(failed).toEqual(
      expect.arrayContaining(['sampling.reproducible', 'sampling.draws.float64']),
    );
  });
});
