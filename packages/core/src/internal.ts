/**
 * Internal entry point of core, shared by the softmax-kit packages built on it (the sampler,
 * the CLI, the conformance suite): input parsing, value descriptions, typed-array helpers, the
 * row passes, and one float64 test backend. Not part of the public API: it follows core's
 * version exactly and may change in any release.
 *
 * @packageDocumentation
 */
export {
  type FloatArray,
  ROW_BLOCK,
  type RowAheadRequest,
  type RowPasses,
  type RowSplit,
  type RowSplitRequest,
  type RowStats,
  type RowsAhead,
} from './backend.js';
export { describe, messageOf } from './describe.js';
export { float64Backend } from './float64-backend.js';
export { type InstanceInternals, internalsOf } from './instances.js';
export { type ParsedInput, parseInput } from './parse-input.js';
export { completeRowPasses, genericRowPasses } from './row-passes.js';
export {
  allocate,
  copyOf,
  floatDtypeOf,
  typedArrayName,
  typedLength,
} from './typed-arrays.js';
