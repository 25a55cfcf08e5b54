import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { redactReport } from '@softmax-kit/cli/verdict';
import type { BenchReport, ConformanceReport } from './report-types.js';

/** The repository root (apps/docs/.vitepress/lib -> ../../../..). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');

/**
 * Where the reports are read from: `SOFTMAX_KIT_REPORTS_DIR` when set (the e2e test points it at
 * test/fixtures/reports), else the repo-root `reports/` that `softmax-kit compare` writes.
 */
export function reportsDir(): string {
  const fromEnv = process.env.SOFTMAX_KIT_REPORTS_DIR;
  return fromEnv ? resolve(fromEnv) : join(repoRoot, 'reports');
}

export interface LoadedConformance {
  /** File name without `.json`, e.g. `tfjs-webgl-browser`. */
  id: string;
  report: ConformanceReport;
}

export interface LoadedReports {
  /** The folder, relative to the repo root when inside it. */
  dir: string;
  conformance: LoadedConformance[];
  bench: BenchReport | null;
  benchBrowser: BenchReport | null;
  /** Files that exist but could not be read as reports, with the reason. */
  problems: string[];
}

function readJson(path: string, problems: string[]): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    problems.push(`${path}: ${(error as Error).message}`);
    return null;
  }
}

function isConformanceReport(value: unknown): value is ConformanceReport {
  const report = value as ConformanceReport | null;
  return (
    report !== null &&
    typeof report === 'object' &&
    report.reportVersion === 1 &&
    typeof report.backend === 'string' &&
    Array.isArray(report.cases) &&
    typeof report.environment === 'object'
  );
}

function isBenchReport(value: unknown): value is BenchReport {
  const report = value as BenchReport | null;
  return (
    report !== null &&
    typeof report === 'object' &&
    report.reportVersion === 1 &&
    Array.isArray(report.results) &&
    Array.isArray(report.subjects) &&
    typeof report.environment === 'object'
  );
}

function loadBench(path: string, problems: string[]): BenchReport | null {
  if (!existsSync(path)) return null;
  const value = readJson(path, problems);
  if (value === null) return null;
  if (!isBenchReport(value)) {
    problems.push(`${path}: not a BenchReport (reportVersion 1)`);
    return null;
  }
  return value;
}

/** Node runs first, then browser runs, each sorted by id. */
function byRuntimeThenId(a: LoadedConformance, b: LoadedConformance): number {
  const runtimeA = a.report.environment.runtime === 'browser' ? 1 : 0;
  const runtimeB = b.report.environment.runtime === 'browser' ? 1 : 0;
  return runtimeA - runtimeB || a.id.localeCompare(b.id);
}

/** Reads every report under `dir`; missing files are not an error (the pages say "not run yet"). */
export function loadReports(dir = reportsDir()): LoadedReports {
  const problems: string[] = [];
  const conformance: LoadedConformance[] = [];
  const conformanceDir = join(dir, 'conformance');
  if (existsSync(conformanceDir)) {
    for (const file of readdirSync(conformanceDir).sort()) {
      if (!file.endsWith('.json')) continue;
      const path = join(conformanceDir, file);
      const value = readJson(path, problems);
      if (value === null) continue;
      if (!isConformanceReport(value)) {
        problems.push(`${path}: not a ConformanceReport (reportVersion 1)`);
        continue;
      }
      conformance.push({ id: file.slice(0, -'.json'.length), report: value });
    }
  }
  conformance.sort(byRuntimeThenId);
  const shownDir = relative(repoRoot, dir);
  // What is published names no folder of the machine that measured (a skipped backend's
  // reason quoted the path of its missing native binding): paths become package-relative.
  return redactReport({
    dir: shownDir.startsWith('..') ? dir : shownDir || '.',
    conformance,
    bench: loadBench(join(dir, 'bench', 'bench.json'), problems),
    benchBrowser: loadBench(join(dir, 'bench', 'bench-browser.json'), problems),
    problems,
  });
}
