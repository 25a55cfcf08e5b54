/**
 * `@softmax-kit/cli/verdict`: which backend to use, from bench reports. Pure (no `node:`
 * imports), so the CLI, `pnpm start` and the docs site in the browser share it.
 *
 * @packageDocumentation
 */

export { REDACTED_PATH, redactPaths, redactReport } from '@softmax-kit/conformance';
export {
  beats,
  DECISION_RULE,
  decideRuntime,
  describeDevice,
  factoryCall,
  formatBytes,
  formatElements,
  MIN_MARGIN,
  margin,
  PEER_LABELS,
  type PickRange,
  type Pooled,
  peerBeats,
  peerFacts,
  peerLabel,
  pool,
  type RuntimeVerdict,
  SAMPLING_SUBJECTS,
  type SamplingChoice,
  type SizeChoice,
  takeoverIndex,
  type VerdictInputs,
  type VerdictRuntime,
} from './decide.js';
export { formatVerdict } from './format-verdict.js';
