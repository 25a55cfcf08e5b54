/**
 * The built-in backends the backend choice lists even before they have a report ("not
 * measured"), in the conformance package's order (default first), with the runtimes each one
 * works in: one list for the CLI, the conformance runner and these docs. A backend found in a
 * report but not in this list is listed after these.
 */
import { type BackendRuntime, BUILTIN_BACKENDS } from '@softmax-kit/conformance/backends';

export type Runtime = BackendRuntime;

export const KNOWN_BACKENDS = BUILTIN_BACKENDS;

/** The default backend: recommended unless another is clearly faster. */
export const DEFAULT_BACKEND = BUILTIN_BACKENDS[0]?.name ?? 'ts';
