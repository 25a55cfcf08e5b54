import { isModulePath, KNOWN_BACKENDS } from '../load-backend.js';
import { parseRows } from '../parse-rows.js';
import { UsageError } from '../usage-error.js';
import type { CommandIo } from './io.js';

/**
 * Checks a `--backend` value of the computing commands: a known name or a module path.
 *
 * @example
 * ```ts
 * checkBackendSpec('ts', 'eval'); // ok; 'tfjs-gpu' throws a UsageError listing the known names
 * ```
 */
export function checkBackendSpec(spec: string, command: string): void {
  if (isModulePath(spec) || (KNOWN_BACKENDS as readonly string[]).includes(spec)) return;
  throw new UsageError(
    `unknown backend '${spec}' (known: ${KNOWN_BACKENDS.join(', ')}, or a module path)`,
    command,
  );
}

/**
 * The rows of logits of `eval` and `sample`: from the positional arguments (each may hold
 * several rows), else from stdin; an interactive stdin without arguments, or no logits at all,
 * is a usage error.
 *
 * @example
 * ```ts
 * await readCommandRows(['2,1,0.1'], io, 'eval'); // [[2, 1, 0.1]]
 * ```
 */
export async function readCommandRows(
  positionals: readonly string[],
  io: CommandIo,
  command: string,
): Promise<number[][]> {
  let rows: number[][];
  if (positionals.length > 0) {
    rows = [];
    for (let index = 0; index < positionals.length; index++) {
      for (const row of parseRows(
        positionals[index] as string,
        `argument ${index + 1}`,
        rows.length,
      )) {
        rows.push(row);
      }
    }
  } else if (io.stdinIsTty) {
    throw new UsageError('no logits: give rows as arguments (e.g. 2,1,0.1) or on stdin', command);
  } else {
    rows = parseRows(await io.readStdin());
  }
  if (rows.length === 0) throw new UsageError('no logits in the input', command);
  return rows;
}
