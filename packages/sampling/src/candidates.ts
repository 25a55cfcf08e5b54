import type { Floats } from './process-logits.js';

/** Scratch for {@link gather}: compact copies of a row's candidates, reused between calls. */
export interface CandidateScratch {
  readonly compactX: Float64Array;
  readonly compactP: Float64Array;
  /** The original token index of each compact entry (increasing). */
  readonly compactIndex: Int32Array;
  /** Room for {@link SAMPLE} values. */
  readonly sample: Float64Array;
}

/** Entries of a row read to place the candidate threshold (a quarter of them for rows below 64k). */
export const SAMPLE = 512;

/**
 * A value below which no token of the kept set lies, probably: read from {@link SAMPLE} evenly
 * spaced entries of the row, sorted. Each stands for `n / SAMPLE` tokens, so top-k needs about
 * `k * SAMPLE / n` of them above the threshold and top-p the sampled mass (weights
 * `exp((x - top) / T)`) up to `topP`; the rank is widened for the sampling error, more on every
 * `attempt`. It is only a guess: the caller checks the gathered set (count >= k, mass >= topP
 * of the row) and retries lower, down to `-Infinity` (every token).
 */
export function candidateThreshold(
  x: Floats,
  offset: number,
  n: number,
  temperature: number,
  topK: number,
  topP: number,
  attempt: number,
  sample: Float64Array,
): number {
  // A quarter of the entries below 64k tokens: on short rows the sort and the exps would cost
  // a noticeable part of the call.
  const size = n >= 65_536 ? SAMPLE : SAMPLE / 4;
  if (n <= 8 * size || attempt >= 3) return Number.NEGATIVE_INFINITY;
  const stride = n / size;
  for (let j = 0; j < size; j++) sample[j] = x[offset + Math.floor(j * stride)]!;
  const sorted = sample.subarray(0, size).sort(); // ascending; -Infinity first
  const top = sorted[size - 1]!;
  if (!(Math.abs(top) < Number.POSITIVE_INFINITY)) return Number.NEGATIVE_INFINITY;
  let rank = 0;
  if (topK < Number.POSITIVE_INFINITY) rank = Math.ceil((topK * size) / n);
  if (topP < 1) {
    let total = 0;
    for (let j = 0; j < size; j++) total += weight(sorted[j]!, top, temperature);
    let cumulative = 0;
    let needed = size - 1;
    for (let r = 0; r < size; r++) {
      cumulative += weight(sorted[size - 1 - r]!, top, temperature);
      if (cumulative >= topP * total) {
        needed = r;
        break;
      }
    }
    rank = Math.max(rank, needed);
  }
  rank = Math.ceil(rank * (1.2 + attempt) + 6 * (attempt + 1));
  if (rank >= size - 1) return Number.NEGATIVE_INFINITY;
  return sorted[size - 1 - rank]!;
}

function weight(value: number, top: number, temperature: number): number {
  if (value === Number.NEGATIVE_INFINITY) return 0;
  if (temperature === Number.POSITIVE_INFINITY) return 1;
  return Math.exp((value - top) / temperature);
}

/** What {@link gather} found. */
export interface Gathered {
  /** Tokens gathered (all not `-Infinity`, `x >= threshold`). */
  count: number;
  /** Their sum of p, and the whole row's (only when asked). */
  mass: number;
  total: number;
}

/**
 * Copies the tokens with `x >= threshold` (never `-Infinity`) into the compact scratch, in index
 * order: one branch-free pass (every entry is written, the end advances when it is kept). The
 * set is a ranking prefix with all its ties, so a kept set inside it is found there exactly.
 */
export function gather(
  x: Floats,
  p: Floats,
  offset: number,
  n: number,
  threshold: number,
  withMass: boolean,
  scratch: CandidateScratch,
  into: Gathered,
): Gathered {
  const { compactX, compactP, compactIndex } = scratch;
  const floor = threshold === Number.NEGATIVE_INFINITY ? -Number.MAX_VALUE : threshold;
  // Pass 1: the indices, branch-free (each written, the end advances when kept), unrolled by
  // four; with the row's mass in four running sums (independent additions pipeline).
  let count = 0;
  let total = 0;
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let token = 0;
  for (; token + 3 < n; token += 4) {
    const at = offset + token;
    compactIndex[count] = token;
    count += +(x[at]! >= floor);
    compactIndex[count] = token + 1;
    count += +(x[at + 1]! >= floor);
    compactIndex[count] = token + 2;
    count += +(x[at + 2]! >= floor);
    compactIndex[count] = token + 3;
    count += +(x[at + 3]! >= floor);
    if (withMass) {
      s0 += p[at]!;
      s1 += p[at + 1]!;
      s2 += p[at + 2]!;
      s3 += p[at + 3]!;
    }
  }
  for (; token < n; token++) {
    compactIndex[count] = token;
    count += +(x[offset + token]! >= floor);
    if (withMass) s0 += p[offset + token]!;
  }
  total = s0 + s1 + (s2 + s3);
  // Pass 2, over the gathered only: their values and masses.
  let mass = 0;
  for (let k = 0; k < count; k++) {
    const token = offset + compactIndex[k]!;
    compactX[k] = x[token]!;
    const probability = p[token]!;
    compactP[k] = probability;
    mass += probability;
  }
  into.count = count;
  into.mass = mass;
  into.total = total;
  return into;
}
