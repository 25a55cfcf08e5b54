import { isAbsolute } from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtinBackendNames, findBuiltinBackend } from '@softmax-kit/conformance/backends';
import type { LoadedBackend } from '@softmax-kit/conformance/node';
import { packageVersion } from './environment.js';

/**
 * The backends the CLI knows by name, in the order `all` runs them: the Node ones of the
 * conformance suite's one list (`@softmax-kit/conformance/backends`).
 */
export const KNOWN_BACKENDS: readonly string[] = builtinBackendNames('node');

/** A backend instance, or the reason it cannot be made in this runtime. */
export type BackendSource = LoadedBackend;

/**
 * True when a `--backend` value names a module file rather than a known backend.
 *
 * @example
 * ```ts
 * isModulePath('./my-backend.js#myBackend'); // true
 * isModulePath('tfjs-wasm'); // false
 * ```
 */
export function isModulePath(spec: string): boolean {
  return (
    spec.startsWith('.') ||
    isAbsolute(spec) ||
    spec.startsWith('file:') ||
    /\.(m?js|cjs|ts|mts)(#\w+)?$/.test(spec)
  );
}

/**
 * The error message of anything thrown, with its code when it has one.
 *
 * @example
 * ```ts
 * messageOf(new Error('boom')); // 'boom'
 * ```
 */
export function messageOf(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' && !error.message.includes(code)
      ? `${code}: ${error.message}`
      : error.message;
  }
  return String(error);
}

/**
 * Resolves a `--backend` value with the conformance suite's loader (`loadBackend` from
 * `@softmax-kit/conformance/node`, so both CLIs accept the same specs): a known name (see
 * {@link KNOWN_BACKENDS}), imported lazily from the CLI's own dependencies, or a
 * module path such as `./my-backend.js` (default export, `backend`, `createBackend` or an
 * export named `*Backend`; or `./my-backend.js#myFactory` for a named one). A backend that cannot be loaded comes back as
 * `unavailable` with the reason, never as an exception.
 *
 * @example
 * ```ts
 * const source = await loadBackendSource('tfjs-wasm');
 * if ('backend' in source) await createSoftmax(source.backend);
 * else console.log(source.id, 'unavailable:', source.unavailable);
 * ```
 */
export async function loadBackendSource(spec: string, cwd = process.cwd()): Promise<BackendSource> {
  try {
    const { loadBackend } = await import('@softmax-kit/conformance/node');
    const loaded = await loadBackend(spec.startsWith('file:') ? fileURLToPath(spec) : spec, {
      cwd,
      importer: (id) => import(id),
    });
    const pkg = findBuiltinBackend(spec)?.package;
    if ('backend' in loaded && loaded.version === undefined && pkg !== undefined) {
      const version = await packageVersion(pkg);
      if (version !== undefined) return { ...loaded, version };
    }
    return loaded;
  } catch (error) {
    return { id: spec, unavailable: messageOf(error) };
  }
}
