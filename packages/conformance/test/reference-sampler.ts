import { SoftmaxError } from '@softmax-kit/core';
import {
  type SampledRow,
  type SampleOptions,
  type SampleResult,
  type Sampler,
  type SamplerInput,
  uniformAt,
} from '@softmax-kit/sampling';
import type { SamplerFactory } from '../src/cases/sampling.js';
import {
  type ReferenceDistribution,
  type ReferenceSampling,
  referenceDistribution,
  referenceRawLogprobs,
} from '../src/sampling-reference.js';

/**
 * A sampler made of the float64 reference alone (no backend): what the suite's real-size cases
 * must pass. `bug` replaces the mass S a row is renormalised by, to prove the cases catch a
 * sampler that renormalises wrongly.
 */
export type MassBug = (row: {
  x: Float64Array;
  params: ReferenceSampling;
  draws: number;
  distribution: ReferenceDistribution;
}) => number | null;

const perRow = (value: unknown, row: number): unknown =>
  ArrayBuffer.isView(value) || Array.isArray(value) ? (value as ArrayLike<unknown>)[row] : value;

/** Rows by content and parameters, so a scenario repeated over cases is sorted once. */
const memo = new Map<string, ReferenceDistribution>();
function distributionOf(x: Float64Array, params: ReferenceSampling): ReferenceDistribution {
  let hash = 0x811c9dc5;
  const words = new Uint32Array(x.buffer, x.byteOffset, x.length * 2);
  for (let i = 0; i < words.length; i++) hash = Math.imul(hash ^ words[i]!, 0x01000193);
  const key = `${x.length}:${hash >>> 0}:${JSON.stringify(params)}`;
  let distribution = memo.get(key);
  if (!distribution) {
    distribution = referenceDistribution(x, params);
    memo.set(key, distribution);
  }
  return distribution;
}

function sampleRow(
  x: Float64Array,
  params: ReferenceSampling,
  options: SampleOptions,
  row: number,
  bug: MassBug | undefined,
): SampledRow {
  const draws = (perRow(options.draws, row) as number | undefined) ?? 1;
  const step = (perRow(options.step, row) as number | undefined) ?? 0;
  const seedOption = options.seed ?? 0;
  const perRowSeed = typeof seedOption !== 'number';
  const seed = perRow(seedOption, row) as number;
  const distribution = distributionOf(x, params);
  const { p, ranked } = distribution;
  const keptSet = new Set(ranked);
  let total = 0;
  for (const i of ranked) total += p[i]!;
  total = bug?.({ x, params, draws, distribution }) ?? total;
  const tokens = new Int32Array(draws);
  const logprobs = new Float64Array(draws);
  const last = Math.max(...ranked);
  for (let k = 0; k < draws; k++) {
    const u = uniformAt(seed, perRowSeed ? 0 : row, step + k);
    let sum = 0;
    let token = last;
    for (let i = 0; i < x.length; i++) {
      if (!keptSet.has(i)) continue;
      sum += p[i]!;
      if (sum > u * total) {
        token = i;
        break;
      }
    }
    tokens[k] = token;
    logprobs[k] = Math.log(p[token]!) - Math.log(total);
  }
  const q = new Float64Array(x.length);
  let weighted = 0;
  for (const i of ranked) {
    q[i] = p[i]! / total;
    if (p[i]! > 0) weighted += p[i]! * Math.log(p[i]!);
  }
  const topN = (perRow(options.topN, row) as number | undefined) ?? 0;
  const top = ranked.slice(0, topN);
  const raw = options.rawLogprobs ? referenceRawLogprobs(x) : null;
  return {
    tokens,
    logprobs,
    kept: ranked.length,
    ...(raw ? { rawLogprobs: Float64Array.from(tokens, (token) => raw[token]!) } : {}),
    ...(topN > 0
      ? {
          top: {
            tokens: Int32Array.from(top),
            logprobs: Float64Array.from(top, (token) => Math.log(p[token]!) - Math.log(total)),
          },
        }
      : {}),
    ...(options.entropy ? { entropy: Math.log(total) - weighted / total } : {}),
    ...(options.q ? { q } : {}),
  };
}

/** The reference as a {@link Sampler}: flat typed-array input with `shape`, as the cases call it. */
export function referenceSampler(bug?: MassBug): SamplerFactory {
  return () =>
    ({
      async sample(input: SamplerInput, options: SampleOptions = {}): Promise<SampleResult> {
        const flat = input as Float32Array | Float64Array;
        const [rows, n] = options.shape ?? [1, flat.length];
        const result: SampledRow[] = [];
        for (let row = 0; row < rows; row++) {
          const x = Float64Array.from(flat.subarray(row * n, row * n + n));
          const params: ReferenceSampling = {};
          for (const key of ['temperature', 'topK', 'topP', 'minP'] as const) {
            const value = perRow(options[key], row) as number | undefined;
            if (value !== undefined) (params as Record<string, number>)[key] = value;
          }
          if (x.every((v) => v === Number.NEGATIVE_INFINITY))
            throw new SoftmaxError('ALL_MASKED', `row ${row} is all -Infinity`);
          result.push(sampleRow(x, params, options, row, bug));
        }
        return { rows: result, seed: (options.seed ?? 0) as number };
      },
    }) satisfies Sampler;
}

/**
 * Today's (2026-12-07) top-k path, frozen: with topK alone (no topP, no minP) and at most four
 * draws, when more than 512 tokens lie down to the end of the boundary's histogram bin (1/32 of
 * T wide), the row was renormalised by the mass of the kept tokens in that bin only (the bins
 * above were counted, not summed: issue 14, section 0).
 */
export const todaysTopK: MassBug = ({ x, params, draws, distribution }) => {
  const t = params.temperature ?? 1;
  if (params.topK === undefined || (params.topP ?? 1) < 1 || (params.minP ?? 0) > 0) return null;
  if (draws > 4 || t === 0 || t === Number.POSITIVE_INFINITY) return null;
  const { ranked, p } = distribution;
  let allowed = 0;
  for (const v of x) if (v > Number.NEGATIVE_INFINITY) allowed++;
  if (params.topK >= allowed) return null; // k covers every allowed token: no boundary
  const cut = x[ranked[ranked.length - 1]!]!;
  const top = x[ranked[0]!]!;
  const bin = Math.floor(((top - cut) * 32) / t);
  const inBin = (v: number) =>
    v > Number.NEGATIVE_INFINITY && Math.floor(((top - v) * 32) / t) <= bin;
  let upToBin = 0;
  for (const v of x) if (inBin(v)) upToBin++;
  if (upToBin <= 512) return null;
  let mass = 0;
  for (const i of ranked) if (Math.floor(((top - x[i]!) * 32) / t) === bin) mass += p[i]!;
  return mass;
};
