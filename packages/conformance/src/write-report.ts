import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import type { ConformanceReport } from './report.js';
import { toJUnit } from './to-junit.js';

/** The repo root: the nearest folder above `from` holding pnpm-workspace.yaml, else `from`. */
export function findWorkspaceRoot(from: string = process.cwd()): string {
  let dir = resolve(from);
  for (;;) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return resolve(from);
    dir = parent;
  }
}

/**
 * Resolves a report folder setting: `'1'` or `'true'` mean `<repo root>/reports/conformance`;
 * relative paths are taken from the repo root, so every package writes to the same place.
 *
 * @example
 * ```ts
 * resolveReportDir(process.env.SOFTMAX_KIT_REPORT_DIR ?? '1');
 * ```
 */
export function resolveReportDir(setting: string, from: string = process.cwd()): string {
  const root = findWorkspaceRoot(from);
  if (setting === '1' || setting === 'true') return join(root, 'reports', 'conformance');
  return isAbsolute(setting) ? setting : join(root, setting);
}

/**
 * Writes `<dir>/<id>.json` (the report) and `<dir>/<id>.junit.xml`; returns both paths.
 * `id` defaults to the backend name, plus `-browser` for reports made in a browser.
 *
 * @example
 * ```ts
 * await writeReport(report, 'reports/conformance'); // reports/conformance/ts.json
 * ```
 */
export async function writeReport(
  report: ConformanceReport,
  dir: string,
  id: string = report.environment.runtime === 'browser'
    ? `${report.backend}-browser`
    : report.backend,
): Promise<{ json: string; junit: string }> {
  await mkdir(dir, { recursive: true });
  const safe = id.replace(/[^A-Za-z0-9._-]/g, '_');
  const json = join(dir, `${safe}.json`);
  const junit = join(dir, `${safe}.junit.xml`);
  await writeFile(json, `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(junit, toJUnit(report));
  return { json, junit };
}
