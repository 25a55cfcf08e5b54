/**
 * Node-only helpers of the conformance suite: loading backends by name or module path, running
 * them (in a watchdog process) with reports written as JSON, JUnit and Markdown, reading
 * installed package versions; the command behind the `softmax-kit-conformance` bin and
 * `softmax-kit conformance`.
 *
 * @packageDocumentation
 */
export { BUILTIN_BACKENDS, type BuiltinBackend, REPORTED_PACKAGES } from './backends.js';
export {
  type CommandOptions,
  type CommandResult,
  expandBackendSpecs,
  guardExit,
  runConformanceCommand,
} from './command.js';
export {
  canIsolate,
  type IsolatedRunOutcome,
  type IsolatedRunSettings,
  runInProcess,
  runIsolated,
} from './isolated-run.js';
export {
  installedVersions,
  type LoadBackendOptions,
  type LoadedBackend,
  loadBackend,
} from './load-backend.js';
export {
  FILE_WRITE_LIMIT_MS,
  FileWriteError,
  prepareFile,
  prepareFolder,
  writeFileWithin,
} from './write-file.js';
export {
  findWorkspaceRoot,
  resolveReportDir,
  writeJsonReports,
  writeJUnitFile,
  writeMarkdownFile,
  writeReport,
} from './write-report.js';
