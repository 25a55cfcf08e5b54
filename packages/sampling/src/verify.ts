/**
 * `verify` (SPEC v1.1's decoding primitives): speculative decoding's acceptance rule
 * (Leviathan, Kalman and Matias 2023; Chen et al. 2023). A draft model proposed `k` tokens with
 * its distributions `r_i`; the target model's `k + 1` rows of logits accept a prefix of them and
 * add one token, so that the tokens are distributed exactly as sampling from the target.
 *
 * @packageDocumentation
 */

import { describe as show } from '@softmax-kit/core/internal';
import { isFloat32Array, isListLike } from './decoding-input.js';
import type { DecodingSteps } from './decoding-steps.js';
import { fail } from './errors.js';
import { uniformPairAt } from './philox.js';
import { readPlan } from './plan.js';
import type { SampleOptions, SampleResult, SamplerInput, TokenHistory } from './types.js';

/** Options of `verify`: the draft, and SPEC's sampling parameters (one sequence: scalars). */
export interface VerifyOptions
  extends Omit<SampleOptions, 'draws' | 'topN' | 'entropy' | 'rawLogprobs' | 'q' | 'seed'> {
  /** The draft's `k` tokens `d_0 .. d_{k-1}`. */
  readonly draft: readonly number[] | Int32Array | Uint32Array;
  /**
   * The draft's distributions `r_0 .. r_{k-1}` (each of length `n`: the draft model's processed
   * `q`, as `sample(..., { q: true })` returns it), as `k` arrays or one flat array of `k * n`.
   */
  readonly draftProbabilities:
    | readonly (readonly number[] | Float64Array | Float32Array)[]
    | Float64Array
    | Float32Array;
  /** Seed, a safe integer (omitted: drawn and returned). */
  readonly seed?: number;
  /** The row of the key `(seed, row, step)` (default 0): the sequence's place in its batch. */
  readonly row?: number;
}

/** What `verify` returns. */
export interface VerifyResult {
  /** How many draft tokens were accepted (`0 .. k`). */
  readonly accepted: number;
  /** The accepted tokens, then the correction (a rejection) or the bonus (all accepted). */
  readonly tokens: Int32Array;
  /** Their log-probabilities under the target's processed distributions `p_i`. */
  readonly logprobs: Float64Array;
  /** The seed used (as given, or drawn). */
  readonly seed: number;
}

function drawSeed(): number {
  const words = new Uint32Array(2);
  globalThis.crypto.getRandomValues(words);
  return (words[0]! & 0x1fffff) * 4294967296 + words[1]!;
}

/** `|sum r - 1|` allowed for a distribution of `n` entries of a dtype with unit roundoff `eps`. */
const sumBound = (n: number, eps: number) => (n + 8) * eps;

/** The draft's distributions as `k` checked rows (SPEC: each a distribution; `r_i[d_i] > 0`). */
function readDraft(
  options: VerifyOptions,
  n: number,
): { draft: Int32Array; rows: ArrayLike<number>[] } {
  const ids = options.draft;
  if (!isListLike(ids))
    fail('INVALID_INPUT', `draft is ${show(ids)}; accepted: a list of token ids`);
  const k = ids.length;
  const draft = new Int32Array(k);
  for (let i = 0; i < k; i++) {
    const id = ids[i];
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || id >= n)
      fail(
        'INVALID_INPUT',
        `draft[${i}] (i = ${i}) is ${show(id)}; accepted: a token id, an integer in [0, ${n})`,
      );
    draft[i] = id;
  }
  const given = options.draftProbabilities;
  const rows: ArrayLike<number>[] = [];
  if (ArrayBuffer.isView(given)) {
    const flat = given as Float64Array | Float32Array;
    if (flat.length !== k * n)
      fail(
        'INVALID_INPUT',
        `draftProbabilities has ${flat.length} values; accepted: k * n = ${k * n} (or k arrays of n)`,
      );
    for (let i = 0; i < k; i++) rows.push(flat.slice(i * n, i * n + n));
  } else {
    if (!Array.isArray(given) || given.length !== k)
      fail(
        'INVALID_INPUT',
        `draftProbabilities is ${show(given)}; accepted: ${k} arrays of length ${n}, one per draft token`,
      );
    for (let i = 0; i < k; i++) {
      const row = (given as unknown[])[i];
      if (!isListLike(row) || row.length !== n)
        fail(
          'INVALID_INPUT',
          `draftProbabilities[${i}] (i = ${i}) is ${show(row)}; accepted: an array of length ${n}`,
        );
      rows.push(Float64Array.from(row as ArrayLike<number>));
    }
  }
  for (let i = 0; i < k; i++) {
    const r = rows[i]!;
    const eps =
      isFloat32Array(given) || isFloat32Array((given as unknown[])[i]) ? 2 ** -24 : 2 ** -53;
    let sum = 0;
    for (let token = 0; token < n; token++) {
      const value = r[token]!;
      if (!(value >= 0))
        fail(
          'INVALID_INPUT',
          `draftProbabilities[${i}] (i = ${i}) has ${show(value)} at token ${token}; accepted: probabilities >= 0`,
        );
      sum += value;
    }
    if (!(Math.abs(sum - 1) <= sumBound(n, eps)))
      fail(
        'INVALID_INPUT',
        `draftProbabilities[${i}] (i = ${i}) sums to ${sum}; accepted: a distribution (sum within ${sumBound(n, eps)} of 1)`,
      );
    if (!(r[draft[i]!]! > 0))
      fail(
        'INVALID_INPUT',
        `draftProbabilities[${i}][${draft[i]}] (i = ${i}) is 0: the draft cannot have drawn token ${draft[i]}`,
      );
  }
  return { draft, rows };
}

/** SPEC step 4 on a distribution `w` (any scale): first index with C_i > u * S, else the last with w > 0. */
function drawIndex(w: ArrayLike<number>, n: number, u: number): number {
  let total = 0;
  for (let token = 0; token < n; token++) total += w[token]!;
  const target = u * total;
  let sum = 0;
  let last = -1;
  for (let token = 0; token < n; token++) {
    const value = w[token]!;
    if (value <= 0) continue;
    sum += value;
    last = token;
    if (sum > target) return token;
  }
  return last;
}

/**
 * The steps of `verify`: target row `i` is processed (the history followed by `d_0 .. d_{i-1}`)
 * and turned into `p_i` only when `d_{i-1}` was accepted, so no row past the first rejection is
 * ever computed.
 */
export function* verifySteps(
  input: SamplerInput,
  options: VerifyOptions,
  synchronous = false,
): DecodingSteps<VerifyResult> {
  if (typeof options !== 'object' || options === null)
    fail('INVALID_INPUT', `verify options are ${show(options)}; accepted: an object with draft`);
  const {
    draft: _draft,
    draftProbabilities: _probabilities,
    seed: givenSeed,
    row: givenRow,
    step: givenStep,
    history: givenHistory,
    shape,
    ...sampling
  } = options;
  if (sampling.xtcProbability !== undefined && sampling.xtcProbability !== 0)
    fail(
      'INVALID_INPUT',
      "verify refuses xtcProbability: XTC's coin would share v with the correction draw",
    );
  // Rows are read one by one after awaits: an asynchronous call works on a snapshot.
  const plan = readPlan(input, { shape, seed: 0 }, !synchronous);
  const logits = { rows: plan.rows, n: plan.n, flat: plan.logits };
  const { rows, n } = logits;
  const { draft, rows: r } = readDraft(options, n);
  const k = draft.length;
  if (rows !== k + 1)
    fail(
      'INVALID_INPUT',
      `verify needs k + 1 = ${k + 1} rows of target logits for ${k} draft tokens, got ${rows}`,
    );
  if (
    givenSeed !== undefined &&
    (typeof givenSeed !== 'number' || !Number.isSafeInteger(givenSeed))
  )
    fail('INVALID_INPUT', `seed is ${show(givenSeed)}; accepted: a safe integer`);
  const seed = givenSeed ?? drawSeed();
  const keyRow = givenRow ?? 0;
  if (typeof keyRow !== 'number' || !Number.isInteger(keyRow) || keyRow < 0 || keyRow >= 2 ** 32)
    fail('INVALID_INPUT', `row is ${show(keyRow)}; accepted: an integer in [0, 2^32)`);
  const step = givenStep ?? 0;
  if (
    typeof step !== 'number' ||
    !Number.isSafeInteger(step) ||
    step < 0 ||
    !Number.isSafeInteger(step + k)
  )
    fail('INVALID_INPUT', `step is ${show(step)}; accepted: a safe integer >= 0`);
  let history: number[] | undefined;
  if (givenHistory !== undefined) {
    if (!isListLike(givenHistory) || (Array.isArray(givenHistory) && isListLike(givenHistory[0])))
      fail('INVALID_INPUT', `history is ${show(givenHistory)}; accepted: one list of token ids`);
    history = Array.from(givenHistory as TokenHistory);
  }
  const tokens: number[] = [];
  const logprobs: number[] = [];
  const pair = new Float64Array(2);
  for (let i = 0; i <= k; i++) {
    const sampled = (yield {
      kind: 'sample',
      input: logits.flat.subarray(i * n, (i + 1) * n),
      options: {
        ...sampling,
        ...(history === undefined && i === 0
          ? {}
          : { history: [...(history ?? []), ...draft.subarray(0, i)] }),
        seed,
        draws: 0,
        q: true,
      },
    }) as SampleResult;
    const p = sampled.rows[0]!.q!;
    uniformPairAt(seed, keyRow, step + i, pair);
    if (i === k) {
      const bonus = drawIndex(p, n, pair[0]!);
      tokens.push(bonus);
      logprobs.push(Math.log(p[bonus]!));
      break;
    }
    const d = draft[i]!;
    const ri = r[i]!;
    if (pair[0]! * ri[d]! < p[d]!) {
      tokens.push(d);
      logprobs.push(Math.log(p[d]!));
      continue;
    }
    // Rejected: the correction from max(0, p - r), renormalised (by rounding empty: p), drawn
    // with the second output v of this same generator call.
    const residual = new Float64Array(n);
    let mass = 0;
    for (let token = 0; token < n; token++) {
      const value = p[token]! - ri[token]!;
      if (value > 0) {
        residual[token] = value;
        mass += value;
      }
    }
    const correction = drawIndex(mass > 0 ? residual : p, n, pair[1]!);
    tokens.push(correction);
    logprobs.push(Math.log(p[correction]!));
    break;
  }
  return {
    accepted: tokens.length - 1,
    tokens: Int32Array.from(tokens),
    logprobs: Float64Array.from(logprobs),
    seed,
  };
}
