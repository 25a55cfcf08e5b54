/**
 * Float64 references for tests, computed straight from SPEC's formulas (never from the code
 * under test), and the float32 unit roundoff the tolerances are built from.
 */

/** Unit roundoff of float32, 2^-24: every tfjs device here computes in float32. */
export const U32 = 2 ** -24;

/** The largest entry of a row (a loop: spreading a million entries would overflow the stack). */
export function rowMaximum(row: ArrayLike<number>): number {
  let max = Number.NEGATIVE_INFINITY;
  for (let index = 0; index < row.length; index++) max = Math.max(max, row[index]!);
  return max;
}

/** SPEC softmax of one row in float64: exp((x - m)/T) / sum exp((x - m)/T). */
export function referenceSoftmax(row: ArrayLike<number>, temperature = 1): number[] {
  const max = rowMaximum(row);
  const weights = Array.from(row, (value) => Math.exp((value - max) / temperature));
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  return weights.map((weight) => weight / total);
}

/** SPEC log-softmax of one row in float64. */
export function referenceLogSoftmax(row: ArrayLike<number>, temperature = 1): number[] {
  const max = rowMaximum(row);
  const scaled = Array.from(row, (value) => (value - max) / temperature);
  const logTotal = Math.log(scaled.reduce((sum, z) => sum + Math.exp(z), 0));
  return scaled.map((z) => z - logTotal);
}

/** Largest relative error of `actual` against `expected` (entries where expected is 0 must be 0). */
export function maxRelativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let worst = 0;
  for (let index = 0; index < expected.length; index++) {
    const want = expected[index]!;
    const got = actual[index]!;
    if (Number.isNaN(got)) return Number.POSITIVE_INFINITY;
    if (want === 0) {
      if (got !== 0) return Number.POSITIVE_INFINITY;
      continue;
    }
    worst = Math.max(worst, Math.abs(got - want) / Math.abs(want));
  }
  return worst;
}

/** A deterministic pseudo-random generator (mulberry32) for reproducible test inputs. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed;
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
}
