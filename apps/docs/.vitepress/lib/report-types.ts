// The report formats are owned by their packages; the docs only read them.
export type {
  BenchGoal,
  BenchReport,
  BenchResult,
  BenchSubjectInfo,
} from '@softmax-kit/cli/bench-report';
export type {
  CaseResult,
  CaseStatus,
  CheckGroup,
  ConformanceReport,
} from '@softmax-kit/conformance';
