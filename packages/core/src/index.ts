export type {
  Backend,
  BackendCapabilities,
  Dtype,
  FloatArray,
  KernelRequest,
  Operation,
  Precision,
  RowAheadRequest,
  RowPasses,
  RowScan,
  RowSplit,
  RowSplitRequest,
  RowStats,
  RowsAhead,
  SplitThreshold,
  SyncBackend,
} from './backend.js';
export { ROW_BLOCK, unitRoundoff } from './backend.js';
export { createSoftmax } from './create-softmax.js';
export type { SoftmaxErrorCode } from './errors.js';
export { ERROR_CODES, SoftmaxError } from './errors.js';
export type {
  CommonOptions,
  LogSumExpOptions,
  NestedNumbers,
  OutputFor,
  Softmax,
  SoftmaxFor,
  SoftmaxInput,
  SoftmaxOptions,
  SyncSoftmax,
} from './types.js';
