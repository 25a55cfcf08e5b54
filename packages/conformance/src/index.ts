/**
 * The softmax-kit conformance suite: SPEC's checks as data (`buildCases`, `caseCatalog`), run
 * against any backend through the public API (`runConformance`), with JSON-serialisable
 * reports, JUnit XML (`toJUnit`) and a text summary (`formatSummary`). Framework-free and
 * browser-safe; the vitest adapter is at `@softmax-kit/conformance/vitest`, the Node helpers
 * (report files, backend loading) at `@softmax-kit/conformance/node`.
 *
 * @packageDocumentation
 */

export type { RowBounds } from './bounds.js';
export { DERIVATION, ERROR_MODEL, gamma, rowBounds } from './bounds.js';
export type { CaseContext, CaseOutcome, ConformanceCase } from './case.js';
export { SkipCase } from './case.js';
export { DEFAULT_SIZES } from './cases/accuracy.js';
export { WORKED_EXAMPLES } from './cases/examples.js';
export type { CaseInfo, CatalogOptions } from './catalog.js';
export { buildCases, caseCatalog } from './catalog.js';
export { detectEnvironment } from './environment.js';
export { formatSummary } from './format-summary.js';
export type { PrecisionModel } from './precision.js';
export { precisionModel } from './precision.js';
export type { ReferenceRow } from './reference.js';
export { neumaierSum, REFERENCE_RELATIVE_ERROR, referenceRow } from './reference.js';
export type { CaseResult, CaseStatus, CheckGroup, ConformanceReport } from './report.js';
export { CHECK_GROUPS } from './report.js';
export type { Rng } from './rng.js';
export { createRng, seedFor } from './rng.js';
export type { ConformanceOptions, ConformanceSession, ProgressEvent } from './run-conformance.js';
export {
  createConformanceSession,
  DEFAULT_SEED,
  runConformance,
  skippedReport,
} from './run-conformance.js';
export { toJUnit } from './to-junit.js';
