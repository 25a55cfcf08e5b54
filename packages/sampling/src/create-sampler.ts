import type { Softmax, SyncSoftmax } from '@softmax-kit/core';
import { SoftmaxError } from '@softmax-kit/core';
import {
  type CandidateScratch,
  candidateThreshold,
  type Gathered,
  gather,
  SAMPLE,
} from './candidates.js';
import { dryScratch } from './dry.js';
import { fail, isListLike, show } from './errors.js';
import { type ExtendedOptions, readExtendedOptions } from './extended-options.js';
import { uniformAt } from './philox.js';
import {
  type Floats,
  type ProcessingScratch,
  processRow,
  type RowScanResult,
  scanRow,
} from './process-logits.js';
import { rankedRow } from './ranked-row.js';
import { needsRankedTruncation, type RankedTruncation } from './ranked-truncation.js';
import { type LogitRows, readLogits } from './read-logits.js';
import { rowLists, rowNumbers } from './row-parameters.js';
import {
  BINS,
  type Binning,
  boundary,
  emptyPrefix,
  histogram,
  inPrefix,
  keepInPrefix,
  type Prefix,
  type SelectScratch,
  walk,
  wholeRow,
} from './select-prefix.js';
import type {
  AllowedTokens,
  LogitBias,
  SampledRow,
  SampleOptions,
  SampleResult,
  Sampler,
  SamplerInput,
  SyncSampler,
  TokenHistory,
} from './types.js';

/** The sampler type for a softmax instance: with `sampleSync` when the instance is synchronous. */
export type SamplerFor<S extends Softmax> = S extends SyncSoftmax ? SyncSampler : Sampler;

/** Buffers reused between calls; grown, never shrunk. */
class Workspace implements ProcessingScratch, SelectScratch, CandidateScratch {
  x: Floats = new Float64Array(0);
  p: Floats = new Float64Array(0);
  raw: Floats = new Float64Array(0);
  cumulative = new Float64Array(0);
  counts = new Int32Array(0);
  marks = new Uint8Array(0);
  candidates = new Int32Array(0);
  members = new Int32Array(0);
  ranked = new Int32Array(0);
  compactX = new Float64Array(0);
  compactP = new Float64Array(0);
  compactIndex = new Int32Array(0);
  readonly sample = new Float64Array(SAMPLE);
  readonly binCounts = new Int32Array(BINS);
  readonly binMass = new Float64Array(BINS);
  readonly dry = dryScratch();
  longest = new Int32Array(0);

  prepare(dtype: 'float32' | 'float64', total: number, n: number, raw: boolean): void {
    const Type = dtype === 'float32' ? Float32Array : Float64Array;
    if (!(this.x instanceof Type) || this.x.length < total) {
      this.x = new Type(total);
      this.p = new Type(total);
    }
    if (raw && (!(this.raw instanceof Type) || this.raw.length < total)) this.raw = new Type(total);
    if (this.cumulative.length < n) {
      this.cumulative = new Float64Array(n);
      this.counts = new Int32Array(n);
      this.marks = new Uint8Array(n);
      this.candidates = new Int32Array(n);
      this.members = new Int32Array(n);
      this.ranked = new Int32Array(n);
      this.compactX = new Float64Array(n);
      this.compactP = new Float64Array(n);
      this.compactIndex = new Int32Array(n);
      this.longest = new Int32Array(n).fill(-1);
    }
  }
}

const isPositiveInteger = (v: number) => Number.isSafeInteger(v) && v >= 1;
const isCount = (v: number) => Number.isSafeInteger(v) && v >= 0;
const isTemperature = (v: number) => v >= 0; // false for NaN
const isSingleList = (v: unknown) =>
  ArrayBuffer.isView(v) || (Array.isArray(v) && (v.length === 0 || typeof v[0] === 'number'));
const isSingleBias = (v: unknown) => v instanceof Map || isSingleList(v);

/** Everything read from the call before the backend runs. */
interface Plan {
  readonly logits: LogitRows;
  /** The processed logits x' (the scratch, or the caller's array when nothing changes them). */
  readonly x: Floats;
  readonly temperatures: Float64Array;
  readonly scans: RowScanResult[];
  readonly options: SampleOptions;
  readonly topK: (row: number) => number;
  readonly topP: (row: number) => number;
  readonly minP: (row: number) => number;
  readonly step: (row: number) => number;
  readonly draws: (row: number) => number;
  readonly topN: (row: number) => number;
  /** Per-row seeds, or the one seed. */
  readonly seeds: Float64Array | null;
  readonly seed: number;
  /** Whether any row needs the backend's softmax (rows with T = 0 do not). */
  readonly needsSoftmax: boolean;
  /** SPEC v1.1's options. */
  readonly extended: ExtendedOptions;
}

/** A row not scanned before the backend call: its max and counts are found later if needed. */
const unscanned = (): RowScanResult => ({
  available: -1,
  argmax: -1,
  max: Number.NaN,
  maxFinite: Number.NaN,
  positiveInfinities: 0,
});

function drawSeed(): number {
  const words = new Uint32Array(2);
  globalThis.crypto.getRandomValues(words);
  return (words[0]! & 0x1fffff) * 4294967296 + words[1]!; // 53 random bits: a safe integer
}

function plan(input: SamplerInput, options: SampleOptions, ws: Workspace, sync: boolean): Plan {
  if (typeof options !== 'object' || options === null)
    fail('INVALID_INPUT', `options are ${show(options)}; accepted: an object`);
  const logits = readLogits(input, options.shape);
  const { rows, n } = logits;
  const temperature = rowNumbers(
    options.temperature,
    rows,
    'temperature',
    1,
    isTemperature,
    'a number >= 0 (0 = greedy, Infinity = uniform)',
    'INVALID_TEMPERATURE',
  );
  const topK = rowNumbers(
    options.topK,
    rows,
    'topK',
    Number.POSITIVE_INFINITY,
    isPositiveInteger,
    'an integer >= 1',
  );
  const topP = rowNumbers(
    options.topP,
    rows,
    'topP',
    1,
    (v) => v > 0 && v <= 1,
    'a number in (0, 1]',
  );
  const minP = rowNumbers(
    options.minP,
    rows,
    'minP',
    0,
    (v) => v >= 0 && v <= 1,
    'a number in [0, 1]',
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
  const step = rowNumbers(options.step, rows, 'step', 0, isCount, 'a safe integer >= 0');
  const draws = rowNumbers(options.draws, rows, 'draws', 1, isCount, 'a safe integer >= 0');
  const topN = rowNumbers(options.topN, rows, 'topN', 0, isCount, 'a safe integer >= 0');
  const bias = rowLists<LogitBias>(options.bias, rows, 'bias', isSingleBias);
  const allowed = rowLists<AllowedTokens>(options.allowed, rows, 'allowed', isSingleList);
  const history = rowLists<TokenHistory>(options.history, rows, 'history', isSingleList);
  const extended = readExtendedOptions(options, rows, n);
  let seeds: Float64Array | null = null;
  let seed = 0;
  if (options.seed === undefined) seed = drawSeed();
  else if (typeof options.seed === 'number') {
    if (!Number.isSafeInteger(options.seed))
      fail('INVALID_INPUT', `seed is ${show(options.seed)}; accepted: a safe integer`);
    seed = options.seed;
  } else {
    if (!isListLike(options.seed))
      fail(
        'INVALID_INPUT',
        `seed is ${show(options.seed)}; accepted: a safe integer or one per row`,
      );
    const read = rowNumbers(options.seed, rows, 'seed', 0, Number.isSafeInteger, 'a safe integer');
    seeds = Float64Array.from({ length: rows }, (_, row) => read(row));
  }
  for (let row = 0; row < rows; row++) {
    const total = draws(row) + step(row);
    if (!Number.isSafeInteger(total))
      fail('INVALID_INPUT', `row ${row}: step + draws is beyond 2^53; accepted: a safe integer`);
  }

  ws.prepare(logits.dtype, rows * n, n, options.rawLogprobs === true);
  // The processed logits x' go to the scratch. A synchronous call that processes nothing reads
  // the logits where they are (nothing writes to them); an asynchronous one copies them, so a
  // caller changing its array while the backend works changes nothing.
  const processes =
    options.bias !== undefined || options.allowed !== undefined || options.history !== undefined;
  let x: Floats = logits.flat;
  if (processes || !sync) {
    x = ws.x;
    x.set(logits.flat.subarray(0, rows * n));
  }
  const temperatures = new Float64Array(rows);
  const scans: RowScanResult[] = [];
  let needsSoftmax = false;
  for (let row = 0; row < rows; row++) {
    const offset = row * n;
    processRow(
      x,
      offset,
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
      ws,
    );
    temperatures[row] = temperature(row);
    // A greedy row never reaches the backend, so it is checked in full here; min-p needs the
    // exact max. Other rows need no pass of their own: the backend rejects NaN and all-masked
    // rows (naming them), and the histogram works from an estimate of the max.
    const scan =
      temperatures[row] === 0 || minP(row) > 0
        ? scanRow(x, offset, n, row, temperatures[row] === 0, {} as RowScanResult)
        : unscanned();
    scans.push(scan);
    if (temperatures[row] !== 0) needsSoftmax = true;
  }
  return {
    logits,
    x,
    temperatures,
    scans,
    options,
    topK,
    topP,
    minP,
    step,
    draws,
    topN,
    seeds,
    seed,
    needsSoftmax,
    extended,
  };
}

const softmaxOptions = (plan: Plan, ws: Workspace) => {
  const total = plan.logits.rows * plan.logits.n;
  return {
    input: plan.x.subarray(0, total),
    options: {
      shape: [plan.logits.rows, plan.logits.n] as const,
      temperature: plan.temperatures,
      out: ws.p.subarray(0, total),
    },
  };
};

/**
 * top-k, then top-p, on `m` gathered tokens (`x`, `p` compact, in index order), as
 * {@link truncate} describes; `rowMass` is the whole row's mass (top-p alone renormalises over
 * every token, gathered or not). Indices in `prefix` and the scratch lists are compact.
 */
function selectWithin(
  x: Float64Array,
  p: Float64Array,
  m: number,
  scan: RowScanResult,
  t: number,
  topK: number,
  topP: number,
  rowMass: number,
  ws: Workspace,
  prefix: Prefix,
): void {
  const binning: Binning = { top: 0, scale: 0, total: 0, counted: false };
  if (topK < Number.POSITIVE_INFINITY) {
    histogram(x, p, 0, m, scan, t, ws, binning, topP < 1 ? 'both' : 'counts');
    const available = scan.available; // counted by the histogram
    prefix.length = available;
    if (topK < available) boundary(x, p, 0, m, binning, topK, Number.POSITIVE_INFINITY, ws, prefix);
    if (topP < 1) {
      // The shortest prefix of what top-k kept with mass >= topP of that set's mass.
      if (topK >= available) {
        prefix.mass = binning.total;
        boundary(x, p, 0, m, binning, available, topP * prefix.mass, ws, prefix);
      } else if (prefix.ranked) {
        const target = topP * prefix.mass;
        walk(x, p, 0, ws.ranked.subarray(0, prefix.length), 0, 0, prefix.length, target, prefix);
        prefix.memberCount = keepInPrefix(x, 0, ws.members, prefix.memberCount, prefix);
        prefix.length = prefix.memberCount;
      } else {
        const target = topP * prefix.mass;
        histogram(x, p, 0, m, scan, t, ws, binning, 'both');
        boundary(x, p, 0, m, binning, topK, target, ws, prefix);
      }
    }
  } else if (topP < 1) {
    // top-p alone: the bins need only masses.
    histogram(x, p, 0, m, scan, t, ws, binning, 'mass');
    boundary(x, p, 0, m, binning, Number.POSITIVE_INFINITY, topP * rowMass, ws, prefix);
  }
}

/** The kept set of a row (SPEC step 3) as a prefix of its ranking. */
function truncate(plan: Plan, row: number, ws: Workspace, prefix: Prefix): Prefix {
  const { n } = plan.logits;
  const offset = row * n;
  const scan = plan.scans[row]!;
  const x = plan.x;
  const p = ws.p;
  const topP = plan.topP(row);
  const minP = plan.minP(row);
  const t = plan.temperatures[row]!;
  const topK = plan.topK(row);
  wholeRow(scan, n, prefix);
  if (topK < Number.POSITIVE_INFINITY || topP < 1) {
    // Gather a ranking prefix that surely holds the kept set (checked, else gathered again
    // lower), then select inside it: one pass over the row instead of two.
    const gathered: Gathered = { count: 0, mass: 0, total: 0 };
    let threshold = Number.NEGATIVE_INFINITY;
    for (let attempt = 0; ; attempt++) {
      threshold = candidateThreshold(x, offset, n, t, topK, topP, attempt, ws.sample);
      gather(x, p, offset, n, threshold, topK === Number.POSITIVE_INFINITY, ws, gathered);
      if (threshold === Number.NEGATIVE_INFINITY) break;
      if (
        topK < Number.POSITIVE_INFINITY
          ? gathered.count >= topK
          : gathered.mass >= topP * gathered.total
      )
        break;
    }
    const m = gathered.count;
    const within: RowScanResult = {
      available: -1,
      argmax: -1,
      max: Number.NaN,
      maxFinite: Number.NaN,
      positiveInfinities: 0,
    };
    wholeRow(within, m, prefix);
    selectWithin(ws.compactX, ws.compactP, m, within, t, topK, topP, gathered.total, ws, prefix);
    // Back to row indices.
    const index = ws.compactIndex;
    if (prefix.threshold === Number.NEGATIVE_INFINITY) {
      // Everything gathered is kept: the tokens >= the gather threshold.
      prefix.threshold = threshold;
      prefix.lastTie = n;
      prefix.length = m;
      prefix.memberCount = m;
      ws.members.set(index.subarray(0, m));
      prefix.ranked = false;
    } else {
      prefix.lastTie = index[prefix.lastTie]!;
      for (let k = 0; k < prefix.memberCount; k++) ws.members[k] = index[ws.members[k]!]!;
      if (prefix.ranked)
        for (let k = 0; k < prefix.length; k++) ws.ranked[k] = index[ws.ranked[k]!]!;
    }
    if (threshold === Number.NEGATIVE_INFINITY) scan.available = m;
  }
  if (minP > 0) {
    // SPEC: keep (x'_i - m')/T >= log(minP): an upper set of x', so a ranking prefix with all
    // its ties. With m' = +Infinity only the +Infinity tokens have probability.
    const logMinP = Math.log(minP);
    const t = plan.temperatures[row]!;
    const max = scan.max;
    let count = 0;
    let available = 0;
    let lowest = Number.POSITIVE_INFINITY;
    for (let token = 0; token < n; token++) {
      const value = x[offset + token]!;
      if (value === Number.NEGATIVE_INFINITY) continue;
      available++;
      const passes =
        max === Number.POSITIVE_INFINITY ? value === max : (value - max) / t >= logMinP;
      if (passes) {
        count++;
        if (value < lowest) lowest = value;
      }
    }
    if (prefix.length < 0) prefix.length = available;
    if (count < prefix.length) {
      prefix.length = count;
      prefix.threshold = lowest;
      prefix.lastTie = n;
      prefix.mass = Number.NaN;
      if (prefix.memberCount >= 0)
        prefix.memberCount = keepInPrefix(x, offset, ws.members, prefix.memberCount, prefix);
    }
  }
  return prefix;
}

/**
 * C_i = sum of p_j over kept j <= i, in index order, into `cumulative` (over the listed members
 * for a small prefix, else over the row); returns S = the last C. q = p / S on the kept set;
 * the factor 1/S cancels in SPEC's C_i > u * S, so C is summed from p.
 */
function cumulate(
  x: Floats,
  p: Floats,
  offset: number,
  n: number,
  prefix: Prefix,
  ws: Workspace,
): number {
  const cumulative = ws.cumulative;
  let sum = 0;
  if (prefix.memberCount >= 0) {
    const members = ws.members;
    for (let k = 0; k < prefix.memberCount; k++) {
      sum += p[offset + members[k]!]!;
      cumulative[k] = sum;
    }
  } else if (prefix.threshold === Number.NEGATIVE_INFINITY) {
    for (let token = 0; token < n; token++) {
      sum += p[offset + token]!; // p = 0 exactly at -Infinity
      cumulative[token] = sum;
    }
  } else {
    const { threshold, lastTie } = prefix;
    for (let token = 0; token < n; token++) {
      const value = x[offset + token]!;
      if (value > threshold || (value === threshold && token <= lastTie)) sum += p[offset + token]!;
      cumulative[token] = sum;
    }
  }
  return sum;
}

/** Sum of p over the kept tokens (p is exactly 0 at -Infinity, so a whole row sums every p). */
function keptMass(x: Floats, p: Floats, offset: number, n: number, prefix: Prefix): number {
  let sum = 0;
  if (prefix.threshold === Number.NEGATIVE_INFINITY) {
    for (let token = 0; token < n; token++) sum += p[offset + token]!;
    return sum;
  }
  const { threshold, lastTie } = prefix;
  for (let token = 0; token < n; token++) {
    const value = x[offset + token]!;
    if (value > threshold || (value === threshold && token <= lastTie)) sum += p[offset + token]!;
  }
  return sum;
}

/**
 * Count and mass of a whole row into `prefix`: -Infinity has p = 0 exactly, so only zeros are
 * looked at; four running sums pipeline. (A function of its own: it optimises on its own.)
 */
function wholeMass(x: Floats, p: Floats, offset: number, n: number, prefix: Prefix): void {
  let masked = 0;
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let token = offset;
  const end = offset + n;
  for (const stop = end - 3; token < stop; token += 4) {
    const a = p[token]!;
    const b = p[token + 1]!;
    const c = p[token + 2]!;
    const d = p[token + 3]!;
    s0 += a;
    s1 += b;
    s2 += c;
    s3 += d;
    if (a === 0 || b === 0 || c === 0 || d === 0)
      for (let k = token; k < token + 4; k++)
        if (p[k] === 0 && x[k] === Number.NEGATIVE_INFINITY) masked++;
  }
  for (; token < end; token++) {
    s0 += p[token]!;
    if (p[token] === 0 && x[token] === Number.NEGATIVE_INFINITY) masked++;
  }
  prefix.length = n - masked;
  prefix.mass = s0 + s1 + (s2 + s3);
}

/** Sum of p over listed tokens (index order). */
function membersMass(members: Int32Array, count: number, p: Floats, offset: number): number {
  let sum = 0;
  for (let k = 0; k < count; k++) sum += p[offset + members[k]!]!;
  return sum;
}

/** Position in `members` of the first listed token whose running sum of p exceeds `target`, else -1. */
function scanMembers(
  members: Int32Array,
  count: number,
  p: Floats,
  offset: number,
  target: number,
): number {
  let sum = 0;
  for (let k = 0; k < count; k++) {
    sum += p[offset + members[k]!]!;
    if (sum > target) return k;
  }
  return -1;
}

/** First kept token in index order whose running sum of p exceeds `target`, else -1. */
function scanAbove(
  x: Floats,
  p: Floats,
  offset: number,
  n: number,
  prefix: Prefix,
  target: number,
): number {
  const { threshold, lastTie } = prefix;
  let sum = 0;
  if (threshold === Number.NEGATIVE_INFINITY) {
    for (let token = 0; token < n; token++) {
      sum += p[offset + token]!;
      if (sum > target) return token;
    }
    return -1;
  }
  // Up to lastTie a token equal to the threshold is kept, after it not: two loops with one
  // comparison each (p times +(kept), 0 or 1: no unpredictable branch).
  const split = Math.min(lastTie + 1, n);
  for (let token = 0; token < split; token++) {
    sum += p[offset + token]! * +(x[offset + token]! >= threshold);
    if (sum > target) return token;
  }
  for (let token = split; token < n; token++) {
    sum += p[offset + token]! * +(x[offset + token]! > threshold);
    if (sum > target) return token;
  }
  return -1;
}

/** The last kept token in index order (SPEC's fallback when rounding leaves no C_i > u * S). */
function lastKept(x: Floats, offset: number, n: number, prefix: Prefix, ws: Workspace): number {
  if (prefix.memberCount >= 0) return ws.members[prefix.memberCount - 1]!;
  for (let token = n - 1; token >= 0; token--)
    if (
      x[offset + token] !== Number.NEGATIVE_INFINITY &&
      inPrefix(prefix, x[offset + token]!, token)
    )
      return token;
  return -1;
}

function greedyRow(
  plan: Plan,
  row: number,
  draws: number,
  rawLogprobs: Float64Array | undefined,
): SampledRow {
  // Greedy: the lowest index among the maxima of x', whatever the seed; q is one-hot there.
  const { n } = plan.logits;
  const argmax = plan.scans[row]!.argmax;
  const options = plan.options;
  const q = options.q === true ? new Float64Array(n) : undefined;
  if (q) q[argmax] = 1;
  return {
    tokens: new Int32Array(draws).fill(argmax),
    logprobs: new Float64Array(draws),
    kept: 1,
    ...(rawLogprobs ? { rawLogprobs } : {}),
    ...(plan.topN(row) > 0
      ? { top: { tokens: Int32Array.of(argmax), logprobs: Float64Array.of(0) } }
      : {}),
    ...(options.entropy === true ? { entropy: 0 } : {}),
    ...(q ? { q } : {}),
  };
}

/** A row's truncation parameters for the ranked path (SPEC v1.1). */
function rankedTruncation(plan: Plan, row: number): RankedTruncation {
  const numbers = plan.extended.numbers;
  return {
    temperature: plan.temperatures[row]!,
    topNSigma: numbers.topNSigma(row),
    topK: plan.topK(row),
    topP: plan.topP(row),
    minP: plan.minP(row),
    typicalP: numbers.typicalP(row),
    xtcThreshold: numbers.xtcThreshold(row),
    xtcProbability: numbers.xtcProbability(row),
    minKeep: numbers.minKeep(row),
  };
}

/** SPEC steps 3 to 5 for one row, from its processed logits and `p`. */
function finishRow(plan: Plan, row: number, ws: Workspace, raw: Floats | null): SampledRow {
  const { n } = plan.logits;
  const offset = row * n;
  const x = plan.x;
  const p = ws.p;
  const draws = plan.draws(row);
  const options = plan.options;
  const scan = plan.scans[row]!;
  const tokens = new Int32Array(draws);
  const logprobs = new Float64Array(draws);
  const rawFor = (list: Int32Array) => Float64Array.from(list, (token) => raw![offset + token]!);
  if (plan.temperatures[row] === 0) {
    const row0 = greedyRow(plan, row, draws, undefined);
    return raw ? { ...row0, rawLogprobs: rawFor(row0.tokens) } : row0;
  }
  if (plan.extended.truncates) {
    const truncation = rankedTruncation(plan, row);
    if (needsRankedTruncation(truncation)) {
      const ranked = rankedRow(x, p, offset, n, truncation, {
        seed: plan.seeds === null ? plan.seed : plan.seeds[row]!,
        streamRow: plan.seeds === null ? row : 0,
        step: plan.step(row),
        draws,
        topN: plan.topN(row),
        entropy: options.entropy === true,
        q: options.q === true,
      });
      return raw ? { ...ranked, rawLogprobs: rawFor(ranked.tokens) } : ranked;
    }
  }
  const prefix = truncate(plan, row, ws, emptyPrefix());
  const listed = prefix.memberCount >= 0;
  // A few draws from a large truncated prefix scan the row once each and stop at the token,
  // with S = the mass the selection summed; otherwise C is stored and searched.
  // A few draws scan (the row, or the listed tokens) once each and stop at the token, with S
  // the mass the selection summed; many draws store C once and search it.
  const scanning = draws <= 4;
  if (prefix.length < 0) {
    // The whole row, not yet counted: count it and sum its p in one pass.
    wholeMass(x, p, offset, n, prefix);
  }
  const total = !scanning
    ? cumulate(x, p, offset, n, prefix, ws)
    : Number.isNaN(prefix.mass)
      ? listed
        ? membersMass(ws.members, prefix.memberCount, p, offset)
        : keptMass(x, p, offset, n, prefix)
      : prefix.mass;
  const logTotal = Math.log(total);
  const fallback = lastKept(x, offset, n, prefix, ws);
  const span = listed ? prefix.memberCount : n;
  const seed = plan.seeds === null ? plan.seed : plan.seeds[row]!;
  const streamRow = plan.seeds === null ? row : 0;
  const first = plan.step(row);
  for (let draw = 0; draw < draws; draw++) {
    const u = uniformAt(seed, streamRow, first + draw);
    const at = !scanning
      ? firstAbove(ws.cumulative, span, u * total)
      : listed
        ? scanMembers(ws.members, prefix.memberCount, p, offset, u * total)
        : scanAbove(x, p, offset, n, prefix, u * total);
    const token = at < 0 ? fallback : listed ? ws.members[at]! : at;
    tokens[draw] = token;
    logprobs[draw] = Math.log(p[offset + token]!) - logTotal;
  }
  const kept = (token: number) =>
    x[offset + token] !== Number.NEGATIVE_INFINITY && inPrefix(prefix, x[offset + token]!, token);
  let entropy: number | undefined;
  if (options.entropy === true) {
    // H = -sum q log q = log S - (sum p log p) / S over the kept tokens with p > 0.
    let weighted = 0;
    for (let token = 0; token < n; token++) {
      const value = p[offset + token]!;
      if (value > 0 && kept(token)) weighted += value * Math.log(value);
    }
    entropy = Math.max(0, logTotal - weighted / total);
  }
  let q: Float64Array | undefined;
  if (options.q === true) {
    q = new Float64Array(n);
    for (let token = 0; token < n; token++) if (kept(token)) q[token] = p[offset + token]! / total;
  }
  let top: SampledRow['top'];
  const topN = plan.topN(row);
  if (topN > 0) {
    // The first topN of the ranking (all inside the kept prefix), in ranking order.
    const count = Math.min(topN, prefix.length);
    let list: Int32Array;
    if (prefix.ranked) list = ws.ranked.slice(0, count);
    else {
      const best = emptyPrefix();
      const binning = histogram(
        x,
        p,
        offset,
        n,
        scan,
        plan.temperatures[row]!,
        ws,
        { top: 0, scale: 0, total: 0, counted: false },
        'counts',
      );
      boundary(x, p, offset, n, binning, count, Number.POSITIVE_INFINITY, ws, best);
      list = best.ranked ? ws.ranked.slice(0, count) : collectRanked(x, offset, n, best, count);
    }
    top = {
      tokens: list,
      logprobs: Float64Array.from(list, (token) => Math.log(p[offset + token]!) - logTotal),
    };
  }
  return {
    tokens,
    logprobs,
    kept: prefix.length,
    ...(raw ? { rawLogprobs: rawFor(tokens) } : {}),
    ...(top ? { top } : {}),
    ...(entropy !== undefined ? { entropy } : {}),
    ...(q ? { q } : {}),
  };
}

/** The tokens of `prefix` sorted by rank (for a large top-N). */
function collectRanked(
  x: Floats,
  offset: number,
  n: number,
  prefix: Prefix,
  count: number,
): Int32Array {
  const list: number[] = [];
  for (let token = 0; token < n && list.length < count; token++) {
    const value = x[offset + token]!;
    if (value !== Number.NEGATIVE_INFINITY && inPrefix(prefix, value, token)) list.push(token);
  }
  list.sort((a, b) => x[offset + b]! - x[offset + a]! || a - b);
  return Int32Array.from(list);
}

/** First index below `n` with `cumulative[i] > target` (binary search), else -1 (SPEC step 4). */
function firstAbove(cumulative: Float64Array, n: number, target: number): number {
  if (!(n > 0 && cumulative[n - 1]! > target)) return -1;
  let low = 0;
  let high = n - 1;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (cumulative[middle]! > target) high = middle;
    else low = middle + 1;
  }
  return low;
}

function result(plan: Plan, ws: Workspace, raw: Floats | null): SampleResult {
  const rows: SampledRow[] = [];
  for (let row = 0; row < plan.logits.rows; row++) rows.push(finishRow(plan, row, ws, raw));
  return { rows, seed: plan.seeds === null ? plan.seed : Array.from(plan.seeds) };
}

const wrap = (error: unknown): SoftmaxError =>
  SoftmaxError.isInstance(error)
    ? error
    : new SoftmaxError('INVALID_INPUT', `sample: could not read the input (${String(error)})`, {
        cause: error,
      });

/**
 * A sampler on any `createSoftmax` instance: SPEC's "Sampling (v1)" steps (processing,
 * temperature, truncation, a seeded Philox4x32-10 draw) for a batch of rows in one backend
 * call. On a synchronous instance it also has `sampleSync`.
 *
 * The sampler keeps scratch buffers between calls (no per-call allocation of row-sized buffers
 * once they have grown), so reuse one sampler; concurrent calls each get their own buffers.
 *
 * @example
 * ```ts
 * import { createSoftmax } from '@softmax-kit/core';
 * import { tsBackend } from '@softmax-kit/backend-ts';
 * import { createSampler } from '@softmax-kit/sampling';
 *
 * const sampler = createSampler(await createSoftmax(tsBackend()));
 * const { rows, seed } = sampler.sampleSync([2, 1, 0.1], { topP: 0.9, seed: 7, draws: 20 });
 * rows[0].tokens; // 20 tokens from {0, 1}; the same for seed 7 on every backend
 * ```
 */
export function createSampler<S extends Softmax>(softmax: S): SamplerFor<S> {
  if (typeof softmax !== 'object' || softmax === null || typeof softmax.softmax !== 'function')
    fail('INVALID_INPUT', `createSampler needs a createSoftmax instance, got ${show(softmax)}`);
  const shared = new Workspace();
  let busy = false;
  const acquire = () => {
    if (busy) return { ws: new Workspace(), release: () => {} };
    busy = true;
    return {
      ws: shared,
      release: () => {
        busy = false;
      },
    };
  };

  const sample = async (
    input: SamplerInput,
    options: SampleOptions = {},
  ): Promise<SampleResult> => {
    const { ws, release } = acquire();
    try {
      const planned = plan(input, options, ws, false);
      const { rows, n } = planned.logits;
      const raw =
        options.rawLogprobs === true
          ? softmax.logSoftmax(planned.logits.flat.subarray(0, rows * n), {
              shape: [rows, n],
              out: ws.raw.subarray(0, rows * n),
              allMasked: 'zeros',
            })
          : null;
      if (planned.needsSoftmax) {
        const call = softmaxOptions(planned, ws);
        await softmax.softmax(call.input, call.options);
      }
      const rawValues = raw === null ? null : await raw;
      return result(planned, ws, rawValues);
    } catch (error) {
      throw wrap(error);
    } finally {
      release();
    }
  };

  const sync = softmax as unknown as Partial<SyncSoftmax>;
  if (typeof sync.softmaxSync !== 'function') return { sample } as SamplerFor<S>;
  const softmaxSync = sync.softmaxSync.bind(softmax);
  const logSoftmaxSync = sync.logSoftmaxSync!.bind(softmax);
  const sampleSync = (input: SamplerInput, options: SampleOptions = {}): SampleResult => {
    const { ws, release } = acquire();
    try {
      const planned = plan(input, options, ws, true);
      const { rows, n } = planned.logits;
      const raw =
        options.rawLogprobs === true
          ? logSoftmaxSync(planned.logits.flat.subarray(0, rows * n), {
              shape: [rows, n],
              out: ws.raw.subarray(0, rows * n),
              allMasked: 'zeros',
            })
          : null;
      if (planned.needsSoftmax) {
        const call = softmaxOptions(planned, ws);
        softmaxSync(call.input, call.options);
      }
      return result(planned, ws, raw);
    } catch (error) {
      throw wrap(error);
    } finally {
      release();
    }
  };
  return { sample, sampleSync } as unknown as SamplerFor<S>;
}
