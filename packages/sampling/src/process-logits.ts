import { applyDry, type DryParameters, type DryScratch } from './dry.js';
import { fail, isUint8Array, show } from './errors.js';
import type { AllowedTokens, LogitBias, TokenHistory } from './types.js';

/** A float buffer of either dtype. */
export type Floats = Float32Array | Float64Array;

/** What SPEC step 1 needs for one row. */
export interface RowProcessing {
  readonly bias: LogitBias | undefined;
  readonly allowed: AllowedTokens | undefined;
  readonly history: TokenHistory | undefined;
  readonly repetition: number;
  readonly presence: number;
  readonly frequency: number;
  /** SPEC v1.1: the penalties and DRY see the last `window` entries of the history (Infinity: all). */
  readonly window?: number;
  /** SPEC v1.1: DRY's parameters (off when absent or its multiplier is 0). */
  readonly dry?: DryParameters | undefined;
}

/** Scratch arrays of length `n` used by the processing, left all zero after every row. */
export interface ProcessingScratch {
  readonly counts: Int32Array;
  readonly marks: Uint8Array;
  /** DRY's scratch (SPEC v1.1), and its per-token longest match, all -1 between rows. */
  readonly dry?: DryScratch;
  readonly longest?: Int32Array;
}

const nanAt = (row: number, column: number): never =>
  fail(
    'NAN_INPUT',
    `row ${row} has NaN at column ${column}; logits must be numbers (±Infinity allowed)`,
  );

/**
 * SPEC step 1 on row `row` of `x` (at `offset`, length `n`), in place, in this order: bias,
 * allowed, penalties, DRY (SPEC v1.1; the penalties and DRY over the last `window` entries of
 * the history). Arithmetic is float64, stored in `x`'s dtype (so a float32 row keeps
 * float32 logits). A NaN logit is reported even where a ban would overwrite it.
 */
export function processRow(
  x: Floats,
  offset: number,
  n: number,
  row: number,
  processing: RowProcessing,
  scratch: ProcessingScratch,
): void {
  const { bias, allowed, history } = processing;
  if (bias !== undefined) applyBias(x, offset, n, row, bias);
  if (allowed !== undefined) applyAllowed(x, offset, n, row, allowed, scratch.marks);
  const dryOn = processing.dry !== undefined && processing.dry.multiplier > 0;
  const penalties =
    processing.repetition !== 1 || processing.presence !== 0 || processing.frequency !== 0;
  if (history === undefined || history.length === 0 || !(penalties || dryOn)) return;
  checkHistory(history, n, row);
  // SPEC v1.1: the penalties and DRY see only the last `window` entries.
  const end = history.length;
  const start = Math.max(0, end - (processing.window ?? Number.POSITIVE_INFINITY));
  if (penalties) applyPenalties(x, offset, row, history, start, processing, scratch.counts);
  if (dryOn)
    applyDry(x, offset, n, history, start, end, processing.dry!, scratch.dry!, scratch.longest!);
}

/** Every history id an integer in `[0, n)` (`INVALID_INPUT` naming row and position). */
function checkHistory(history: TokenHistory, n: number, row: number): void {
  const length = history.length;
  for (let position = 0; position < length; position++) {
    const token = history[position];
    if (typeof token !== 'number' || !Number.isInteger(token) || token < 0 || token >= n)
      fail(
        'INVALID_INPUT',
        `history of row ${row} has ${show(token)} at position ${position}; accepted: token ids, integers in [0, ${n})`,
      );
  }
}

function checkBiasValue(value: unknown, row: number, token: number): number {
  if (typeof value !== 'number' || Number.isNaN(value) || value === Number.POSITIVE_INFINITY)
    fail(
      'INVALID_INPUT',
      `bias of row ${row} at token ${token} is ${show(value)}; accepted: a finite number or -Infinity`,
    );
  return value;
}

function addBias(x: Floats, index: number, value: number, row: number, token: number): void {
  if (value === Number.NEGATIVE_INFINITY) {
    if (Number.isNaN(x[index]!)) nanAt(row, token);
    x[index] = Number.NEGATIVE_INFINITY; // a ban wins over a +Infinity logit
  } else {
    x[index] = x[index]! + value;
  }
}

function applyBias(x: Floats, offset: number, n: number, row: number, bias: LogitBias): void {
  if (bias instanceof Map) {
    const entries = [...(bias as ReadonlyMap<unknown, unknown>)];
    // Check every entry before changing the row.
    for (const [token, value] of entries) {
      if (typeof token !== 'number' || !Number.isInteger(token) || token < 0 || token >= n)
        fail(
          'INVALID_INPUT',
          `bias of row ${row} has token id ${show(token)}; accepted: integers in [0, ${n})`,
        );
      checkBiasValue(value, row, token);
    }
    for (const [token, value] of entries)
      addBias(x, offset + (token as number), value as number, row, token as number);
    return;
  }
  const dense = bias as ArrayLike<unknown>;
  if (dense.length !== n)
    fail(
      'INVALID_INPUT',
      `bias of row ${row} has length ${dense.length}; accepted: length ${n} (the row) or a Map`,
    );
  for (let token = 0; token < n; token++) checkBiasValue(dense[token], row, token);
  for (let token = 0; token < n; token++)
    addBias(x, offset + token, dense[token] as number, row, token);
}

function applyAllowed(
  x: Floats,
  offset: number,
  n: number,
  row: number,
  allowed: AllowedTokens,
  marks: Uint8Array,
): void {
  if (isUint8Array(allowed)) {
    if (allowed.length !== n)
      fail(
        'INVALID_INPUT',
        `allowed mask of row ${row} has length ${allowed.length}; accepted: length ${n}`,
      );
    for (let token = 0; token < n; token++) {
      const flag = allowed[token]!;
      if (flag !== 0 && flag !== 1)
        fail(
          'INVALID_INPUT',
          `allowed mask of row ${row} is ${flag} at token ${token}; accepted: 0 or 1`,
        );
    }
    for (let token = 0; token < n; token++) {
      if (allowed[token] === 1) continue;
      if (Number.isNaN(x[offset + token]!)) nanAt(row, token);
      x[offset + token] = Number.NEGATIVE_INFINITY;
    }
    return;
  }
  const ids = allowed as ArrayLike<unknown>;
  const count = ids.length;
  for (let position = 0; position < count; position++) {
    const token = ids[position];
    if (typeof token !== 'number' || !Number.isInteger(token) || token < 0 || token >= n) {
      for (let back = 0; back < position; back++) marks[ids[back] as number] = 0;
      fail(
        'INVALID_INPUT',
        `allowed of row ${row} has ${show(token)} at position ${position}; accepted: token ids, integers in [0, ${n})`,
      );
    }
    marks[token] = 1;
  }
  try {
    for (let token = 0; token < n; token++) {
      if (marks[token] === 1) continue;
      if (Number.isNaN(x[offset + token]!)) nanAt(row, token);
      x[offset + token] = Number.NEGATIVE_INFINITY;
    }
  } finally {
    for (let position = 0; position < count; position++) marks[ids[position] as number] = 0;
  }
}

function applyPenalties(
  x: Floats,
  offset: number,
  row: number,
  history: TokenHistory,
  start: number,
  processing: RowProcessing,
  counts: Int32Array,
): void {
  const length = history.length;
  for (let position = start; position < length; position++) counts[history[position]!]!++;
  const { repetition, presence, frequency } = processing;
  for (let position = start; position < length; position++) {
    const token = history[position]!;
    const count = counts[token]!;
    if (count === 0) continue; // already applied: once per distinct token
    counts[token] = 0;
    let value = x[offset + token]!;
    if (Number.isNaN(value)) {
      for (let rest = position + 1; rest < length; rest++) counts[history[rest]!] = 0;
      nanAt(row, token);
    }
    if (repetition !== 1) value = value > 0 ? value / repetition : value * repetition;
    x[offset + token] = value - presence - frequency * count;
  }
}

/** What a pass over one processed row finds (SPEC step 2 needs the max and its lowest index). */
export interface RowScanResult {
  /** Tokens not `-Infinity` (the most truncation can keep); -1 until counted. */
  available: number;
  /** Lowest index of the maximum of `x'`. */
  argmax: number;
  /** The maximum of `x'`. */
  max: number;
  /** Largest finite `x'` (NaN when the row has none). */
  maxFinite: number;
  /** Number of `+Infinity` entries (0 on the fast path, which has none). */
  positiveInfinities: number;
}

/** Max of `x[start, end)`, NaN ignored: four running maxima (independent, so they pipeline). */
function rowMax(x: Floats, start: number, end: number): number {
  let m0 = Number.NEGATIVE_INFINITY;
  let m1 = m0;
  let m2 = m0;
  let m3 = m0;
  let i = start;
  for (const stop = end - 3; i < stop; i += 4) {
    const a = x[i]!;
    const b = x[i + 1]!;
    const c = x[i + 2]!;
    const d = x[i + 3]!;
    if (a > m0) m0 = a;
    if (b > m1) m1 = b;
    if (c > m2) m2 = c;
    if (d > m3) m3 = d;
  }
  for (; i < end; i++) if (x[i]! > m0) m0 = x[i]!;
  return Math.max(m0, m1, m2, m3);
}

/**
 * One pass over a processed row for its max (and, on the full pass, the max's lowest index). A row whose max is
 * `+Infinity`, or that has no finite max, or `full` (a row the backend will not see, which has
 * to be checked here), takes the full pass: NaN (`NAN_INPUT`), every entry `-Infinity`
 * (`ALL_MASKED`), counts. On the fast path a NaN cannot raise the max and is left to the
 * backend call, which rejects it with `NAN_INPUT` naming row and column.
 */
export function scanRow(
  x: Floats,
  offset: number,
  n: number,
  row: number,
  full: boolean,
  into: RowScanResult,
): RowScanResult {
  if (!full) {
    const high = rowMax(x, offset, offset + n);
    if (high > Number.NEGATIVE_INFINITY && high < Number.POSITIVE_INFINITY) {
      into.available = -1;
      into.argmax = -1; // only greedy rows need it, and they take the full pass
      into.max = high;
      into.maxFinite = high;
      into.positiveInfinities = 0;
      return into;
    }
  }
  let available = 0;
  let argmax = -1;
  let max = Number.NEGATIVE_INFINITY;
  let maxFinite = Number.NEGATIVE_INFINITY;
  let positiveInfinities = 0;
  for (let token = 0; token < n; token++) {
    const value = x[offset + token]!;
    if (Number.isNaN(value)) nanAt(row, token);
    if (value > max) {
      max = value;
      argmax = token;
    }
    if (value === Number.NEGATIVE_INFINITY) continue;
    if (value === Number.POSITIVE_INFINITY) positiveInfinities++;
    else if (value > maxFinite) maxFinite = value;
    available++;
  }
  if (available === 0)
    fail(
      'ALL_MASKED',
      `row ${row}: every token is -Infinity or banned (bias, allowed); nothing to sample`,
    );
  into.available = available;
  into.argmax = argmax;
  into.max = max;
  into.maxFinite = available > positiveInfinities ? maxFinite : Number.NaN;
  into.positiveInfinities = positiveInfinities;
  return into;
}
