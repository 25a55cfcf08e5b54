import type { ConformanceCase } from './case.js';
import { accuracyCases, DEFAULT_SIZES } from './cases/accuracy.js';
import { consistencyCases } from './cases/consistency.js';
import { determinismCases } from './cases/determinism.js';
import { disposedCase, errorCases } from './cases/errors.js';
import { exampleCases } from './cases/examples.js';
import { invarianceCases } from './cases/invariance.js';
import { orderCases } from './cases/order.js';
import { resourceCases } from './cases/resources.js';
import { stabilityCases } from './cases/stability.js';
import { temperatureCases } from './cases/temperature.js';
import type { CheckGroup } from './report.js';

/** Options of {@link buildCases}. */
export interface CatalogOptions {
  /** Row lengths of the accuracy group (default {@link DEFAULT_SIZES}). */
  readonly sizes?: readonly number[] | undefined;
}

/**
 * Every conformance case, in run order, for the given sizes. The order matters only at the end:
 * the resources cases run after all others and `errors.disposed` runs last (it disposes).
 *
 * @example
 * ```ts
 * buildCases({ sizes: [1, 1000] }).map((c) => c.id);
 * ```
 */
export function buildCases(options: CatalogOptions = {}): ConformanceCase[] {
  const sizes = options.sizes ?? DEFAULT_SIZES;
  return [
    ...exampleCases(),
    ...accuracyCases(sizes),
    ...stabilityCases(),
    ...invarianceCases(),
    ...temperatureCases(),
    ...consistencyCases(),
    ...orderCases(),
    ...determinismCases(),
    ...errorCases(),
    ...resourceCases(),
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
