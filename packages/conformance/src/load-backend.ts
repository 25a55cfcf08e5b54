/**
 * Loading a backend by built-in name or module path, and reading installed package versions
 * (Node only).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Backend } from '@softmax-kit/core';
import { BUILTIN_BACKENDS, findBuiltinBackend, REPORTED_PACKAGES } from './backends.js';
import { findWorkspaceRoot } from './write-report.js';

/** Result of {@link loadBackend}: a backend, or the reason it cannot be created here. */
export type LoadedBackend =
  | { readonly id: string; readonly backend: Backend; readonly version?: string }
  | {
      readonly id: string;
      readonly unavailable: string;
      /**
       * True when the module was there but loading it failed (it threw, or its factory threw):
       * a failure even where an uninstalled backend would only be skipped.
       */
      readonly broken?: boolean;
    };

/** Options of {@link loadBackend}. */
export interface LoadBackendOptions {
  /** Folder to resolve packages and relative module paths from (default `process.cwd()`). */
  readonly cwd?: string;
  /**
   * Imports a package by name from the caller's context, e.g. `(id) => import(id)` in the CLI,
   * whose own dependencies include the backends. Tried before the resolution from `cwd`.
   */
  readonly importer?: (specifier: string) => Promise<unknown>;
  /**
   * More places (file paths or `file:` URLs of a module inside a package) to resolve built-in
   * backend packages from, after `cwd`: the CLI passes its own location, so the backends it
   * depends on load in the watchdog process, where no `importer` function can be passed.
   */
  readonly resolveFrom?: readonly string[];
}

/** Where a workspace package of this name lives (monorepo checkouts), if anywhere. */
function workspacePackage(name: string, cwd: string): string | null {
  const root = findWorkspaceRoot(cwd);
  for (const folder of ['packages', 'apps']) {
    const base = join(root, folder);
    if (!existsSync(base)) continue;
    for (const entry of readdirSync(base)) {
      const manifest = join(base, entry, 'package.json');
      if (!existsSync(manifest)) continue;
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === name)
          return manifest;
      } catch {
        // not a package
      }
    }
  }
  return null;
}

/** Resolves a package from `cwd` (node_modules), else from the workspace; returns its entry URL and version. */
function resolvePackage(
  name: string,
  cwd: string,
  resolveFrom: readonly string[] = [],
): { url: string | null; version?: string } | null {
  const bases = [
    join(resolve(cwd), 'noop.js'),
    ...resolveFrom.map((from) => (from.startsWith('file:') ? fileURLToPath(from) : from)),
  ];
  const manifest = workspacePackage(name, cwd);
  if (manifest) bases.push(manifest); // a package resolves its own name (self-reference)
  for (const base of bases) {
    const require = createRequire(base);
    let version: string | undefined;
    try {
      const path = require.resolve(`${name}/package.json`);
      version = (JSON.parse(readFileSync(path, 'utf8')) as { version?: string }).version;
    } catch {
      version = undefined;
    }
    let url: string | null = null;
    try {
      url = pathToFileURL(require.resolve(name)).href;
    } catch {
      url = null; // not installed here, or not built (dist missing)
    }
    if (url !== null || version !== undefined) return { url, ...(version ? { version } : {}) };
  }
  return null;
}

function isBackend(value: unknown): value is Backend {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { specificationVersion?: unknown }).specificationVersion === 'v1' &&
    typeof (value as { doInit?: unknown }).doInit === 'function'
  );
}

async function instantiate(candidate: unknown, args: readonly unknown[]): Promise<unknown> {
  return typeof candidate === 'function'
    ? await (candidate as (...a: unknown[]) => unknown)(...args)
    : candidate;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The exports tried, in order, when a module path names none: `default`, `backend`,
 * `createBackend`, then every other export whose name ends in `Backend` (the README's
 * `myBackend`).
 */
function candidateExports(module: Record<string, unknown>): string[] {
  const preferred = ['default', 'backend', 'createBackend'];
  const others = Object.keys(module).filter(
    (name) => !preferred.includes(name) && /Backend$/.test(name),
  );
  return [...preferred.filter((name) => name in module), ...others.sort()];
}

/**
 * Creates a backend from a spec: a built-in name (`ts`, `wasm`, `tfjs-cpu`, ...; see
 * {@link BUILTIN_BACKENDS}) or a module path (`./my-backend.js`, optionally `#exportName`).
 * A module's export (default, else `backend`, else `createBackend`, else an export named
 * `*Backend`) may be a backend object or a function returning one (sync or async). A package that is not installed gives `unavailable`
 * with the install command, never an exception.
 *
 * @example
 * ```ts
 * const loaded = await loadBackend('./dist/my-backend.js#myBackend');
 * if ('backend' in loaded) await runConformance(loaded.backend);
 * ```
 */
export async function loadBackend(
  spec: string,
  options: LoadBackendOptions = {},
): Promise<LoadedBackend> {
  const cwd = options.cwd ?? process.cwd();
  const builtin = findBuiltinBackend(spec);
  if (builtin) {
    let module: Record<string, unknown> | null = null;
    let version: string | undefined;
    if (options.importer) {
      try {
        module = (await options.importer(builtin.package)) as Record<string, unknown>;
      } catch {
        module = null;
      }
    }
    if (module === null) {
      const resolved = resolvePackage(builtin.package, cwd, options.resolveFrom);
      if (resolved === null) {
        return {
          id: spec,
          unavailable: `${builtin.package} is not installed here (looked from ${cwd}); install it with \`pnpm add -D ${builtin.package}\` (or npm install -D ${builtin.package})`,
        };
      }
      if (resolved.url === null) {
        return {
          id: spec,
          unavailable: `${builtin.package} ${resolved.version ?? ''} is present but its entry point cannot be resolved (in this repo: build it first with \`pnpm build\`)`,
        };
      }
      version = resolved.version;
      try {
        module = (await import(resolved.url)) as Record<string, unknown>;
      } catch (error) {
        return {
          id: spec,
          unavailable: `${builtin.package} failed to load: ${(error as Error).message}`,
        };
      }
    }
    const factory = module[builtin.factory];
    if (typeof factory !== 'function')
      return { id: spec, unavailable: `${builtin.package} has no export ${builtin.factory}()` };
    let backend: unknown;
    try {
      backend = await instantiate(factory, builtin.options ? [builtin.options] : []);
    } catch (error) {
      // a factory may say BACKEND_UNAVAILABLE itself (e.g. a device missing here): a skip
      const code = (error as { code?: unknown } | null)?.code;
      return {
        id: spec,
        unavailable: `${builtin.package} ${builtin.factory}() threw: ${messageOf(error)}`,
        broken: code !== 'BACKEND_UNAVAILABLE',
      };
    }
    if (!isBackend(backend))
      return {
        id: spec,
        unavailable: `${builtin.package} ${builtin.factory}() did not return a softmax-kit v1 backend`,
        broken: true,
      };
    return { id: spec, backend, ...(version ? { version } : {}) };
  }

  const [path, exportName] = spec.split('#') as [string, string | undefined];
  const file = resolve(cwd, path);
  if (!existsSync(file)) {
    return {
      id: spec,
      unavailable: `'${spec}' is neither a built-in backend (${BUILTIN_BACKENDS.map((b) => b.name).join(', ')}) nor an existing module path`,
    };
  }
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (error) {
    return { id: spec, unavailable: `${file} failed to load: ${messageOf(error)}`, broken: true };
  }
  const names = exportName ? [exportName] : candidateExports(module);
  for (const name of names) {
    if (!(name in module)) continue;
    let backend: unknown;
    try {
      backend = await instantiate(module[name], []);
    } catch (error) {
      return {
        id: spec,
        unavailable: `${file}: export ${name} threw: ${messageOf(error)}`,
        broken: true,
      };
    }
    if (isBackend(backend)) return { id: spec, backend };
  }
  return {
    id: spec,
    unavailable: `${file} exports no softmax-kit v1 backend (looked for ${exportName ?? 'default, backend, createBackend and exports named *Backend'}: a backend object or a function returning one)`,
    broken: true,
  };
}

/**
 * Versions of the installed @softmax-kit packages (and tfjs) as seen from `cwd`, for reports.
 *
 * @example
 * ```ts
 * await runConformance(backend, { versions: installedVersions() });
 * ```
 */
export function installedVersions(
  cwd: string = process.cwd(),
  resolveFrom: readonly string[] = [],
): Record<string, string> {
  const versions: Record<string, string> = {};
  for (const name of REPORTED_PACKAGES) {
    const version = resolvePackage(name, cwd, resolveFrom)?.version;
    if (version) versions[name] = version;
  }
  const own = join(dirname(fileURLToPath(import.meta.url)), '..', 'package.json');
  try {
    versions['@softmax-kit/conformance'] = (
      JSON.parse(readFileSync(own, 'utf8')) as { version: string }
    ).version;
  } catch {
    // running from an unusual layout
  }
  return versions;
}
