/**
 * `score` (SPEC v1.1's decoding primitives): the log-probability of one target token per row,
 * their sum, the mean negative log-likelihood and the perplexity; prompt log-probabilities and
 * evaluation.
 *
 * @packageDocumentation
 */
import { SoftmaxError } from '@softmax-kit/core';
import type { FloatArray as Floats } from '@softmax-kit/core/internal';
import { describe as show, typedArrayName } from '@softmax-kit/core/internal';
import { isListLike } from './decoding-input.js';
import { DecodingScratch, type DecodingSteps } from './decoding-steps.js';
import { fail } from './errors.js';
import { readPlan } from './plan.js';
import type { SampleOptions, SampleResult, SamplerInput } from './types.js';

/** Options of `score`. */
export interface ScoreOptions {
  /** Shape `[rows, n]` of a flat input (default: one row). */
  readonly shape?: readonly [number, number];
  /** One target token id per row, integers in `[0, n)`. */
  readonly targets: readonly number[] | Int32Array | Uint32Array;
  /**
   * Also score under the processed distribution `q` of these sampling parameters (processing,
   * temperature, truncation; a target the truncation drops scores `-Infinity`). XTC is refused:
   * its coin is random.
   */
  readonly processed?: Omit<SampleOptions, 'shape' | 'seed' | 'step' | 'draws'>;
}

/** Log-probabilities of the targets and their totals. */
export interface ScoreTotals {
  /** One per row (natural log). */
  readonly logprobs: Float64Array;
  /** Their sum (0 for no rows). */
  readonly sum: number;
  /** `-sum / rows` (0 for no rows). */
  readonly meanNll: number;
  /** `exp(meanNll)` (1 for no rows). */
  readonly perplexity: number;
}

/** What `score` returns: the raw totals (`logSoftmax(x)` at T = 1), and `processed` when asked. */
export interface ScoreResult extends ScoreTotals {
  readonly processed?: ScoreTotals;
}

/** Entries per backend call: large batches are scored in chunks of rows (bounded scratch). */
const CHUNK = 1 << 22;

function totals(logprobs: Float64Array): ScoreTotals {
  let sum = 0;
  for (const value of logprobs) sum += value;
  const meanNll = logprobs.length === 0 ? 0 : -sum / logprobs.length;
  return { logprobs, sum, meanNll, perplexity: Math.exp(meanNll) };
}

function readTargets(targets: ArrayLike<unknown> | unknown, rows: number, n: number): Int32Array {
  if (!isListLike(targets))
    fail('INVALID_INPUT', `targets are ${show(targets)}; accepted: one token id per row`);
  if (targets.length !== rows)
    fail('INVALID_INPUT', `targets has ${targets.length} ids for ${rows} rows; give one per row`);
  const ids = new Int32Array(rows);
  for (let row = 0; row < rows; row++) {
    const id = targets[row];
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || id >= n)
      fail(
        'INVALID_INPUT',
        `targets[${row}] (row ${row}) is ${show(id)}; accepted: a token id, an integer in [0, ${n})`,
      );
    ids[row] = id;
  }
  return ids;
}

/** A backend error about a row of a chunk, renamed to the row of the call. */
function renamed(error: unknown, first: number): unknown {
  if (!SoftmaxError.isInstance(error) || first === 0) return error;
  return new SoftmaxError(
    error.code,
    `score: in the chunk of rows starting at row ${first} (its rows count from there): ${error.message}`,
    { cause: error },
  );
}

/**
 * The steps of `score`: the raw log-probabilities from one log-softmax pass per row (at T = 1,
 * the backend's accurate `(x - m) - log1p(s)`, never `x - logSumExp(x)`) and a gather of the
 * targets; the processed ones, when asked, from the sampler's `q`.
 */
export function* scoreSteps(
  input: SamplerInput,
  options: ScoreOptions,
  synchronous = false,
  scratch: DecodingScratch = new DecodingScratch(),
): DecodingSteps<ScoreResult> {
  if (typeof options !== 'object' || options === null)
    fail('INVALID_INPUT', `score options are ${show(options)}; accepted: an object with targets`);
  const plan = readPlan(input, { shape: options.shape, seed: 0 }, false);
  const { rows, n } = plan;
  // An asynchronous call that reads the logits in several chunks (after awaits) works on a copy,
  // so that the caller changing its array meanwhile changes nothing; one chunk is read by the
  // backend call itself, which snapshots it.
  const chunk = Math.max(1, Math.floor(CHUNK / Math.max(n, 1)));
  const flat = !synchronous && rows > chunk ? plan.logits.slice(0, rows * n) : plan.logits;
  const targets = readTargets(options.targets, rows, n);
  const processed = options.processed;
  if (processed !== undefined) {
    if (typeof processed !== 'object' || processed === null)
      fail('INVALID_INPUT', `processed is ${show(processed)}; accepted: sampling options`);
    if (processed.xtcProbability !== undefined && processed.xtcProbability !== 0)
      fail('INVALID_INPUT', 'score refuses xtcProbability: XTC draws a coin, scores are exact');
  }
  const raw = new Float64Array(rows);
  const out = scratch.floats(
    typedArrayName(flat) === 'Float32Array' ? 'Float32Array' : 'Float64Array',
    Math.min(rows, chunk) * n,
  );
  for (let first = 0; first < rows; first += chunk) {
    const count = Math.min(chunk, rows - first);
    let values: Floats;
    try {
      values = (yield {
        kind: 'logSoftmax',
        input: flat.subarray(first * n, (first + count) * n),
        shape: [count, n],
        temperature: undefined,
        out: out.subarray(0, count * n),
      }) as Floats;
    } catch (error) {
      throw renamed(error, first);
    }
    for (let row = 0; row < count; row++)
      raw[first + row] = values[row * n + targets[first + row]!]!;
  }
  const result = totals(raw);
  if (processed === undefined || rows === 0) return result;
  const sampled = (yield {
    kind: 'sample',
    input: flat.subarray(0, rows * n),
    options: { ...processed, shape: [rows, n], seed: 0, draws: 0, q: true },
  }) as SampleResult;
  const logq = Float64Array.from(sampled.rows, (row, index) => Math.log(row.q![targets[index]!]!));
  return { ...result, processed: totals(logq) };
}
