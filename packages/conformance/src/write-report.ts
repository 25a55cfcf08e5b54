/**
 * Writing reports to files: per backend (JSON + JUnit), or one JSON / JUnit / Markdown file (Node
 * only). A written report is an artifact people share (CI uploads, the docs site): absolute paths
 * of this machine in it (a skip reason quoting where a native binding was looked for) are
 * redacted, `node_modules` paths to their package-relative tail.
 */
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { formatMarkdown } from './format-summary.js';
import { redactReport } from './redact-paths.js';
import type { ConformanceReport } from './report.js';
import { toJUnit } from './to-junit.js';
import { prepareFolder, writeFileWithin } from './write-file.js';

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
  await prepareFolder(dir);
  const safe = safeId(id);
  report = redactReport(report);
  const json = await writeFileWithin(
    join(dir, `${safe}.json`),
    `${JSON.stringify(report, null, 2)}\n`,
  );
  const junit = await writeFileWithin(join(dir, `${safe}.junit.xml`), toJUnit(report));
  return { json, junit };
}

function writeText(file: string, text: string): Promise<string> {
  return writeFileWithin(file, text);
}

/** A file-name-safe report id. */
function safeId(id: string): string {
  return id.replace(/[^A-Za-z0-9._-]/g, '_');
}

/**
 * Writes the reports as JSON: one file (the report, or an array of several), or one
 * `<backend>.json` per report when `target` ends in `/`. Returns the paths written.
 *
 * @example
 * ```ts
 * await writeJsonReports('reports/conformance/', reports);
 * ```
 */
export async function writeJsonReports(
  target: string,
  given: readonly ConformanceReport[],
): Promise<string[]> {
  const reports = redactReport(given);
  if (target.endsWith('/') || target.endsWith('\\')) {
    const paths: string[] = [];
    for (const report of reports)
      paths.push(
        await writeText(
          join(target, `${safeId(report.backend)}.json`),
          `${JSON.stringify(report, null, 2)}\n`,
        ),
      );
    return paths;
  }
  const value = reports.length === 1 ? reports[0] : reports;
  return [await writeText(target, `${JSON.stringify(value, null, 2)}\n`)];
}

/** Writes one JUnit XML file for all the reports (one `<testsuite>` each); returns its path. */
export function writeJUnitFile(
  file: string,
  reports: readonly ConformanceReport[],
): Promise<string> {
  return writeText(file, toJUnit(redactReport(reports)));
}

/** Writes the Markdown summary ({@link formatMarkdown}); returns its path. */
export function writeMarkdownFile(
  file: string,
  reports: readonly ConformanceReport[],
): Promise<string> {
  return writeText(file, formatMarkdown(redactReport(reports)));
}
