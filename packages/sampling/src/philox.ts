/**
 * Philox4x32-10, the counter-based generator of Salmon, Moraes, Dror and Shaw, "Parallel random
 * numbers: as easy as 1, 2, 3" (SC 2011), as specified in the Random123 library: a 128-bit
 * counter and a 64-bit key give 128 random bits, with no state carried between calls. So a
 * draw depends only on its key `(seed, row, step)`, never on what was drawn before it, the batch
 * size or the call order.
 *
 * Written with 32-bit integer arithmetic (`Math.imul` and exact float64 products of 16-bit
 * halves): no BigInt.
 *
 * @packageDocumentation
 */

const M0 = 0xd2511f53;
const M1 = 0xcd9e8d57;
const W0 = 0x9e3779b9;
const W1 = 0xbb67ae85;
const TWO_32 = 4294967296;

/** High 32 bits of the 64-bit product of two unsigned 32-bit integers, exactly. */
function mulHigh(a: number, b: number): number {
  // a = aHigh * 2^16 + aLow. aLow * b and aHigh * b are below 2^48, so exact in float64.
  const aLow = a & 0xffff;
  const aHigh = a >>> 16;
  const low = aLow * b;
  const high = aHigh * b; // a * b = high * 2^16 + low
  const highTop = Math.floor(high / 65536);
  const highBottom = high - highTop * 65536; // high = highTop * 2^16 + highBottom
  // a * b = highTop * 2^32 + (highBottom * 2^16 + low), the second term below 2^49: exact.
  return (highTop + Math.floor((highBottom * 65536 + low) / TWO_32)) >>> 0;
}

/**
 * Philox4x32 with 10 rounds: writes the four 32-bit output words for counter
 * `(c0, c1, c2, c3)` and key `(k0, k1)` (all unsigned 32-bit integers) into `out`.
 *
 * Checked against Random123's published known-answer vectors (`kat_vectors`) in the tests.
 *
 * @example
 * ```ts
 * const out = new Uint32Array(4);
 * philox4x32(0, 0, 0, 0, 0, 0, out); // out = [0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8]
 * ```
 */
export function philox4x32(
  c0: number,
  c1: number,
  c2: number,
  c3: number,
  k0: number,
  k1: number,
  out: Uint32Array,
): Uint32Array {
  let x0 = c0 >>> 0;
  let x1 = c1 >>> 0;
  let x2 = c2 >>> 0;
  let x3 = c3 >>> 0;
  let key0 = k0 >>> 0;
  let key1 = k1 >>> 0;
  for (let round = 0; round < 10; round++) {
    if (round > 0) {
      key0 = (key0 + W0) >>> 0;
      key1 = (key1 + W1) >>> 0;
    }
    const high0 = mulHigh(M0, x0);
    const low0 = Math.imul(M0, x0) >>> 0;
    const high1 = mulHigh(M1, x2);
    const low1 = Math.imul(M1, x2) >>> 0;
    x0 = (high1 ^ x1 ^ key0) >>> 0;
    x1 = low1;
    x2 = (high0 ^ x3 ^ key1) >>> 0;
    x3 = low0;
  }
  out[0] = x0;
  out[1] = x1;
  out[2] = x2;
  out[3] = x3;
  return out;
}

const words = new Uint32Array(4);

/** Low and high 32-bit words of a safe integer in 64-bit two's complement. */
function split64(value: number): [number, number] {
  const high = Math.floor(value / TWO_32);
  return [(value - high * TWO_32) >>> 0, high >>> 0];
}

/**
 * The uniform number in `[0, 1)` that SPEC's draw uses for key `(seed, row, step)`:
 * Philox4x32-10 with key = the seed as a 64-bit two's complement integer (low word first) and
 * counter = `(step low word, step high word, row, 0)`; the 64-bit output is word 1 (high) and
 * word 0 (low), and `u = (bits >>> 11) * 2^-53`. A per-row seed uses `row = 0`, so a row with
 * its own seed draws the same as that seed on a one-row call.
 *
 * `seed` is any safe integer, `row` an integer in `[0, 2^32)`, `step` a non-negative safe integer.
 *
 * @example
 * ```ts
 * uniformAt(7, 0, 0); // the u of the first draw of row 0 with seed 7
 * ```
 */
export function uniformAt(seed: number, row: number, step: number): number {
  const [key0, key1] = split64(seed);
  const [step0, step1] = split64(step);
  philox4x32(step0, step1, row, 0, key0, key1, words);
  const high = words[1]!;
  const low = words[0]!;
  // (bits >>> 11) = high * 2^21 + (low >>> 11), below 2^53.
  return (high * 2097152 + (low >>> 11)) * 2 ** -53;
}

/**
 * Both uniform numbers of one generator call for key `(seed, row, step)`, into `out`:
 * `out[0] = u` (words 1 (high) and 0 (low), exactly {@link uniformAt}) and `out[1] = v` (words 3
 * (high) and 2 (low), SPEC v1.1's second output: XTC's coin and `verify`'s correction draw).
 * No new counter: `v` comes from the same Philox4x32-10 call as `u`.
 *
 * @example
 * ```ts
 * const [u, v] = uniformPairAt(7, 0, 0, new Float64Array(2)); // u === uniformAt(7, 0, 0)
 * ```
 */
export function uniformPairAt(
  seed: number,
  row: number,
  step: number,
  out: Float64Array,
): Float64Array {
  const [key0, key1] = split64(seed);
  const [step0, step1] = split64(step);
  philox4x32(step0, step1, row, 0, key0, key1, words);
  out[0] = (words[1]! * 2097152 + (words[0]! >>> 11)) * 2 ** -53;
  out[1] = (words[3]! * 2097152 + (words[2]! >>> 11)) * 2 ** -53;
  return out;
}
