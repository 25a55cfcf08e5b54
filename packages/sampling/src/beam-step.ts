/**
 * `beamStep` (SPEC v1.1's decoding primitives): one step of beam search. Every candidate
 * `(beam b, token t)` scores `s_b + log q_b(t)`; the best `width` come back, in order.
 *
 * @packageDocumentation
 */

import type { FloatArray as Floats } from '@softmax-kit/core/internal';
import { describe as show, typedArrayName } from '@softmax-kit/core/internal';
import { isListLike } from './decoding-input.js';
import { DecodingScratch, type DecodingSteps } from './decoding-steps.js';
import { fail } from './errors.js';
import { processRows } from './process-rows.js';
import type { SampleOptions, SampleResult, SamplerInput } from './types.js';

/** Options of `beamStep`: the beams' scores, the width, and SPEC's processing parameters. */
export interface BeamStepOptions
  extends Omit<
    SampleOptions,
    'seed' | 'step' | 'draws' | 'topN' | 'entropy' | 'rawLogprobs' | 'q'
  > {
  /** The beams' cumulative log-probabilities `s_b`, one per row (finite or `-Infinity`). */
  readonly scores: readonly number[] | Float64Array | Float32Array;
  /** How many candidates to return (an integer >= 1; default `2B`, Hugging Face's count). */
  readonly width?: number;
}

/** The best candidates, best first (ties by lower beam, then lower token). */
export interface BeamCandidates {
  readonly beams: Int32Array;
  readonly tokens: Int32Array;
  /** `s_b + log q_b(t)`. */
  readonly scores: Float64Array;
  /** `log q_b(t)`. */
  readonly logprobs: Float64Array;
}

/** Options that ask for a truncation (each at a value that changes something). */
const TRUNCATIONS = ['topK', 'topP', 'minP', 'topNSigma', 'typicalP', 'minKeep'] as const;

/**
 * The best `width` of a stream of candidates in `O(log width)` each: a heap whose root is the
 * worst kept candidate. Candidates arrive in (beam, token) order, so one that ties the root's
 * score is worse than it and is not taken.
 */
class Best {
  readonly score: Float64Array;
  readonly beam: Int32Array;
  readonly token: Int32Array;
  size = 0;
  constructor(readonly width: number) {
    this.score = new Float64Array(width);
    this.beam = new Int32Array(width);
    this.token = new Int32Array(width);
  }
  /** The score a candidate must exceed (once full). */
  get floor(): number {
    return this.size < this.width ? Number.NEGATIVE_INFINITY : this.score[0]!;
  }
  private worse(i: number, j: number): boolean {
    const a = this.score[i]!;
    const b = this.score[j]!;
    if (a !== b) return a < b;
    if (this.beam[i] !== this.beam[j]) return this.beam[i]! > this.beam[j]!;
    return this.token[i]! > this.token[j]!;
  }
  private swap(i: number, j: number): void {
    const s = this.score[i]!;
    this.score[i] = this.score[j]!;
    this.score[j] = s;
    const b = this.beam[i]!;
    this.beam[i] = this.beam[j]!;
    this.beam[j] = b;
    const t = this.token[i]!;
    this.token[i] = this.token[j]!;
    this.token[j] = t;
  }
  push(score: number, beam: number, token: number): void {
    let at: number;
    if (this.size < this.width) {
      at = this.size++;
      this.score[at] = score;
      this.beam[at] = beam;
      this.token[at] = token;
      while (at > 0) {
        const parent = (at - 1) >> 1;
        if (!this.worse(at, parent)) break;
        this.swap(at, parent);
        at = parent;
      }
      return;
    }
    this.score[0] = score;
    this.beam[0] = beam;
    this.token[0] = token;
    at = 0;
    for (;;) {
      const left = 2 * at + 1;
      const right = left + 1;
      let worst = at;
      if (left < this.size && this.worse(left, worst)) worst = left;
      if (right < this.size && this.worse(right, worst)) worst = right;
      if (worst === at) break;
      this.swap(at, worst);
      at = worst;
    }
  }
  /** The kept candidates, best first. */
  ordered(): number[] {
    const order = Array.from({ length: this.size }, (_, k) => k);
    return order.sort((i, j) => (this.worse(i, j) ? 1 : this.worse(j, i) ? -1 : 0));
  }
}

function readScores(scores: unknown, rows: number): Float64Array {
  if (!isListLike(scores))
    fail('INVALID_INPUT', `scores are ${show(scores)}; accepted: one number per beam`);
  if (scores.length !== rows)
    fail(
      'INVALID_INPUT',
      `scores has ${scores.length} values for ${rows} beams; give one per beam`,
    );
  const values = new Float64Array(rows);
  for (let row = 0; row < rows; row++) {
    const value = scores[row];
    if (typeof value !== 'number' || Number.isNaN(value) || value === Number.POSITIVE_INFINITY)
      fail(
        'INVALID_INPUT',
        `scores[${row}] (beam ${row}) is ${show(value)}; accepted: a finite number or -Infinity`,
      );
    values[row] = value;
  }
  return values;
}

/**
 * The steps of `beamStep`. Without a truncation, `log q_b` is one log-softmax pass per row of
 * the processed logits at the row's temperature, followed by one selection pass over every
 * candidate (a heap of `width`: no sort of the rows). With a truncation asked, or at `T = 0`
 * (where `q` is one-hot at the lowest index of the maxima), `log q_b` is the log of the
 * sampler's `q`.
 */
export function* beamStepSteps(
  input: SamplerInput,
  options: BeamStepOptions,
  synchronous = false,
  scratch: DecodingScratch = new DecodingScratch(),
): DecodingSteps<BeamCandidates> {
  if (typeof options !== 'object' || options === null)
    fail('INVALID_INPUT', `beamStep options are ${show(options)}; accepted: an object with scores`);
  if (options.xtcProbability !== undefined && options.xtcProbability !== 0)
    fail('INVALID_INPUT', 'beamStep refuses xtcProbability: beam search draws no coin');
  // Every read of the logits happens before the first yield (the backend call snapshots its
  // input), so even an asynchronous call reads them in place.
  void synchronous;
  const { plan, x, copied, temperatures } = processRows(input, options, false);
  const { rows, n } = plan;
  const logits = { flat: plan.logits };
  const scores = readScores(options.scores, rows);
  const width = options.width ?? 2 * rows;
  if (typeof width !== 'number' || !Number.isSafeInteger(width) || width < 1)
    fail('INVALID_INPUT', `width is ${show(width)}; accepted: an integer >= 1`);
  const kept = Math.min(width, rows * n);
  const truncates =
    TRUNCATIONS.some((name) => options[name] !== undefined) || temperatures.includes(0);
  let logq: Floats;
  if (rows === 0) logq = new Float64Array(0);
  else if (truncates) {
    const { scores: _scores, width: _width, ...sampling } = options;
    const sampled = (yield {
      kind: 'sample',
      input: logits.flat.subarray(0, rows * n),
      options: { ...sampling, shape: [rows, n], seed: 0, draws: 0, q: true },
    }) as SampleResult;
    logq = new Float64Array(rows * n);
    for (let row = 0; row < rows; row++) {
      const q = sampled.rows[row]!.q!;
      for (let token = 0; token < n; token++) logq[row * n + token] = Math.log(q[token]!);
    }
  } else {
    logq = (yield {
      kind: 'logSoftmax',
      input: x,
      shape: [rows, n],
      temperature: temperatures,
      // In place when x' is this call's own copy; else into a buffer of the input's dtype.
      out: copied
        ? x
        : scratch.floats(
            typedArrayName(x) === 'Float32Array' ? 'Float32Array' : 'Float64Array',
            rows * n,
          ),
    }) as Floats;
  }
  return select(logq, scores, rows, n, kept);
}

/**
 * The best `kept` candidates by `s_b + log q_b(t)` in one pass (a function of its own, outside
 * the generator, so that the engine optimises the loop).
 */
function select(
  logq: Floats,
  scores: Float64Array,
  rows: number,
  n: number,
  kept: number,
): BeamCandidates {
  const best = new Best(Math.max(kept, 1));
  for (let beam = 0; beam < rows; beam++) {
    const base = scores[beam]!;
    if (base === Number.NEGATIVE_INFINITY) continue;
    const offset = beam * n;
    let floor = best.floor;
    for (let token = 0; token < n; token++) {
      const score = base + logq[offset + token]!;
      if (score > floor) {
        best.push(score, beam, token);
        floor = best.floor;
      }
    }
  }
  const order = best.ordered();
  const count = order.length;
  const result = {
    beams: new Int32Array(count),
    tokens: new Int32Array(count),
    scores: new Float64Array(count),
    logprobs: new Float64Array(count),
  };
  order.forEach((k, rank) => {
    const beam = best.beam[k]!;
    const token = best.token[k]!;
    result.beams[rank] = beam;
    result.tokens[rank] = token;
    result.scores[rank] = best.score[k]!;
    result.logprobs[rank] = logq[beam * n + token]!;
  });
  return result;
}
