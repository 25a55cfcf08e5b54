// The report formats are owned by their packages; the docs only read them.

export type {
  BenchReport,
  BenchResult,
  BenchSubjectInfo,
} from '../../../../packages/cli/src/bench-report.js';
export type {
  CaseResult,
  CaseStatus,
  CheckGroup,
  ConformanceReport,
} from '../../../../packages/conformance/src/report.js';
