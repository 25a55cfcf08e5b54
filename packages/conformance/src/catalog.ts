import type { ConformanceCase } from './case.js';
import { accuracyCases, DEFAULT_SIZES } from './cases/accuracy.js';
import { bufferCases } from './cases/buffers.js';
import { consistencyCases } from './cases/consistency.js';
import { determinismCases } from './cases/determinism.js';
import { backendInUseCase, disposedCase, errorCases } from './cases/errors.js';
import { everyLaneCases } from './cases/every-lane.js';
import { exampleCases } from './cases/examples.js';
import { invarianceCases } from './cases/invariance.js';
import { orderCases } from './cases/order.js';
import { realSizeCases } from './cases/real-size.js';
import { resourceCases } from './cases/resources.js';
import { samplingCases } from './cases/sampling.js';
import { samplingExtendedCases } from './cases/sampling-extended.js';
import { stabilityCases } from './cases/stability.js';
import { temperatureCases } from './cases/temperature.js';
import { DEFAULT_PROFILE, type Profile } from './profile.js';
import { CHECK_GROUPS, type CheckGroup } from './report.js';

/** Options of {@link buildCases}. */
export interface CatalogOptions {
  /** Row lengths of the accuracy group (default {@link DEFAULT_SIZES}). */
  readonly sizes?: readonly number[] | undefined;
  /** Sizes of the real-size cases (`accuracy.batch.*`, `accuracy.split.*`); default `'full'`. */
  readonly profile?: Profile | undefined;
}

/**
 * The cases of each group, by name. This and {@link CHECK_GROUPS} are the one list of groups:
 * to add a group, add its name to `CHECK_GROUPS` (before `resources`, which must run after all
 * others) and its builder here; TypeScript refuses a group missing from either.
 */
const GROUP_CASES: {
  readonly [G in CheckGroup]: (sizes: readonly number[], profile: Profile) => ConformanceCase[];
} = {
  examples: () => exampleCases(),
  accuracy: (sizes, profile) => [...accuracyCases(sizes), ...realSizeCases(profile)],
  stability: () => [...stabilityCases(), ...everyLaneCases()],
  invariance: () => invarianceCases(),
  temperature: () => temperatureCases(),
  consistency: () => consistencyCases(),
  order: () => orderCases(),
  determinism: () => determinismCases(),
  buffers: () => bufferCases(),
  sampling: (_sizes, profile) => [...samplingCases(undefined, profile), ...samplingExtendedCases()],
  errors: () => errorCases(),
  resources: () => resourceCases(),
};

/**
 * Every conformance case, in run order (the groups in {@link CHECK_GROUPS} order), for the given
 * sizes. The order matters only at the end: the resources cases run after all others, then
 * `errors.backend-in-use` and `errors.disposed` (which disposes the instance).
 *
 * @example
 * ```ts
 * buildCases({ sizes: [1, 1000] }).map((c) => c.id);
 * ```
 */
export function buildCases(options: CatalogOptions = {}): ConformanceCase[] {
  const sizes = options.sizes ?? DEFAULT_SIZES;
  const profile = options.profile ?? DEFAULT_PROFILE;
  return [
    ...CHECK_GROUPS.flatMap((group) => GROUP_CASES[group](sizes, profile)),
    backendInUseCase,
    disposedCase,
  ];
}

/** A case without its run function: what docs and reports list. */
export interface CaseInfo {
  readonly id: string;
  readonly group: CheckGroup;
  readonly title: string;
  readonly boundDerivation?: string;
}

/**
 * The catalogue of checks at the default sizes, for documentation.
 *
 * @example
 * ```ts
 * caseCatalog().filter((c) => c.group === 'stability').map((c) => c.title);
 * ```
 */
export function caseCatalog(options: CatalogOptions = {}): CaseInfo[] {
  return buildCases(options).map(({ id, group, title, boundDerivation }) => ({
    id,
    group,
    title,
    ...(boundDerivation === undefined ? {} : { boundDerivation }),
  }));
}
