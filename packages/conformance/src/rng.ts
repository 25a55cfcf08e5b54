/**
 * A small seeded pseudo-random generator, so every run of the suite with the same seed sees the
 * same rows. Mulberry32 (Tommy Ettinger, public domain): a 32-bit state advanced by a Weyl
 * sequence (+0x6D2B79F5) and passed through an xorshift-multiply output mix. Not for
 * cryptography; 2^32 period, which is plenty for test rows.
 *
 * @example
 * ```ts
 * const rng = createRng(42);
 * rng.uniform(-1, 1); // the same number on every run
 * ```
 */
export interface Rng {
  /** A float64 uniform in [0, 1) with 53 random bits. */
  next(): number;
  /** Uniform in [low, high). */
  uniform(low: number, high: number): number;
  /** An integer uniform in [low, high] (inclusive). */
  int(low: number, high: number): number;
  /** A standard normal deviate (Box-Muller). */
  normal(): number;
}

/** Creates a {@link Rng} from a 32-bit seed. */
export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  const next32 = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  const next = (): number => ((next32() >>> 5) * 67108864 + (next32() >>> 6)) / 9007199254740992;
  return {
    next,
    uniform: (low, high) => low + (high - low) * next(),
    int: (low, high) => low + Math.floor(next() * (high - low + 1)),
    normal: () => {
      const u = 1 - next();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next());
    },
  };
}

/**
 * Mixes a run seed with a case id (FNV-1a over the id), so each case draws its own stream and
 * does not depend on which other cases ran before it.
 *
 * @example
 * ```ts
 * createRng(seedFor(1, 'invariance.shift.float32'));
 * ```
 */
export function seedFor(seed: number, label: string): number {
  let hash = 0x811c9dc5 ^ (seed >>> 0);
  for (let i = 0; i < label.length; i++) {
    hash ^= label.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
