/**
 * Node-only helpers of the conformance suite: loading backends by name or module path, writing
 * JSON and JUnit reports, reading installed package versions, and the command behind the
 * `softmax-kit-conformance` bin (reused by `softmax-kit conformance`).
 *
 * @packageDocumentation
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Backend } from '@softmax-kit/core';
import { BUILTIN_BACKENDS, findBuiltinBackend, REPORTED_PACKAGES } from './backends.js';
import { formatSummary } from './format-summary.js';
import type { CheckGroup, ConformanceReport } from './report.js';
import { runConformance, skippedReport } from './run-conformance.js';
import { findWorkspaceRoot, resolveReportDir, writeReport } from './write-report.js';

export { BUILTIN_BACKENDS, type BuiltinBackend, REPORTED_PACKAGES } from './backends.js';
export { findWorkspaceRoot, resolveReportDir, writeReport };

/** Result of {@link loadBackend}: a backend, or the reason it cannot be created here. */
export type LoadedBackend =
  | { readonly id: string; readonly backend: Backend; readonly version?: string }
  | { readonly id: string; readonly unavailable: string };

/** Options of {@link loadBackend}. */
export interface LoadBackendOptions {
  /** Folder to resolve packages and relative module paths from (default `process.cwd()`). */
  readonly cwd?: string;
  /**
   * Imports a package by name from the caller's context, e.g. `(id) => import(id)` in the CLI,
   * whose own dependencies include the backends. Tried before the resolution from `cwd`.
   */
  readonly importer?: (specifier: string) => Promise<unknown>;
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
): { url: string | null; version?: string } | null {
  const bases = [join(resolve(cwd), 'noop.js')];
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

/**
 * Creates a backend from a spec: a built-in name (`ts`, `wasm`, `tfjs-cpu`, ...; see
 * {@link BUILTIN_BACKENDS}) or a module path (`./my-backend.js`, optionally `#exportName`).
 * A module's export (default, else `backend`, else `createBackend`) may be a backend object or a
 * function returning one (sync or async). A package that is not installed gives `unavailable`
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
      const resolved = resolvePackage(builtin.package, cwd);
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
    const backend = await instantiate(factory, builtin.options ? [builtin.options] : []);
    if (!isBackend(backend))
      return {
        id: spec,
        unavailable: `${builtin.package} ${builtin.factory}() did not return a softmax-kit v1 backend`,
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
  const module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  const names = exportName ? [exportName] : ['default', 'backend', 'createBackend'];
  for (const name of names) {
    if (!(name in module)) continue;
    const backend = await instantiate(module[name], []);
    if (isBackend(backend)) return { id: spec, backend };
  }
  return {
    id: spec,
    unavailable: `${file} exports no softmax-kit v1 backend (looked for ${names.join(', ')}: a backend object or a function returning one)`,
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
export function installedVersions(cwd: string = process.cwd()): Record<string, string> {
  const versions: Record<string, string> = {};
  for (const name of REPORTED_PACKAGES) {
    const version = resolvePackage(name, cwd)?.version;
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

/** Options of {@link runConformanceCommand}. */
export interface CommandOptions {
  readonly backends: readonly string[];
  readonly outDir?: string;
  readonly seed?: number;
  readonly sizes?: readonly number[];
  readonly groups?: readonly CheckGroup[];
  readonly quiet?: boolean;
  readonly cwd?: string;
  readonly importer?: (specifier: string) => Promise<unknown>;
  /** Where progress goes (default stderr). */
  readonly progress?: (line: string) => void;
}

/**
 * Runs the suite on each backend in turn (progress on stderr), writes `<outDir>/<id>.json` and
 * `<id>.junit.xml`, and returns the reports and the summary table. Backends that cannot load are
 * reported as skipped with the reason, never dropped. The exit code to use is 1 when any check failed.
 *
 * @example
 * ```ts
 * const { exitCode, summary } = await runConformanceCommand({ backends: ['ts', './my-backend.js'] });
 * console.log(summary);
 * process.exitCode = exitCode;
 * ```
 */
export async function runConformanceCommand(options: CommandOptions): Promise<{
  reports: ConformanceReport[];
  summary: string;
  exitCode: number;
  files: string[];
}> {
  const cwd = options.cwd ?? process.cwd();
  const write = options.progress ?? ((line: string) => process.stderr.write(`${line}\n`));
  const versions = installedVersions(cwd);
  const filter = options.groups?.length
    ? (c: { group: CheckGroup }) => (options.groups as readonly CheckGroup[]).includes(c.group)
    : undefined;
  const common = {
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    ...(options.sizes === undefined ? {} : { sizes: options.sizes }),
    ...(filter ? { filter } : {}),
  };
  const reports: ConformanceReport[] = [];
  const files: string[] = [];
  const outDir = resolveReportDir(options.outDir ?? 'reports/conformance', cwd);
  for (const spec of options.backends) {
    write(`[conformance] ${spec}: loading`);
    const loaded = await loadBackend(spec, {
      cwd,
      ...(options.importer ? { importer: options.importer } : {}),
    });
    let report: ConformanceReport;
    if ('unavailable' in loaded) {
      report = skippedReport(spec, loaded.unavailable, { ...common, versions });
    } else {
      let failures = 0;
      report = await runConformance(loaded.backend, {
        ...common,
        versions,
        onProgress: (event) => {
          if (event.phase !== 'end') return;
          if (event.status === 'fail') failures++;
          if (options.quiet) return;
          const mark = event.status === 'pass' ? 'ok  ' : event.status === 'fail' ? 'FAIL' : 'skip';
          write(
            `[conformance] ${spec} ${String(event.index + 1).padStart(3)}/${event.total} ${mark} ${event.id} (${(event.durationMs ?? 0).toFixed(0)} ms)${failures ? ` [${failures} failed]` : ''}`,
          );
        },
      });
    }
    write(`[conformance] ${spec}: ${report.status}${report.reason ? ` (${report.reason})` : ''}`);
    const id =
      'unavailable' in loaded
        ? spec.replace(/^.*[\\/]/, '').replace(/\.[cm]?js(#.*)?$/, '')
        : undefined;
    const written = await writeReport(report, outDir, id);
    files.push(written.json, written.junit);
    reports.push(report);
  }
  return {
    reports,
    summary: formatSummary(reports),
    exitCode: reports.some((r) => r.status === 'fail') ? 1 : 0,
    files,
  };
}
