/**
 * SPEC step 1 (processing) and the temperatures of a batch, for the decoding primitives that
 * need the processed logits `x'` themselves (`beamStep` takes `log q` from a log-softmax of
 * `x'` at `T`, never from `q`, so its log-probabilities keep SPEC's accuracy).
 *
 * @packageDocumentation
 */
import { dryScratch } from './dry.js';
import { readExtendedOptions } from './extended-options.js';
import { type Floats, processRow } from './process-logits.js';
import { type LogitRows, readLogits } from './read-logits.js';
import { rowLists, rowNumbers } from './row-parameters.js';
import type {
  AllowedTokens,
  LogitBias,
  SampleOptions,
  SamplerInput,
  TokenHistory,
} from './types.js';

/** Processed rows: `x'` (a copy in the input's dtype) and one temperature per row. */
export interface ProcessedRows {
  readonly logits: LogitRows;
  readonly x: Floats;
  readonly temperatures: Float64Array;
}

const isSingleList = (v: unknown) =>
  ArrayBuffer.isView(v) || (Array.isArray(v) && (v.length === 0 || typeof v[0] === 'number'));
const isSingleBias = (v: unknown) => v instanceof Map || isSingleList(v);

/**
 * Reads the logits and the processing options once and returns `x'` for every row (bias,
 * allowed, penalties, DRY, over the penalty window), with each row's temperature. The same
 * checks and errors as the sampler's.
 *
 * @example
 * ```ts
 * processRows([1, 2, 3], { bias: [0, 0, -Infinity] }).x; // Float64Array [1, 2, -Infinity]
 * ```
 */
export function processRows(input: SamplerInput, options: SampleOptions): ProcessedRows {
  const logits = readLogits(input, options.shape);
  const { rows, n } = logits;
  const temperature = rowNumbers(
    options.temperature,
    rows,
    'temperature',
    1,
    (v) => v >= 0,
    'a number >= 0 (0 = greedy, Infinity = uniform)',
    'INVALID_TEMPERATURE',
  );
  const repetition = rowNumbers(
    options.repetitionPenalty,
    rows,
    'repetitionPenalty',
    1,
    (v) => v > 0 && v < Number.POSITIVE_INFINITY,
    'a finite number > 0',
  );
  const presence = rowNumbers(
    options.presencePenalty,
    rows,
    'presencePenalty',
    0,
    Number.isFinite,
    'a finite number',
  );
  const frequency = rowNumbers(
    options.frequencyPenalty,
    rows,
    'frequencyPenalty',
    0,
    Number.isFinite,
    'a finite number',
  );
  const bias = rowLists<LogitBias>(options.bias, rows, 'bias', isSingleBias);
  const allowed = rowLists<AllowedTokens>(options.allowed, rows, 'allowed', isSingleList);
  const history = rowLists<TokenHistory>(options.history, rows, 'history', isSingleList);
  const extended = readExtendedOptions(options, rows, n);
  const Type = logits.dtype === 'float32' ? Float32Array : Float64Array;
  const x = new Type(rows * n);
  x.set(logits.flat.subarray(0, rows * n));
  const scratch = {
    counts: new Int32Array(n),
    marks: new Uint8Array(n),
    dry: dryScratch(),
    longest: new Int32Array(n).fill(-1),
  };
  const temperatures = new Float64Array(rows);
  for (let row = 0; row < rows; row++) {
    temperatures[row] = temperature(row);
    processRow(
      x,
      row * n,
      n,
      row,
      {
        bias: bias(row),
        allowed: allowed(row),
        history: history(row),
        repetition: repetition(row),
        presence: presence(row),
        frequency: frequency(row),
        window: extended.numbers.penaltyWindow(row),
        dry: extended.dryOn ? extended.dry(row) : undefined,
      },
      scratch,
    );
  }
  return { logits, x, temperatures };
}
