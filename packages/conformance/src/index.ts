/**
 * The softmax-kit conformance suite: SPEC's checks as data (`buildCases`, `caseCatalog`), run
 * against any backend through the public API (`runConformance`), with JSON-serialisable
 * reports, JUnit XML (`toJUnit`) and a text summary (`formatSummary`). Framework-free and
 * browser-safe; the vitest adapter is at `@softmax-kit/conformance/vitest`, the Node helpers
 * (report files, backend loading, the command with its watchdog process) at
 * `@softmax-kit/conformance/node`, the list of built-in backends at
 * `@softmax-kit/conformance/backends`.
 *
 * @packageDocumentation
 */

export type { RowBounds } from './bounds.js';
export { DERIVATION, ERROR_MODEL, gamma, rowBounds } from './bounds.js';
export type { CaseContext, CaseOutcome, ConformanceCase } from './case.js';
export { SkipCase } from './case.js';
export { DEFAULT_SIZES } from './cases/accuracy.js';
export { WORKED_EXAMPLES } from './cases/examples.js';
export type { SplitCall } from './cases/real-size.js';
export { splitCalls } from './cases/real-size.js';
export { DRAW_COUNTS, SIZE_PROFILES } from './cases/sampling-sizes.js';
export type { CaseInfo, CatalogOptions } from './catalog.js';
export { buildCases, caseCatalog } from './catalog.js';
export { detectEnvironment } from './environment.js';
export { formatMarkdown, formatSummary } from './format-summary.js';
export type { PrecisionModel } from './precision.js';
export { precisionModel } from './precision.js';
export type { Profile, ProfileSizes, Shape } from './profile.js';
export {
  DEFAULT_PROFILE,
  MAX_CALL_ELEMENTS,
  PROFILE_SIZES,
  PROFILES,
  parseProfile,
} from './profile.js';
export { REDACTED_PATH, redactPaths, redactReport } from './redact-paths.js';
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
  NOT_RUN_AFTER_TIMEOUT,
  runConformance,
  skippedReport,
} from './run-conformance.js';
export type { TimeLimits } from './time-limits.js';
export {
  DEFAULT_TIME_LIMITS,
  formatMs,
  parseDuration,
  resolveTimeLimits,
  TIME_LIMIT_FLAGS,
  TIME_LIMIT_USAGE,
} from './time-limits.js';
export { toJUnit } from './to-junit.js';
