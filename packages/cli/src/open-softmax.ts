import {
  DEFAULT_TIME_LIMITS,
  TimeLimitExceeded,
  withTimeLimit,
} from '@softmax-kit/conformance/time-limits';
import { createSoftmax, type Softmax } from '@softmax-kit/core';
import type { CommandIo } from './commands/io.js';
import { loadBackendSource } from './load-backend.js';

/**
 * Loads a backend by name or module path and creates its instance within the init time limit,
 * for the commands that compute (`eval`, `sample`). An unavailable backend or one whose
 * `createSoftmax` never settles is reported on stderr and gives `null` (the command exits 1),
 * never a silent exit 0.
 *
 * @example
 * ```ts
 * const opened = await openSoftmax('ts', io);
 * if (opened === null) return 1;
 * ```
 */
export async function openSoftmax(
  backendSpec: string,
  io: CommandIo,
): Promise<{ id: string; sm: Softmax } | null> {
  const source = await loadBackendSource(backendSpec);
  if ('unavailable' in source) {
    io.stderr(`softmax-kit: backend '${source.id}' is unavailable: ${source.unavailable}\n`);
    return null;
  }
  const backend = source.backend;
  const sm = await withTimeLimit(
    () => createSoftmax(backend),
    DEFAULT_TIME_LIMITS.initMs,
    `createSoftmax(${source.id})`,
  ).catch((error: unknown) => {
    if (!(error instanceof TimeLimitExceeded)) throw error;
    io.stderr(`softmax-kit: backend '${source.id}': ${error.message}\n`);
    return null;
  });
  return sm === null ? null : { id: source.id, sm };
}
