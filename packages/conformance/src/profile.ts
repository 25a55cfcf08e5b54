/**
 * The run profiles: how large the calls of the real-size cases (`accuracy.batch.*`,
 * `accuracy.split.*`) are. Every other case is the same in both. The profile is written into
 * every report, its JUnit properties and the summary, and each real-size case's title lists the
 * shapes it ran, so a report says what was checked.
 */

/** The profiles, in the order help texts list them. */
export const PROFILES = ['fast', 'full'] as const;

/** One of {@link PROFILES}. */
export type Profile = (typeof PROFILES)[number];

/** The profile a run gets when none is given (`runConformance`, the command line). */
export const DEFAULT_PROFILE: Profile = 'full';

/** `[rows, cols]` of one call. */
export type Shape = readonly [rows: number, cols: number];

/** What a profile runs. */
export interface ProfileSizes {
  /**
   * Batches of the sizes users run (`accuracy.batch.*`): every row checked against the
   * reference. Each has 64 to 256 rows or a vocabulary of 32k to 256k, and at least one has
   * several rows and 256k entries or more (where threaded backends split a batch), whatever the
   * backend declares.
   */
  readonly batches: readonly Shape[];
  /**
   * Row counts `k` of the calls at an `elements` threshold `E` (`accuracy.split.*`): `k` rows of
   * `ceil(E / k)` entries (at or past it) and, for `k > 1`, `k - 1` such rows (below it).
   */
  readonly splitRows: readonly number[];
}

/**
 * The sizes of each profile. `fast` is what CI runs on every backend (about 3M entries per
 * operation and dtype in the batches); `full` reaches 8M entries per call (256 x 32,768 and
 * 64 x 131,072) and more calls around each threshold.
 */
export const PROFILE_SIZES: { readonly [P in Profile]: ProfileSizes } = {
  fast: {
    batches: [
      [256, 1024],
      [64, 32_768],
      [2, 262_144],
    ],
    splitRows: [1, 2],
  },
  full: {
    batches: [
      [65, 4096],
      [256, 32_768],
      [64, 131_072],
      [16, 262_144],
    ],
    splitRows: [1, 2, 3, 64],
  },
};

/**
 * The most entries the suite puts in one call: a declared threshold beyond it cannot be checked
 * here and fails its case (a backend that declares it should be checked where memory allows).
 */
export const MAX_CALL_ELEMENTS = 2 ** 24;

/**
 * Reads a profile name, or null when it is not one.
 *
 * @example
 * ```ts
 * parseProfile('fast'); // 'fast'
 * parseProfile('quick'); // null
 * ```
 */
export function parseProfile(text: string): Profile | null {
  return (PROFILES as readonly string[]).includes(text) ? (text as Profile) : null;
}
